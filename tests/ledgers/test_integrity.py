"""The integrity record: "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元"."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ledgers.models import IntegrityRecord
from ledgers.selectors.integrity import approximately, integrity_sentence, integrity_totals
from ledgers.services.integrity import (
    integrity_record_correct,
    integrity_record_create,
    integrity_record_delete,
)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (34, "30余"),
        (30, "30"),
        (7, "7"),
        (10, "10"),
        (Decimal("4537.50"), "4530余"),
        (Decimal("4500.00"), "4500"),
        (Decimal("4500.50"), "4500余"),
        (Decimal("45000"), "45000"),
    ],
)
def test_a_figure_is_written_like_the_speech(value, written):
    assert approximately(value) == written


def test_the_sentence_of_the_speech():
    assert (
        integrity_sentence(
            banquets=34,
            vouchers=15,
            vouchers_value=Decimal("4560.00"),
            gifts_value=Decimal("45080.00"),
        )
        == "拒吃请30余人次,拒收购物券15张价值4560元,拒收信息费、礼金45080元"
    )
    assert (
        integrity_sentence(
            banquets=31, vouchers=15, vouchers_value=Decimal("4502"), gifts_value=Decimal("45001")
        )
        == "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元"
    )


def test_the_sentence_leaves_out_what_was_not_refused():
    assert (
        integrity_sentence(banquets=0, vouchers=2, vouchers_value=0, gifts_value=Decimal("800"))
        == "拒收购物券2张,拒收信息费、礼金800元"
    )
    assert integrity_sentence(banquets=0, vouchers=0, vouchers_value=0, gifts_value=0) == ""


def _record(unit, user, **figures):
    return integrity_record_create(
        unit=unit, user=user, recorded_on=datetime.date(2005, 2, 10), **figures
    )


def test_totals_add_up_the_subtree_to_the_fen(live_district):
    d = live_district
    _record(
        d.school1, d.users["secretary1"], refused_banquets=12, refused_gifts_value=Decimal("0.10")
    )
    _record(
        d.school2,
        d.users["leader1"],
        refused_banquets=22,
        refused_vouchers=15,
        refused_vouchers_value=Decimal("4502.00"),
        refused_gifts_value=Decimal("0.20"),
    )
    _record(d.ward, d.users["secretary2"], refused_banquets=100)
    totals = integrity_totals(d.education)
    assert totals.banquets == 34
    assert totals.vouchers == 15
    assert totals.vouchers_value == Decimal("4502.00")
    assert totals.gifts_value == Decimal("0.30")
    assert totals.sentence == "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金0.3元"
    assert integrity_totals(d.root).banquets == 134


def test_the_page_shows_totals_and_the_sentence(live_district, login):
    d = live_district
    _record(
        d.school1,
        d.users["secretary1"],
        refused_banquets=31,
        refused_vouchers=3,
        refused_vouchers_value=Decimal("600"),
    )
    html = (
        login(d.users["office"])
        .get(reverse("ledgers:integrity_records", args=[d.education.pk]))
        .content.decode()
    )
    assert "拒吃请30余人次,拒收购物券3张价值600元。" in html
    assert 'data-figure="banquets">31<' in html
    assert "区一中党支部" in html


def test_a_secretary_records_refused_gifts(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:integrity_record_create", args=[d.school1.pk]),
        {
            "recorded_on": "2005-02-10",
            "refused_banquets": "5",
            "refused_vouchers": "",
            "refused_vouchers_value": "",
            "refused_gifts_value": "2000.50",
            "note": "春节期间",
        },
        follow=True,
    )
    assert "已登记廉洁自律情况" in response.content.decode()
    record = IntegrityRecord.objects.get()
    assert record.refused_gifts_value == Decimal("2000.50")
    assert record.refused_vouchers == 0
    assert record.recorded_by == d.users["secretary1"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"refused_banquets": "-2"}, "不能是负数"),
        ({"refused_gifts_value": "两千"}, "请填写金额"),
        ({"refused_gifts_value": "10.555"}, "精确到分"),
        ({"refused_vouchers_value": "300"}, "请同时填写张数"),
        ({}, "请至少填写一项"),
        ({"recorded_on": "2099-01-01", "refused_banquets": "1"}, "日期不能晚于今天"),
        ({"recorded_on": "二月十日", "refused_banquets": "1"}, "请填写正确的日期"),
    ],
    ids=[
        "negative",
        "not-a-number",
        "too-precise",
        "value-without-count",
        "nothing",
        "future",
        "bad-date",
    ],
)
def test_bad_input_is_refused_in_chinese_keeping_what_was_typed(
    live_district, login, data, message
):
    d = live_district
    posted = {"recorded_on": "2005-02-10", "note": "春节期间走访", **data}
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:integrity_record_create", args=[d.school1.pk]), posted
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "春节期间走访" in html
    assert not IntegrityRecord.objects.exists()


def test_query_count_does_not_grow_with_data(live_district, login, count_queries):
    d = live_district
    _record(d.school1, d.users["secretary1"], refused_banquets=1)
    client = login(d.users["leader1"])
    url = reverse("ledgers:integrity_records", args=[d.education.pk])
    before = count_queries(client, url)
    for n in range(8):
        _record(d.school2 if n % 2 else d.school1, d.users["leader1"], refused_banquets=n + 1)
    # The committee's own records, corrected and deleted: its page lists those corrections.
    for n in range(3):
        record = _record(d.education, d.users["leader1"], refused_banquets=10 + n)
        integrity_record_correct(
            record=record, user=d.users["leader1"], reason="人次有误", refused_banquets=n + 1
        )
        if n:
            integrity_record_delete(record=record, user=d.users["leader1"], reason="重复登记")
    assert count_queries(client, url) == before
    assert "重复登记" in client.get(url).content.decode()

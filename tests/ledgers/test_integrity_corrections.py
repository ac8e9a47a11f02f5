"""Correcting and deleting an integrity record from its pages: the totals and the sentence
of the speech follow, the correction is shown, and the create-time rules hold on edit.

The shared service itself (locking, before/after, no change writes nothing) is tested in
test_corrections_service.py; here are the pages, the rules and who may use them.
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from common.dates import day_text
from ledgers.models import CorrectionAction, IntegrityRecord, LedgerCorrection
from ledgers.services.integrity import integrity_record_create
from tests.conftest import PERSONAS, log_in

READERS = {"office", "supervisor1", "leader1", "secretary1"}
KEEPERS = {"leader1", "secretary1"}
NOT_KEEPERS = [persona for persona in PERSONAS if persona not in KEEPERS]


def _a_week_ago():
    # At run time, not collection, so a run crossing midnight in Shanghai stays green.
    return timezone.localdate() - datetime.timedelta(days=7)


@pytest.fixture
def mistyped(live_district):
    """区一中's record with 300 for 30 banquets."""
    d = live_district
    return integrity_record_create(
        unit=d.school1,
        user=d.users["secretary1"],
        recorded_on=_a_week_ago(),
        refused_banquets=300,
        refused_vouchers=15,
        refused_vouchers_value=Decimal("4502.00"),
        note="春节期间",
    )


@pytest.fixture
def other(live_district):
    d = live_district
    return integrity_record_create(
        unit=d.school1,
        user=d.users["secretary1"],
        recorded_on=_a_week_ago(),
        refused_banquets=2,
        refused_gifts_value=Decimal("45001"),
    )


def _edit_url(record):
    return reverse("ledgers:integrity_record_edit", args=[record.pk])


def _delete_url(record):
    return reverse("ledgers:integrity_record_delete", args=[record.pk])


def _page(client, unit):
    return client.get(reverse("ledgers:integrity_records", args=[unit.pk])).content.decode()


def _posted(record, **overrides):
    """The edit form as the browser sends it back untouched, with `overrides`."""
    return {
        "recorded_on": record.recorded_on.isoformat(),
        "refused_banquets": str(record.refused_banquets),
        "refused_vouchers": str(record.refused_vouchers),
        "refused_vouchers_value": str(record.refused_vouchers_value),
        "refused_gifts_value": str(record.refused_gifts_value),
        "note": record.note,
        "reason": "人次多录了一个0",
        **overrides,
    }


def _expected(persona):
    return 403 if persona in READERS else 404


# Correcting ----------------------------------------------------------------------------------


def test_the_edit_form_is_filled_with_the_record(live_district, login, mistyped):
    html = login(live_district.users["secretary1"]).get(_edit_url(mistyped)).content.decode()
    assert f'value="{mistyped.recorded_on.isoformat()}"' in html
    assert 'name="refused_banquets" value="300"' in html
    assert 'value="春节期间"' in html
    assert "更正原因" in html
    assert "如:人次录入有误" in html


def test_a_correction_changes_the_totals_and_the_sentence(live_district, login, mistyped, other):
    d = live_district
    client = login(d.users["secretary1"])
    before = _page(client, d.school1)
    assert "拒吃请300余人次" in before
    assert 'data-figure="banquets">302<' in before

    response = client.post(
        _edit_url(mistyped), _posted(mistyped, refused_banquets="30"), follow=True
    )

    html = response.content.decode()
    assert "已更正:拒吃请(人次) 300 → 30。" in html
    assert 'data-figure="banquets">32<' in html
    assert "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元。" in html
    assert "拒吃请(人次):300 → 30" in html
    assert "原因:人次多录了一个0" in html
    correction = LedgerCorrection.objects.get()
    assert correction.action == CorrectionAction.CHANGED
    assert correction.changed_by == d.users["secretary1"]


def test_the_leader_above_corrects_from_the_committees_page(live_district, login, mistyped, other):
    d = live_district
    client = login(d.users["leader1"])
    assert _edit_url(mistyped) in _page(client, d.education)
    response = client.post(_edit_url(mistyped), _posted(mistyped, refused_banquets="30"))
    # Back to the record's own unit, whose 更正记录 holds the correction.
    assert response["Location"] == reverse("ledgers:integrity_records", args=[d.school1.pk])
    assert 'data-figure="banquets">32<' in _page(client, d.education)
    assert LedgerCorrection.objects.get().changed_by == d.users["leader1"]


def test_a_correction_needs_a_reason(live_district, login, mistyped):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(mistyped), _posted(mistyped, refused_banquets="30", reason="  ")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请写明更正原因" in html
    assert 'name="refused_banquets" value="30"' in html
    assert IntegrityRecord.objects.get().refused_banquets == 300
    assert not LedgerCorrection.objects.exists()


def test_a_reason_longer_than_200_characters_is_refused(live_district, login, mistyped):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(mistyped), _posted(mistyped, refused_banquets="30", reason="录" * 201)
    )
    assert "更正原因不超过200个字" in response.content.decode()
    assert IntegrityRecord.objects.get().refused_banquets == 300


def test_saving_without_a_change_writes_nothing(live_district, login, mistyped):
    # Typed as 4502 where the record holds 4502.00: the same figure.
    response = login(live_district.users["secretary1"]).post(
        _edit_url(mistyped),
        _posted(mistyped, refused_vouchers_value="4502", reason=""),
        follow=True,
    )
    assert "没有改动。" in response.content.decode()
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"refused_banquets": "-2"}, "refused_banquets", "不能是负数"),
        ({"refused_gifts_value": "两千"}, "refused_gifts_value", "请填写金额"),
        ({"refused_vouchers": "0"}, "refused_vouchers", "请同时填写张数"),
        (
            {"refused_banquets": "", "refused_vouchers": "", "refused_vouchers_value": ""},
            None,
            "请至少填写一项",
        ),
        ({"recorded_on": "2099-01-01"}, "recorded_on", "日期不能晚于今天"),
        ({"recorded_on": "二月十日"}, "recorded_on", "请填写正确的日期"),
    ],
    ids=["negative", "not-a-number", "value-without-count", "nothing", "future", "bad-date"],
)
def test_the_rules_of_a_new_record_hold_on_a_correction(
    live_district, login, mistyped, data, field, message
):
    posted = _posted(mistyped, note="春节期间走访", **data)
    response = login(live_district.users["secretary1"]).post(_edit_url(mistyped), posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field or "__all__"])
    html = response.content.decode()
    assert "春节期间走访" in html
    assert "人次多录了一个0" in html
    record = IntegrityRecord.objects.get()
    assert (record.refused_banquets, record.note) == (300, "春节期间")
    assert not LedgerCorrection.objects.exists()


def test_a_deleted_record_cannot_be_corrected(live_district, login, mistyped):
    client = login(live_district.users["secretary1"])
    client.post(_delete_url(mistyped), {"reason": "重复登记"})
    assert client.get(_edit_url(mistyped)).status_code == 404


# Deleting ------------------------------------------------------------------------------------


def test_the_confirmation_shows_what_the_record_says(live_district, login, mistyped):
    response = login(live_district.users["secretary1"]).get(_delete_url(mistyped))
    html = response.content.decode()
    assert "删除廉洁自律记录" in html
    assert day_text(mistyped.recorded_on) in html
    assert ">300<" in html
    assert "4502" in html
    assert "春节期间" in html
    assert IntegrityRecord.objects.exists()


def test_a_deletion_takes_the_record_out_of_the_totals(live_district, login, mistyped, other):
    d = live_district
    response = login(d.users["secretary1"]).post(
        _delete_url(other), {"reason": "重复登记"}, follow=True
    )
    html = response.content.decode()
    assert "已删除廉洁自律记录" in html
    assert 'data-figure="banquets">300<' in html
    assert 'data-figure="gifts-value">0<' in html
    assert "拒吃请300人次,拒收购物券15张价值4500余元。" in html
    assert "原因:重复登记" in html
    assert "拒收礼金、信息费(元):45001" in html
    assert not IntegrityRecord.objects.filter(pk=other.pk).exists()
    assert LedgerCorrection.objects.get().action == CorrectionAction.DELETED


def test_deleting_the_last_record_leaves_no_sentence(live_district, login, mistyped):
    client = login(live_district.users["secretary1"])
    client.post(_delete_url(mistyped), {"reason": "登记错了单位"})
    html = _page(client, live_district.school1)
    assert 'id="sentence"' not in html
    assert "还没有登记廉洁自律情况" in html
    assert "登记错了单位" in html


def test_a_deletion_needs_a_reason(live_district, login, mistyped):
    response = login(live_district.users["secretary1"]).post(_delete_url(mistyped), {"reason": ""})
    assert response.status_code == 200
    assert "请写明删除原因" in response.content.decode()
    assert IntegrityRecord.objects.filter(pk=mistyped.pk).exists()
    assert not LedgerCorrection.objects.exists()


# Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_KEEPERS)
@pytest.mark.parametrize("url", [_edit_url, _delete_url], ids=["edit", "delete"])
def test_only_keepers_open_the_forms(live_district, login, mistyped, persona, url):
    response = login(live_district.users[persona]).get(url(mistyped))
    assert response.status_code == _expected(persona)


@pytest.mark.parametrize("persona", sorted(KEEPERS))
@pytest.mark.parametrize("url", [_edit_url, _delete_url], ids=["edit", "delete"])
def test_keepers_open_the_forms(live_district, login, mistyped, persona, url):
    assert login(live_district.users[persona]).get(url(mistyped)).status_code == 200


@pytest.mark.parametrize("persona", NOT_KEEPERS)
def test_others_cannot_correct(live_district, login, mistyped, persona):
    response = login(live_district.users[persona]).post(
        _edit_url(mistyped), _posted(mistyped, refused_banquets="30")
    )
    assert response.status_code == _expected(persona)
    assert IntegrityRecord.objects.get().refused_banquets == 300
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize("persona", NOT_KEEPERS)
def test_others_cannot_delete(live_district, login, mistyped, persona):
    response = login(live_district.users[persona]).post(
        _delete_url(mistyped), {"reason": "重复登记"}
    )
    assert response.status_code == _expected(persona)
    assert IntegrityRecord.objects.filter(pk=mistyped.pk).exists()
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", [_edit_url, _delete_url], ids=["edit", "delete"])
def test_anonymous_visitors_are_sent_to_log_in(client, mistyped, method, url):
    path = url(mistyped)
    response = getattr(client, method)(path, {"reason": "重复登记"} if method == "post" else {})
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={path}"
    assert IntegrityRecord.objects.get().refused_banquets == 300
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize("persona", ["office", "supervisor1"])
def test_readers_see_no_links_to_correct(live_district, login, mistyped, persona):
    d = live_district
    client = login(d.users[persona])
    for unit in (d.school1, d.education):
        html = _page(client, unit)
        assert "拒吃请300人次" in html
        assert _edit_url(mistyped) not in html
        assert _delete_url(mistyped) not in html


@pytest.mark.parametrize("persona", sorted(KEEPERS))
def test_keepers_see_the_links(live_district, login, mistyped, persona):
    html = _page(login(live_district.users[persona]), live_district.school1)
    assert _edit_url(mistyped) in html
    assert _delete_url(mistyped) in html


# On a phone ------------------------------------------------------------------------------


def test_a_secretary_corrects_a_figure_on_a_phone(live_district, phone, mistyped):
    log_in(phone, "secretary1")
    phone.open(reverse("ledgers:integrity_records", args=[live_district.school1.pk]))
    phone.get_by_role("link", name="修改", exact=True).click()
    phone.get_by_label("拒吃请(人次)").fill("30")
    phone.get_by_role("button", name="保存更正").click()
    expect(phone.locator(".form-error-summary").get_by_text("请写明更正原因")).to_be_visible()
    expect(phone.get_by_label("拒吃请(人次)")).to_have_value("30")
    phone.get_by_label("更正原因").fill("人次多录了一个0")
    phone.get_by_role("button", name="保存更正").click()
    expect(phone.get_by_text("已更正:拒吃请(人次) 300 → 30。")).to_be_visible()
    expect(phone.locator("#sentence")).to_contain_text("拒吃请30人次")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

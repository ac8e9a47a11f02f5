"""五卡: card types set by the office; units record cards issued and returned, and never get
back more than they gave out."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import CardRecord
from ledgers.selectors.cards import card_totals
from ledgers.services import cards as services
from tests.factories import day_from_today


@pytest.fixture
def cards(live_district):
    d = live_district
    d.contact = services.card_type_add(batch=d.batch, name="联系卡")
    d.opinion = services.card_type_add(batch=d.batch, name="民情卡")
    return d


def _record(d, unit, card_type, issued, returned, user="secretary1"):
    return services.card_record(
        unit=unit,
        card_type=card_type,
        recorded_on=timezone.localdate(),
        issued=issued,
        returned=returned,
        user=d.users[user],
    )


def _post(client, d, card_type, issued, returned, recorded_on=None):
    return client.post(
        reverse("ledgers:practice_cards", args=[d.school1.pk]),
        {
            "card_type": card_type.pk,
            "recorded_on": recorded_on() if recorded_on else timezone.localdate().isoformat(),
            "issued": str(issued),
            "returned": str(returned),
        },
        follow=True,
    )


def test_a_secretary_records_cards_issued_and_returned(cards, login):
    client = login(cards.users["secretary1"])
    response = _post(client, cards, cards.contact, 50, 0)
    assert "已登记联系卡:发出50张,收回0张。" in response.text
    response = _post(client, cards, cards.contact, 0, 30)
    totals = {
        t.name: (t.issued_total, t.returned_total, t.outstanding)
        for t in response.context["totals"]
    }
    assert totals == {"联系卡": (50, 30, 20), "民情卡": (0, 0, 0)}


def test_more_returned_than_issued_is_refused_counting_every_record(cards, login):
    client = login(cards.users["secretary1"])
    _post(client, cards, cards.contact, 20, 15)
    response = _post(client, cards, cards.contact, 0, 6)
    assert "联系卡累计收回21张,多于累计发出的20张,请核对。" in response.text
    # What was typed stays on the form.
    assert 'value="6"' in response.text
    assert CardRecord.objects.count() == 1


def test_returned_is_checked_per_card_type_and_per_unit(cards):
    d = cards
    _record(d, d.school1, d.contact, 10, 0)
    with pytest.raises(ValidationError, match="民情卡累计收回1张"):
        _record(d, d.school1, d.opinion, 0, 1)
    with pytest.raises(ValidationError, match="联系卡累计收回1张,多于累计发出的0张"):
        _record(d, d.school2, d.contact, 0, 1, user="leader1")


@pytest.mark.parametrize(
    ("issued", "returned", "recorded_on", "message"),
    [
        (0, 0, None, "请填写发出或收回的张数。"),
        (-1, 0, None, "不能是负数。"),
        (5, 0, day_from_today(1), "日期不能晚于今天。"),
    ],
    ids=["nothing", "negative", "future"],
)
def test_bad_input_gets_a_clear_message(cards, login, issued, returned, recorded_on, message):
    response = _post(
        login(cards.users["secretary1"]), cards, cards.contact, issued, returned, recorded_on
    )
    assert message in response.text
    assert not CardRecord.objects.exists()


def test_a_committee_sees_the_totals_of_its_branches(cards, login):
    d = cards
    _record(d, d.school1, d.contact, 30, 10)
    _record(d, d.school2, d.contact, 20, 20, user="leader1")
    _record(d, d.ward, d.contact, 99, 0, user="secretary2")
    response = login(d.users["supervisor1"]).get(
        reverse("ledgers:practice_cards", args=[d.education.pk])
    )
    row = next(t for t in response.context["totals"] if t.name == "联系卡")
    assert (row.issued_total, row.returned_total, row.outstanding) == (50, 30, 20)
    assert "区二中党支部" in response.text
    # A supervisor reads but does not record.
    assert response.context["form"] is None


def test_without_card_types_the_unit_is_told_the_office_sets_them(live_district, login):
    response = login(live_district.users["secretary1"]).get(
        reverse("ledgers:practice_cards", args=[live_district.school1.pk])
    )
    assert "区委先进性教育办公室还没有设置“五卡”卡种。" in response.text


def test_card_totals_are_one_query(cards, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(card_totals(cards.root, batch=cards.batch))


def test_the_cards_page_costs_the_same_however_many_records(cards, login, count_queries):
    d = cards
    client = login(d.users["leader1"])
    urls = [reverse("ledgers:practice_cards", args=[u.pk]) for u in (d.school1, d.education)]
    _record(d, d.school1, d.contact, 5, 0)
    before = [count_queries(client, url) for url in urls]
    for number in range(10):
        record = _record(d, d.school1, [d.contact, d.opinion][number % 2], 5, 1)
        services.card_record_correct(
            record=record, user=d.users["secretary1"], reason="收回张数录入有误", returned=2
        )
    services.card_record_delete(record=record, user=d.users["leader1"], reason="重复登记")
    assert [count_queries(client, url) for url in urls] == before

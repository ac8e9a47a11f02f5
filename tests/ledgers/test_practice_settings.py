"""The office's settings for the 二三五 activities: the plan deadline, last year's figures
and the 五卡 card types, on one page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaign.models import Batch
from ledgers.models import CardType, PracticeBaseline
from tests.factories import UserFactory, a_minute_later
from units.models import Role, RoleAssignment, Unit, UnitKind


@pytest.fixture
def office(district, login):
    client = login(district.users["office"])
    client.url = reverse("ledgers:practice_settings")
    return client


def test_the_office_sets_the_plan_deadline(district, office):
    response = office.post(
        office.url, {"form": "deadline", "practice_plan_due": "2005-03-05"}, follow=True
    )
    assert "已设置计划报送截止日期。" in response.text
    assert Batch.objects.get().practice_plan_due == datetime.date(2005, 3, 5)


def test_a_deadline_outside_the_batch_is_refused(district, office):
    response = office.post(office.url, {"form": "deadline", "practice_plan_due": "2004-12-01"})
    assert "截止日期应在本批次活动期间(2005年1月20日至2005年6月30日)内。" in response.text
    assert 'value="2004-12-01"' in response.text
    assert Batch.objects.get().practice_plan_due is None


def test_the_office_enters_and_corrects_last_years_figures(district, office):
    data = {
        "form": "baseline",
        "year": "2004",
        "households": "1013",
        "funds": "120.5",
        "person_times": "992",
        "deeds": "1888",
    }
    office.post(office.url, data)
    office.post(office.url, {**data, "households": "1014"})
    baseline = PracticeBaseline.objects.get()
    assert (baseline.year, baseline.households, baseline.deeds) == (2004, 1014, 1888)
    assert baseline.funds == Decimal("120.50")
    page = office.get(office.url)
    assert 'value="1014"' in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"year": "2005"}, "上年年份应早于本批次开始的年份(2005年)。"),
        ({"funds": "-3"}, "投入资金不能是负数。"),
        ({"households": ""}, "请填写数字,没有就填0。"),
    ],
    ids=["this year", "negative funds", "blank"],
)
def test_bad_figures_are_refused_with_what_was_typed_kept(district, office, overrides, message):
    data = {
        "form": "baseline",
        "year": "2004",
        "households": "1013",
        "funds": "120",
        "person_times": "992",
        "deeds": "1888",
        **overrides,
    }
    response = office.post(office.url, data)
    assert message in response.text
    assert 'value="992"' in response.text
    assert not PracticeBaseline.objects.exists()


def test_the_office_adds_and_renames_card_types(district, office):
    for name in ["联系卡", "民情卡"]:
        office.post(office.url, {"form": "card_add", "add-name": name})
    contact = CardType.objects.get(name="联系卡")
    response = office.post(
        office.url,
        {"form": f"card_{contact.pk}", f"card{contact.pk}-name": "党员联系卡"},
        follow=True,
    )
    assert "已修改卡种名称。" in response.text
    assert list(CardType.objects.values_list("number", "name")) == [
        (1, "党员联系卡"),
        (2, "民情卡"),
    ]


def test_a_card_type_name_is_used_once(district, office):
    office.post(office.url, {"form": "card_add", "add-name": "联系卡"})
    a_minute_later()
    response = office.post(office.url, {"form": "card_add", "add-name": "联系卡"})
    assert "已有名为“联系卡”的卡种。" in response.text
    other = office.post(office.url, {"form": "card_add", "add-name": "民情卡"})
    assert other.status_code == 302
    opinion = CardType.objects.get(name="民情卡")
    response = office.post(
        office.url, {"form": f"card_{opinion.pk}", f"card{opinion.pk}-name": "联系卡"}
    )
    assert "已有名为“联系卡”的卡种。" in response.text
    assert CardType.objects.filter(name="联系卡").count() == 1


def test_without_a_batch_the_page_says_so(db, login):
    root = Unit.objects.create(name="区委", kind=UnitKind.DISTRICT)
    user = UserFactory(username="office")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE, unit=root)
    response = login(user).get(reverse("ledgers:practice_settings"))
    assert "尚未设置当前批次" in response.text


def test_the_settings_page_costs_the_same_however_many_card_types(district, office, count_queries):
    office.post(office.url, {"form": "card_add", "add-name": "联系卡"})
    before = count_queries(office, office.url)
    for name in ["民情卡", "服务卡", "监督卡", "承诺卡"]:
        office.post(office.url, {"form": "card_add", "add-name": name})
    assert count_queries(office, office.url) == before

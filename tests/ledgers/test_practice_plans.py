"""Units file their 二三五 plan by the office's deadline ("3月初前报"); the office sees who
has not filed, and late filings are marked."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import PracticePlan
from ledgers.services import practice as services
from tests.factories import UnitFactory
from units.models import Unit, UnitKind

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2005, 3, 5)


def _at(day, hour, minute):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (_at(DUE, 0, 0), False),
        (_at(DUE, 23, 59), False),
        (_at(DUE, 23, 59).replace(second=59, microsecond=999999), False),
        (_at(DUE + datetime.timedelta(days=1), 0, 0), True),
        (_at(DUE + datetime.timedelta(days=1), 0, 1), True),
        # 23:59 in Beijing is 15:59 UTC: the server's own zone does not move the deadline.
        (datetime.datetime(2005, 3, 5, 15, 59, tzinfo=datetime.UTC), False),
        (datetime.datetime(2005, 3, 5, 16, 1, tzinfo=datetime.UTC), True),
    ],
    ids=[
        "midnight-on",
        "23:59",
        "last-microsecond",
        "midnight-after",
        "00:01",
        "utc-on",
        "utc-late",
    ],
)
def test_the_deadline_is_the_end_of_the_due_day_in_beijing(submitted_at, late):
    assert services.plan_is_late(due=DUE, submitted_at=submitted_at) is late


def test_without_a_deadline_nothing_is_late():
    assert services.plan_is_late(due=None, submitted_at=_at(DUE, 12, 0)) is False


@pytest.fixture
def due_today(live_district):
    live_district.batch.practice_plan_due = timezone.localdate()
    live_district.batch.save()
    return live_district


@pytest.mark.parametrize(
    ("time", "late"),
    [(datetime.time(23, 59), False), (datetime.time(0, 1), True)],
    ids=["23:59 on the day", "00:01 the next day"],
)
def test_filing_at_the_boundary_is_marked_by_the_service(due_today, time, late):
    day = timezone.localdate()
    if late:
        day += datetime.timedelta(days=1)
    now = datetime.datetime.combine(day, time, tzinfo=SHANGHAI)
    plan = services.practice_plan_file(
        unit=due_today.school1, content="计划", user=due_today.users["secretary1"], now=now
    )
    assert PracticePlan.objects.get(pk=plan.pk).is_late is late


def test_a_secretary_files_the_plan_on_time_and_sees_it(due_today, login):
    client = login(due_today.users["secretary1"])
    url = reverse("ledgers:practice_plan", args=[due_today.school1.pk])
    response = client.post(url, {"content": "一、两深入:每名党员联系两户困难群众。"}, follow=True)
    assert "计划已报送区委先进性教育办公室和所属督导组。" in response.text
    assert "按时报送" in response.text
    assert "每名党员联系两户困难群众" in response.text
    plan = PracticePlan.objects.get()
    assert (plan.unit, plan.batch, plan.is_late) == (
        due_today.school1,
        due_today.batch,
        False,
    )


def test_a_plan_filed_after_the_deadline_is_marked_late(live_district, login):
    live_district.batch.practice_plan_due = timezone.localdate() - datetime.timedelta(days=1)
    live_district.batch.save()
    client = login(live_district.users["leader1"])
    url = reverse("ledgers:practice_plan", args=[live_district.education.pk])
    response = client.post(url, {"content": "教育党委的计划"}, follow=True)
    assert "已过截止日期,记为逾期报送" in response.text
    assert PracticePlan.objects.get().is_late is True


def test_an_empty_plan_is_refused_on_the_form(due_today, login):
    client = login(due_today.users["secretary1"])
    url = reverse("ledgers:practice_plan", args=[due_today.school1.pk])
    response = client.post(url, {"content": "   "})
    assert response.status_code == 200
    assert "请填写计划内容。" in response.text
    assert not PracticePlan.objects.exists()


def test_a_plan_is_filed_once(due_today, login):
    client = login(due_today.users["secretary1"])
    url = reverse("ledgers:practice_plan", args=[due_today.school1.pk])
    client.post(url, {"content": "第一稿"})
    response = client.post(url, {"content": "第二稿"}, follow=True)
    assert "本单位已经报送过计划,不能重复报送。" in response.text
    assert list(PracticePlan.objects.values_list("content", flat=True)) == ["第一稿"]
    with pytest.raises(ValidationError, match="已经报送过"):
        services.practice_plan_file(
            unit=due_today.school1, content="第三稿", user=due_today.users["leader1"]
        )


def test_the_district_itself_files_no_plan(due_today):
    with pytest.raises(ValidationError, match="区委不需要报送"):
        services.practice_plan_file(
            unit=due_today.root, content="计划", user=due_today.users["office"]
        )


def _file(d, unit, *, late=False):
    now = timezone.now()
    if late:
        now += datetime.timedelta(days=2)
    services.practice_plan_file(unit=unit, content="计划", user=d.users["office"], now=now)


def test_the_office_sees_who_has_not_filed_first_then_the_late(due_today, login):
    d = due_today
    _file(d, d.school1)
    _file(d, d.ward, late=True)
    response = login(d.users["office"]).get(reverse("ledgers:practice_plans"))
    rows = [(row.name, row.plan_status) for row in response.context["rows"]]
    missing = [
        "区教育党委",
        "区二中党支部",
        "区卫生党委",
        "区医院党总支",
        "城关镇党委",
        "东街社区党支部",
    ]
    assert [name for name, _status in rows[:6]] == missing
    assert rows[6:] == [("区医院内科党支部", 1), ("区一中党支部", 2)]
    assert "区委" not in [name for name, _status in rows]
    assert response.context["counts"] == {"expected": 8, "filed": 2, "late": 1, "missing": 6}
    assert "应报8个,已报2个(其中逾期1个),未报" in response.text
    assert "逾期报送" in response.text
    assert "党委、党组、工委、党总支和党支部" in response.text


def test_the_plans_list_costs_the_same_however_many_units(due_today, login, count_queries):
    d = due_today
    client = login(d.users["office"])
    url = reverse("ledgers:practice_plans")
    before = count_queries(client, url)
    for number in range(10):
        unit = UnitFactory(name=f"新支部{number}", parent=d.town, kind=UnitKind.BRANCH)
        if number % 2:
            _file(d, unit, late=number % 3 == 0)
    assert Unit.objects.count() == 19
    assert count_queries(client, url) == before

"""A supervision group's home page: its units lagging first, the 转段 applications and
analysis meetings waiting for it, its key units and latest inspections — at a fixed
number of queries however many units, applications and records the group has."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from study.models import AttendanceStatus
from study.services.sessions import roster_save
from supervision.models import InspectionFocus, TransitionApplication
from supervision.services.groups import inspection_record, key_unit_choose
from supervision.services.transitions import (
    answers_save,
    application_start,
    application_submit,
    group_opinion_give,
    meeting_evaluate,
    meeting_record,
)
from tests.conftest import log_in
from tests.factories import MemberFactory, make_session
from units.models import Member, Unit, UnitKind


def home(district, group=0):
    return reverse("supervision:group_home", args=[district.groups[group].pk])


def draft_with_meeting(unit, secretary, *, held_days_ago=0):
    """A draft application whose 转段分析会 is recorded but not yet evaluated."""
    application = application_start(unit=unit, user=secretary)
    answers_save(
        application=application,
        answers={answer.number: "已对照检查,基本做到。" for answer in application.answers.all()},
        user=secretary,
    )
    meeting_record(
        application=application,
        held_on=timezone.localdate() - datetime.timedelta(days=held_days_ago),
        attendees="支部全体党员",
        minutes="对照四个方面逐条回头看。",
        user=secretary,
    )
    return application


def submitted(unit, secretary, supervisor, *, days_ago=0):
    """An application submitted `days_ago` days ago, waiting for the group's opinion."""
    application = draft_with_meeting(unit, secretary)
    meeting_evaluate(application=application, evaluation="前段工作扎实。", user=supervisor)
    application_submit(application=application, user=secretary)
    TransitionApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return application


def inspect(district, unit, *, days_ago=1, findings="学习培训计划不够具体。"):
    return inspection_record(
        group=district.groups[0],
        unit=unit,
        inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        focus=[InspectionFocus.STUDY_PLAN],
        findings=findings,
        user=district.users["supervisor1"],
    )


def branch(parent, name):
    return Unit.objects.create(
        name=name,
        kind=UnitKind.BRANCH,
        parent=parent,
        stage=parent.stage,
        stage_since=parent.stage_since,
    )


@pytest.fixture
def studied(live_district):
    """区一中: 张建国 has 40 学时 (complete), the others none; 区二中 nothing yet. A second
    unit, 区文化党委 (one branch, one member with no hours), is assigned to group 1."""
    d = live_district
    secretary = d.users["secretary1"]
    member1 = d.member1
    for index in range(4):
        session = make_session(
            d.school1,
            secretary,
            starts_at=timezone.now() - datetime.timedelta(days=4 - index),
            hours="10",
        )
        roster_save(
            session=session, entries=[(member1.pk, AttendanceStatus.PRESENT)], user=secretary
        )
    d.culture = Unit.objects.create(
        name="区文化党委", kind=UnitKind.COMMITTEE, parent=d.root, stage=d.school1.stage
    )
    d.library = branch(d.culture, "区图书馆党支部")
    MemberFactory(name="孙丽", unit=d.library)
    d.groups[0].units.add(d.culture)
    return d


def test_units_are_listed_lagging_first(studied, login):
    response = login(studied.users["supervisor1"]).get(home(studied))
    assert response.status_code == 200
    rows = response.context["rows"]
    # 区文化党委 was assigned after 区教育党委 but has done nothing: it comes first.
    assert [unit.name for unit, _figures in rows] == ["区文化党委", "区教育党委"]
    assert [figures.completion_rate for _unit, figures in rows] == [0, 25]
    page = response.content.decode()
    assert page.index("区文化党委") < page.index("区教育党委")
    lagging = [name for _pk, name, _figures in response.context["lagging_branches"]]
    assert lagging[-1] == "区一中党支部"
    assert set(lagging) == {"区图书馆党支部", "区二中党支部", "区一中党支部"}


def test_headline_adds_up_the_groups_units(studied, login):
    figures = login(studied.users["supervisor1"]).get(home(studied)).context["figures"]
    # 区一中 3, 区二中 1, 区图书馆 1; only 张建国 has his 40 学时.
    assert (figures.members, figures.complete, figures.branches) == (5, 1, 3)
    assert figures.completion_rate == 20


def test_branches_are_counted_by_stage_under_each_unit(studied, login):
    school2 = studied.school2
    school2.stage = studied.stages[1]
    school2.save(update_fields=["stage"])
    response = login(studied.users["supervisor1"]).get(home(studied))
    by_unit = {row["unit"].name: dict(row["stages"]) for row in response.context["units"]}
    assert by_unit["区教育党委"] == {"学习动员": 1, "分析评议": 1, "整改提高": 0, "已完成": 0}
    assert by_unit["区文化党委"]["学习动员"] == 1
    assert "分析评议 1" in response.content.decode()


def test_applications_waiting_for_the_groups_opinion_show_how_long(studied, login):
    d = studied
    secretary, supervisor = d.users["secretary1"], d.users["supervisor1"]
    submitted(d.school1, secretary, supervisor, days_ago=5)
    # Already answered by the group: not waiting any more.
    answered = submitted(d.school2, d.users["leader1"], supervisor, days_ago=9)
    group_opinion_give(
        application=answered,
        agrees=True,
        reasons="同意。",
        user=supervisor,
        unmet_acknowledged=True,
    )
    # Another group's branch: not this group's business.
    submitted(d.ward, d.users["secretary2"], d.users["supervisor2"], days_ago=7)

    response = login(supervisor).get(home(d))
    waiting = response.context["applications"]
    assert [(a.unit.name, a.waiting_days) for a in waiting] == [("区一中党支部", 5)]
    section = _section(response, "waiting-applications")
    assert "区一中党支部" in section and "已等5天" in section
    assert reverse("supervision:application", args=[waiting[0].pk]) in section
    assert "区医院内科党支部" not in section and "区二中党支部" not in section
    assert 'data-count="applications">1<' in section
    education = next(r for r in response.context["units"] if r["unit"].name == "区教育党委")
    assert education["applications"] == 1


def test_the_oldest_application_comes_first(studied, login):
    d = studied
    supervisor = d.users["supervisor1"]
    submitted(d.school1, d.users["secretary1"], supervisor, days_ago=2)
    submitted(d.library, d.users["office"], supervisor, days_ago=6)
    waiting = login(supervisor).get(home(d)).context["applications"]
    assert [(a.unit.name, a.waiting_days) for a in waiting] == [
        ("区图书馆党支部", 6),
        ("区一中党支部", 2),
    ]


def test_meetings_waiting_for_evaluation(studied, login):
    d = studied
    draft_with_meeting(d.school2, d.users["leader1"], held_days_ago=3)
    evaluated = draft_with_meeting(d.school1, d.users["secretary1"])
    meeting_evaluate(application=evaluated, evaluation="扎实。", user=d.users["supervisor1"])
    draft_with_meeting(d.ward, d.users["secretary2"])

    response = login(d.users["supervisor1"]).get(home(d))
    meetings = response.context["meetings"]
    assert [(m.application.unit.name, m.waiting_days) for m in meetings] == [("区二中党支部", 3)]
    section = _section(response, "waiting-meetings")
    assert "区二中党支部" in section and "已等3天" in section
    assert "区一中党支部" not in section and "区医院内科党支部" not in section
    assert reverse("supervision:application", args=[meetings[0].application_id]) in section


def test_nothing_waiting_says_so(studied, login):
    page = login(studied.users["supervisor1"]).get(home(studied)).content.decode()
    assert "没有等待本组签署意见的转段申请。" in page
    assert "没有等待评价的转段分析会。" in page


def test_key_units_and_latest_five_inspections(studied, login):
    d = studied
    supervisor = d.users["supervisor1"]
    key_unit_choose(group=d.groups[0], unit=d.school1, user=supervisor, reason="学习计划扎实")
    for days_ago in range(1, 8):
        inspect(d, d.school2, days_ago=days_ago, findings=f"第{days_ago}天前的督查")
    response = login(supervisor).get(home(d))
    key_units = _section(response, "key-units")
    assert "区一中党支部" in key_units and "学习计划扎实" in key_units
    latest = _section(response, "latest-inspections")
    assert latest.count('href="/supervision/inspections/') == 5
    assert "第1天前的督查" in latest and "第6天前的督查" not in latest


def test_a_group_with_no_units_yet_says_so(live_district, login):
    d = live_district
    d.groups[0].units.clear()
    page = login(d.users["office"]).get(home(d)).content.decode()
    assert "本组还没有分配督导单位" in page


def test_office_reads_without_the_members_links(studied, login):
    page = login(studied.users["office"]).get(home(studied)).content.decode()
    assert "全部督查记录" in page and "登记督查</a>" not in page
    assert "选定和调整" not in page


def test_query_count_does_not_grow(studied, login, count_queries):
    d = studied
    supervisor = d.users["supervisor1"]
    client = login(supervisor)
    submitted(d.school1, d.users["secretary1"], supervisor, days_ago=1)
    draft_with_meeting(d.school2, d.users["leader1"])
    inspect(d, d.school1)
    key_unit_choose(group=d.groups[0], unit=d.school1, user=supervisor)
    before = count_queries(client, home(d))

    health_branch = branch(d.culture, "区文化馆党支部")
    for index in range(3):
        MemberFactory(unit=health_branch)
        extra = branch(d.education, f"区第{index + 3}中党支部")
        MemberFactory(unit=extra)
        submitted(extra, d.users["leader1"], supervisor, days_ago=index)
    draft_with_meeting(d.library, d.users["office"])
    sports = Unit.objects.create(
        name="区体育党委", kind=UnitKind.COMMITTEE, parent=d.root, stage=d.school1.stage
    )
    d.groups[0].units.add(sports)
    for unit in (d.school2, d.library, health_branch):
        inspect(d, unit)
    key_unit_choose(group=d.groups[0], unit=d.library, user=supervisor)
    assert Member.objects.count() > 10

    assert count_queries(client, home(d)) == before


def _section(response, element_id):
    """The HTML of one <section> of the page (the sections don't nest)."""
    page = response.content.decode()
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_home_page_fits_a_phone(studied, phone):
    d = studied
    supervisor = d.users["supervisor1"]
    waiting = submitted(d.school1, d.users["secretary1"], supervisor, days_ago=4)
    draft_with_meeting(d.school2, d.users["leader1"], held_days_ago=1)
    key_unit_choose(group=d.groups[0], unit=d.school1, user=supervisor, reason="学习计划扎实")
    inspect(d, d.school2)
    log_in(phone, "supervisor1")
    phone.open(home(d))
    expect(phone.locator("#waiting-applications")).to_contain_text("已等4天")
    expect(phone.locator("#waiting-meetings")).to_contain_text("区二中党支部")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.locator("#waiting-applications a").first.click()
    assert phone.url.endswith(reverse("supervision:application", args=[waiting.pk]))

"""What the dashboards show: the headline against a known ledger, the units table sorted
by any column and drilled down to the branch, the lagging units, the charts — and that no
page costs more queries as the district fills up."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Reading
from ledgers.models import ActivityKind, RectificationSource, RectificationStatus
from ledgers.services.practice import practice_activity_record
from ledgers.services.rectification import rectification_item_create
from reports.selectors.dashboard import COLUMNS, DONE
from study.models import AttendanceStatus, MakeUp, MakeUpMethod, WritingKind
from study.services.absences import makeup_complete, self_study_log
from study.services.sessions import roster_save
from study.services.writings import writing_log_paper
from supervision.models import TransitionApplication
from supervision.services import transitions
from tests.factories import MemberFactory, make_session
from tests.supervision.test_application_lists import submitted_for
from units.models import Member, Role, RoleAssignment, SupervisionGroup, Unit, UnitKind

PRESENT = AttendanceStatus.PRESENT
ABSENT = AttendanceStatus.ABSENT


def dashboard_of(unit):
    return reverse("reports:dashboard_unit", args=[unit.pk])


def group_dashboard(group):
    return reverse("reports:dashboard_group", args=[group.pk])


def build_ledger(d):
    """The known ledger, written through the services.

    区一中 (4 sessions, the first on the 党章): 张建国 attends all (40 学时, complete) and
    logs three essays (two of 3500 字); 李秀英 is taught at home once (12); 王强 misses all
    four and makes the first up (12; three make-ups still owed). 区二中: 赵敏 attends one
    session (2) and studies alone (4). 区医院内科 and 东街社区 have done nothing.
    区二中 has moved to 分析评议 (approved); 区一中's application waits 3 days.
    Problems: one overdue at 内科, one under way at 区一中, one rectified at 东街.
    二三五: 东街 12 户, 1.50 万元, 30 人次, 4 件次; 区一中 3 户, 0.25 万元, 5 人次, 1 件次.
    """
    users = d.users
    secretary, office = users["secretary1"], users["office"]
    today = timezone.localdate()
    now = timezone.now()
    school1 = {m.name: m for m in Member.objects.filter(unit=d.school1)}
    constitution = Reading.objects.get(batch=d.batch, number=1)
    for index, hours in enumerate(["12", "12", "12", "4"]):
        extra = {"readings": [constitution]} if index == 0 else {}
        session = make_session(
            d.school1,
            secretary,
            starts_at=now - datetime.timedelta(days=5 - index),
            hours=hours,
            **extra,
        )
        entries = [(school1["张建国"].pk, PRESENT), (school1["王强"].pk, ABSENT)]
        if index == 0:
            entries.append((school1["李秀英"].pk, AttendanceStatus.HOME_DELIVERY))
        roster_save(session=session, entries=entries, user=secretary)
    first_missed = MakeUp.objects.filter(member=school1["王强"]).order_by("pk").first()
    makeup_complete(makeup=first_missed, done_on=today, method=MakeUpMethod.SESSION, user=secretary)
    for characters in (3500, 3500, 1000):
        writing_log_paper(
            member=school1["张建国"],
            kind=WritingKind.ESSAY,
            title="心得体会",
            characters=characters,
            user=secretary,
        )
    zhao = Member.objects.get(name="赵敏")
    session = make_session(d.school2, office, starts_at=now - datetime.timedelta(days=1))
    roster_save(session=session, entries=[(zhao.pk, PRESENT)], user=office)
    self_study_log(member=zhao, studied_on=today, hours=Decimal("4"), material="读本", user=office)

    moved = submitted_for(
        d.school2, by=users["leader1"], supervisor=users["supervisor1"], opinion=True
    )
    transitions.application_approve(
        application=moved,
        user=office,
        transition_date=today,
        reason="检查合格。",
        unmet_acknowledged=True,
    )
    waiting = submitted_for(d.school1, by=secretary, supervisor=users["supervisor1"], days_ago=3)

    for unit, status, deadline in [
        (d.ward, RectificationStatus.OPEN, today - datetime.timedelta(days=1)),
        (d.school1, RectificationStatus.IN_PROGRESS, today + datetime.timedelta(days=5)),
        (d.street, RectificationStatus.RECTIFIED, today - datetime.timedelta(days=9)),
    ]:
        rectification_item_create(
            unit=unit,
            user=office,
            problem="办事窗口排队时间长",
            source=RectificationSource.PUBLIC,
            category="conduct",
            deadline=deadline,
            status=status,
        )
    for unit, households, funds, person_times, deeds in [
        (d.street, 12, Decimal("1.50"), 30, 4),
        (d.school1, 3, Decimal("0.25"), 5, 1),
    ]:
        practice_activity_record(
            unit=unit,
            user=office,
            held_on=today,
            kind=ActivityKind.AMONG_PEOPLE,
            participants="支部党员",
            description="走访慰问困难群众",
            households=households,
            funds=funds,
            person_times=person_times,
            deeds=deeds,
        )
    return {"moved": moved, "waiting": waiting}


@pytest.fixture
def ledger(live_district):
    live_district.applications = build_ledger(live_district)
    return live_district


# The headline ----------------------------------------------------------------------------


def test_the_district_headline_matches_the_ledger(ledger, login):
    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    headline = response.context["headline"]
    figures = headline.figures
    assert (figures.members, figures.complete) == (6, 1)
    assert figures.completion_rate == Decimal("16.7")
    # 40 + 12 + 12 + 2 concentrated of 70 in all (赵敏's 4 alone).
    assert (figures.total_hours, figures.concentrated_hours) == (Decimal("70"), Decimal("66"))
    assert figures.concentrated_share == Decimal("94.3")
    assert figures.makeups_owed == 3
    assert figures.no_participation == 2
    # Four branches owe the ten readings; 区一中 took the 党章.
    assert figures.readings_uncovered == 39
    assert (figures.essays, figures.long_essays) == (3, 2)
    assert [(s.label, s.count) for s in headline.stages] == [
        ("学习动员", 3),
        ("分析评议", 1),
        ("整改提高", 0),
        ("已完成", 0),
    ]
    submitted = TransitionApplication.objects.get(pk=ledger.applications["waiting"].pk)
    assert headline.waiting == 1
    assert (
        headline.oldest_wait_days
        == (timezone.localdate() - timezone.localdate(submitted.submitted_at)).days
    )
    assert headline.oldest_wait_days >= 3
    assert (headline.rectification_open, headline.rectification_overdue) == (2, 1)
    practice = headline.practice
    assert (practice.households, practice.funds, practice.person_times, practice.deeds) == (
        15,
        Decimal("1.75"),
        35,
        5,
    )

    page = response.content.decode()
    assert 'data-figure="completion">16.7%<' in page
    assert 'data-figure="concentrated">94.3%<' in page
    assert 'data-figure="makeups-owed">3 次<' in page
    assert 'data-figure="no-participation">2 人<' in page
    assert 'data-figure="readings-uncovered">39 篇<' in page
    assert 'data-figure="essays">3 篇<' in page and 'data-figure="long-essays">2<' in page
    assert 'data-figure="waiting">1 份<' in page
    assert f'data-figure="oldest-wait">{headline.oldest_wait_days}<' in page
    assert 'data-figure="rectification-open">2 个<' in page
    assert 'data-figure="rectification-overdue">1<' in page
    assert 'data-figure="households">15<' in page and 'data-figure="funds">1.75<' in page
    assert 'data-figure="person-times">35<' in page and 'data-figure="deeds">5<' in page
    assert 'data-stage="1">3<' in page and 'data-stage="2">1<' in page


def test_a_group_headline_covers_only_its_units(ledger, login):
    response = login(ledger.users["supervisor1"]).get(group_dashboard(ledger.groups[0]))

    headline = response.context["headline"]
    assert (headline.figures.members, headline.figures.complete) == (4, 1)
    assert headline.figures.completion_rate == Decimal("25.0")
    assert [s.count for s in headline.stages] == [1, 1, 0, 0]
    assert headline.waiting == 1
    assert (headline.rectification_open, headline.rectification_overdue) == (1, 0)
    assert headline.practice.households == 3
    assert [row.unit.name for row in response.context["rows"]] == ["区教育党委"]


def test_a_branch_in_no_stage_of_the_batch_is_counted_as_not_started(ledger, login):
    Unit.objects.create(name="新建党支部", kind=UnitKind.BRANCH, parent=ledger.town)

    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    stages = response.context["headline"].stages
    assert [(s.label, s.count) for s in stages][-1] == ("未开始", 1)


def test_a_completed_branch_counts_as_done(ledger, login):
    Unit.objects.filter(pk=ledger.street.pk).update(completed_on=timezone.localdate())

    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    done = [s.count for s in response.context["headline"].stages if s.key == DONE]
    assert done == [1]


# The units table -------------------------------------------------------------------------


def _row_names(response):
    return [row.unit.name for row in response.context["rows"]]


def _page_order(response, names):
    page = response.content.decode().split('id="units"')[1]
    return sorted(names, key=page.index)


def test_the_units_table_lists_the_lagging_first_by_default(ledger, login):
    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    # 卫生 and 城关镇 have done nothing (ties keep the tree's order); 教育 has 25%.
    assert _row_names(response) == ["区卫生党委", "城关镇党委", "区教育党委"]
    assert _page_order(response, _row_names(response)) == _row_names(response)
    education = response.context["rows"][2]
    assert education.figures.completion_rate == Decimal("25.0")
    assert (education.rectification_open, education.rectification_overdue) == (1, 0)
    health = response.context["rows"][0]
    assert (health.rectification_open, health.rectification_overdue) == (1, 1)


@pytest.mark.parametrize(
    "sort, direction, expected",
    [
        ("completion", "desc", ["区教育党委", "区卫生党委", "城关镇党委"]),
        ("completion", "asc", ["区卫生党委", "城关镇党委", "区教育党委"]),
        ("name", "asc", ["区卫生党委", "区教育党委", "城关镇党委"]),
        ("name", "desc", ["城关镇党委", "区教育党委", "区卫生党委"]),
        ("members", "asc", ["区卫生党委", "城关镇党委", "区教育党委"]),
        ("overdue", "desc", ["区卫生党委", "城关镇党委", "区教育党委"]),
        ("open", "asc", ["城关镇党委", "区卫生党委", "区教育党委"]),
        ("essays", "desc", ["区教育党委", "区卫生党委", "城关镇党委"]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_units_table_sorts_by_a_column(ledger, login, sort, direction, expected):
    response = login(ledger.users["office"]).get(
        reverse("reports:dashboard"), {"sort": sort, "dir": direction}
    )

    assert _row_names(response) == expected
    assert _page_order(response, expected) == expected


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("column", COLUMNS, ids=lambda column: column.key)
def test_every_column_sorts_both_ways(ledger, login, column, direction):
    """On a committee's branches, where the figures differ: each column's values come in
    order, the units without a figure last."""
    response = login(ledger.users["office"]).get(
        dashboard_of(ledger.education), {"sort": column.key, "dir": direction}
    )

    values = [column.value(row) for row in response.context["rows"]]
    known = [value for value in values if value is not None]
    assert values == known + [None] * (len(values) - len(known))
    assert known == sorted(known, reverse=direction == "desc")
    assert response.context["sort"] == column.key
    assert response.context["direction"] == direction


def test_a_header_link_sorts_its_column_and_then_the_other_way(ledger, login):
    client = login(ledger.users["office"])

    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'href="?sort=completion&amp;dir=asc" data-sort="completion"' in page
    assert 'href="?sort=makeups&amp;dir=desc" data-sort="makeups"' in page

    page = client.get(reverse("reports:dashboard"), {"sort": "completion", "dir": "asc"})
    page = page.content.decode()
    assert 'href="?sort=completion&amp;dir=desc" data-sort="completion"' in page
    assert 'aria-sort="ascending"' in page


def test_an_unknown_column_keeps_the_lagging_order(ledger, login):
    response = login(ledger.users["office"]).get(
        reverse("reports:dashboard"), {"sort": "nonsense", "dir": "sideways"}
    )

    assert _row_names(response) == ["区卫生党委", "城关镇党委", "区教育党委"]
    assert response.context["sort"] == ""


def test_a_column_without_a_direction_sorts_its_own_way_first(ledger, login):
    response = login(ledger.users["office"]).get(reverse("reports:dashboard"), {"sort": "overdue"})

    assert response.context["direction"] == "desc"
    assert _row_names(response)[0] == "区卫生党委"


# Drilling down ---------------------------------------------------------------------------


def test_the_district_drills_down_to_the_branch(ledger, login):
    client = login(ledger.users["office"])

    district = client.get(reverse("reports:dashboard")).content.decode()
    for committee in (ledger.education, ledger.health, ledger.town):
        assert f'href="{dashboard_of(committee)}">{committee.name}</a>' in district

    health = client.get(dashboard_of(ledger.health)).content.decode()
    assert f'href="{dashboard_of(ledger.hospital)}">区医院党总支</a>' in health

    hospital = client.get(dashboard_of(ledger.hospital)).content.decode()
    assert f'href="{dashboard_of(ledger.ward)}">区医院内科党支部</a>' in hospital

    response = client.get(dashboard_of(ledger.school1))
    branch = response.content.decode()
    assert [m.name for m in response.context["members"]] == ["李秀英", "王强", "张建国"]
    zhang = Member.objects.get(name="张建国")
    assert reverse("study:member_progress", args=[zhang.pk]) in branch
    assert reverse("study:unit_progress", args=[ledger.school1.pk]) in branch
    assert 'id="units"' not in branch
    # The breadcrumb leads back up.
    assert f'href="{dashboard_of(ledger.root)}">区委</a>' in branch
    assert f'href="{dashboard_of(ledger.education)}">区教育党委</a>' in branch


def test_a_leader_sees_no_breadcrumb_above_their_unit(ledger, login):
    page = login(ledger.users["leader1"]).get(dashboard_of(ledger.school1)).content.decode()

    assert dashboard_of(ledger.education) in page
    assert dashboard_of(ledger.root) not in page


def test_a_group_dashboard_drills_into_its_units(ledger, login):
    page = login(ledger.users["supervisor1"]).get(group_dashboard(ledger.groups[0]))

    assert f'href="{dashboard_of(ledger.education)}">区教育党委</a>' in page.content.decode()


def test_a_general_branch_keeping_members_shows_them_beside_its_branches(ledger, login):
    MemberFactory(name="孙护士长", unit=ledger.hospital)

    response = login(ledger.users["office"]).get(dashboard_of(ledger.hospital))

    assert response.context["direct"].members == 1
    assert "本党总支直属党员" in response.content.decode()


# Lagging units ---------------------------------------------------------------------------


def test_the_lagging_units_come_first_lowest_completion_first(ledger, login):
    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    lagging = [name for _pk, name, _figures in response.context["lagging"]]
    # Nothing done at 东街 and 内科 (by name), then 区二中 (6 学时), then 区一中.
    assert lagging == ["东街社区党支部", "区医院内科党支部", "区二中党支部", "区一中党支部"]
    page = response.content.decode()
    assert "发展不平衡" in page
    assert page.index('id="lagging"') < page.index('id="units"')
    assert f'href="{dashboard_of(ledger.street)}">东街社区党支部</a>' in page


def test_the_lagging_list_is_short(ledger, login):
    for number in range(12):
        branch = Unit.objects.create(
            name=f"第{number}党支部", kind=UnitKind.BRANCH, parent=ledger.town
        )
        MemberFactory(unit=branch)

    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    assert len(response.context["lagging"]) == 10


# Charts ----------------------------------------------------------------------------------


def test_progress_by_unit_is_drawn_as_bars_on_the_server(ledger, login):
    page = login(ledger.users["office"]).get(reverse("reports:dashboard")).content.decode()

    chart = page.split('id="progress-chart">')[1].split("</svg>")[0]
    assert chart.startswith("<svg")
    assert "40学时达标率(按单位)" in chart
    assert "区教育党委" in chart and "25%" in chart
    assert "<script" not in chart
    assert "http://" not in chart.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_stages_over_time_count_the_branches_per_stage_each_week(ledger, login):
    """区二中 moved to 分析评议 on day 11, and to 整改提高 on day 21 (week 3)."""
    d = ledger
    start = d.batch.starts_on
    moved = d.applications["moved"]
    TransitionApplication.objects.filter(pk=moved.pk).update(
        transition_date=start + datetime.timedelta(days=10)
    )
    d.school2.refresh_from_db()
    second = submitted_for(
        d.school2, by=d.users["leader1"], supervisor=d.users["supervisor1"], opinion=True
    )
    transitions.application_approve(
        application=second, user=d.users["office"], reason="检查合格。", unmet_acknowledged=True
    )
    TransitionApplication.objects.filter(pk=second.pk).update(
        transition_date=start + datetime.timedelta(days=20)
    )

    response = login(d.users["office"]).get(reverse("reports:dashboard"))

    over_time = response.context["stage_chart"]
    assert "各阶段党支部数(按周)" in over_time
    weeks = _weeks(d, response)
    # The campaign began 30 days ago: five weeks so far, the last one today.
    assert [week for week, _end, _counts in weeks] == [1, 2, 3, 4, 5]
    assert weeks[0][1] == start + datetime.timedelta(days=6)
    assert weeks[-1][1] == timezone.localdate()
    assert [counts for _week, _end, counts in weeks] == [
        [4, 0, 0, 0],
        [3, 1, 0, 0],
        [3, 0, 1, 0],
        [3, 0, 1, 0],
        [3, 0, 1, 0],
    ]


def _weeks(d, response):
    from reports.selectors.dashboard import batch_stages, stages_over_time, unit_area

    return stages_over_time(
        unit_area(d.root),
        d.batch,
        batch_stages(d.batch),
        branches=response.context["headline"].branches_in_batch,
    ).weeks


def test_a_finished_branch_shows_as_done_from_its_week(ledger, login):
    d = ledger
    for _stage in d.stages[1:]:
        d.school2.refresh_from_db()
        application = submitted_for(
            d.school2, by=d.users["leader1"], supervisor=d.users["supervisor1"], opinion=True
        )
        transitions.application_approve(
            application=application,
            user=d.users["office"],
            reason="检查合格。",
            unmet_acknowledged=True,
        )

    response = login(d.users["office"]).get(reverse("reports:dashboard"))

    assert _weeks(d, response)[-1][2] == [3, 0, 0, 1]
    assert [s.count for s in response.context["headline"].stages] == [3, 0, 0, 1]


# Query counts ----------------------------------------------------------------------------


def _grow(d):
    """More of everything: a committee with two branches, members, sessions, an
    application under way, problems and activities."""
    office = d.users["office"]
    committee = Unit.objects.create(
        name="区农业党委", kind=UnitKind.COMMITTEE, parent=d.root, stage=d.stages[0]
    )
    d.groups[0].units.add(committee)
    today = timezone.localdate()
    for number in range(2):
        branch = Unit.objects.create(
            name=f"农业{number}党支部",
            kind=UnitKind.BRANCH,
            parent=committee,
            stage=d.stages[0],
            stage_since=d.batch.starts_on,
        )
        members = [MemberFactory(unit=branch) for _ in range(3)]
        session = make_session(
            branch, office, starts_at=timezone.now() - datetime.timedelta(days=2)
        )
        roster_save(session=session, entries=[(m.pk, PRESENT) for m in members], user=office)
        submitted_for(branch, by=office, supervisor=d.users["supervisor1"], days_ago=number)
        rectification_item_create(
            unit=branch,
            user=office,
            problem="下基层少",
            source=RectificationSource.SELF_CHECK,
            category="conduct",
            deadline=today - datetime.timedelta(days=2),
        )
        practice_activity_record(
            unit=branch,
            user=office,
            held_on=today,
            kind=ActivityKind.GRASSROOTS,
            participants="支部党员",
            description="下基层调研",
            households=2,
        )
    return committee


@pytest.mark.parametrize(
    "persona, target",
    [
        ("office", "district"),
        ("office", "district-sorted"),
        ("leader1", "committee"),
        ("secretary1", "branch"),
        ("supervisor1", "group"),
    ],
)
def test_a_dashboard_costs_the_same_queries_however_big_the_district(
    ledger, login, count_queries, persona, target
):
    client = login(ledger.users[persona])
    url, params = {
        "district": (reverse("reports:dashboard"), {}),
        "district-sorted": (reverse("reports:dashboard"), {"sort": "readings", "dir": "asc"}),
        "committee": (dashboard_of(ledger.education), {}),
        "branch": (dashboard_of(ledger.school1), {}),
        "group": (group_dashboard(ledger.groups[0]), {}),
    }[target]
    before = count_queries(client, url, **params)

    _grow(ledger)
    # More members in the measured branch and committee too.
    for _ in range(3):
        MemberFactory(unit=ledger.school1)
    after = count_queries(client, url, **params)

    assert after == before
    assert before <= 24


def test_the_office_can_be_a_leader_too(ledger, login):
    """The office's dashboard opens on the district even when it also leads a unit."""
    RoleAssignment.objects.create(
        user=ledger.users["office"], role=Role.LEADER, unit=ledger.education
    )

    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    assert response.context["unit"] == ledger.root


def test_supervision_groups_are_named_in_the_group_dashboard(ledger, login):
    response = login(ledger.users["office"]).get(group_dashboard(ledger.groups[1]))

    assert response.context["area"].name == SupervisionGroup.objects.get(number=2).name
    assert [row.unit.name for row in response.context["rows"]] == ["区卫生党委"]


def test_the_progress_chart_of_a_large_committee_shows_its_lowest_units(ledger, login):
    for number in range(31):
        Unit.objects.create(name=f"第{number}党支部", kind=UnitKind.BRANCH, parent=ledger.town)

    response = login(ledger.users["office"]).get(dashboard_of(ledger.town))

    chart = response.context["progress_chart"]
    assert "40学时达标率最低的30个单位" in chart
    assert chart.count("<rect") + chart.count(">—</text>") == 30
    assert len(response.context["rows"]) == 32


def test_the_dashboard_opens_between_batches(ledger, login):
    type(ledger.batch).objects.update(is_current=False)

    response = login(ledger.users["office"]).get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert response.context["headline"].waiting == 0
    assert response.context["stage_chart"] == ""


def test_a_large_committees_units_table_is_paged_and_keeps_its_sort(ledger, login):
    for b in range(55):
        Unit.objects.create(name=f"新增党支部{b:02}", kind=UnitKind.BRANCH, parent=ledger.education)
    client = login(ledger.users["office"])
    first = client.get(dashboard_of(ledger.education), {"sort": "name", "dir": "asc"})
    assert len(first.context["rows"]) == 50
    page = first.content.decode()
    assert "第 1 / 2 页" in page and "sort=name" in page
    second = client.get(dashboard_of(ledger.education), {"sort": "name", "dir": "asc", "page": 2})
    names = [row.unit.name for row in second.context["rows"]]
    assert len(names) == 7 and names == sorted(names)
    assert names[-1] == "新增党支部54"

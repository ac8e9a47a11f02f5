"""Each role's to-dos: every count equals the ledger it comes from (read here with a direct
query), each links to the page where it is done, and each role's read costs the same
number of queries however much the district holds."""

import datetime

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from ledgers.models import LectureKind, TripRequest, TripState
from ledgers.services.lectures import lecture_record
from ledgers.services.trips import trip_request
from reports.models import Briefing, BriefingState
from study.models import (
    LeaveRequest,
    LeaveStatus,
    MakeUp,
    Review,
    UnitProgress,
    Writing,
    WritingKind,
)
from study.selectors.absences import mobile_members_out_of_contact
from study.services.absences import contact_log, leave_request
from study.services.writings import spot_check_draw, writing_review, writing_submit
from supervision.models import AnalysisMeeting, ApplicationState, TransitionApplication
from supervision.services import transitions
from tests.factories import MemberFactory, UserFactory, make_session
from tests.supervision.test_application_lists import submitted_for
from tests.todos.ledger import build_ledger
from todos import selectors
from units.models import Member, Unit, UnitKind
from units.permissions import scope_for


@pytest.fixture
def ledger(live_district):
    build_ledger(live_district)
    return live_district


def by_key(todos):
    return {todo.key: todo for todo in todos}


def grow(d, branches=3, members=10):
    """More branches, members, sessions, make-ups and writings under 区教育党委."""
    for b in range(branches):
        branch = Unit.objects.create(
            name=f"新增党支部{b}", kind=UnitKind.BRANCH, parent=d.education, stage=d.stages[0]
        )
        Member.objects.bulk_create(
            Member(name=f"党员{b}-{i}", unit=branch, is_mobile=i % 3 == 0) for i in range(members)
        )
    for i in range(members):
        member = MemberFactory(unit=d.school1, name=f"一中党员{i}", is_mobile=True)
        writing_submit(
            member=member, kind=WritingKind.NOTE, title="笔记", text="学习", user=d.users["office"]
        )
    session = make_session(d.school1, d.users["secretary1"], hours="1")
    for member in Member.objects.filter(unit=d.school1, name__startswith="一中党员"):
        leave_request(member=member, session=session, reason="出差", user=d.users["secretary1"])


# 支部书记 ------------------------------------------------------------------------------


def test_a_secretarys_counts_equal_the_branch_ledgers(ledger):
    d = ledger
    later = make_session(d.school1, d.users["secretary1"], starts_at=timezone.now())
    wang = Member.objects.get(name="王强")
    leave_request(member=wang, session=later, reason="出差", user=d.users["secretary1"])

    todos = by_key(selectors.secretary_todos(d.school1))

    in_branch = {"member__unit__path__startswith": d.school1.path}
    owed = MakeUp.objects.filter(done_on__isnull=True, **in_branch).count()
    pending = LeaveRequest.objects.filter(status=LeaveStatus.PENDING, **in_branch).count()
    unreviewed = (
        Writing.objects.filter(**in_branch)
        .exclude(Exists(Review.objects.filter(writing=OuterRef("pk"))))
        .count()
    )
    out_of_contact = mobile_members_out_of_contact(Member.objects.under(d.school1)).count()
    assert (owed, pending, unreviewed, out_of_contact) == (3, 1, 3, 1)
    assert todos["makeups"].count == owed
    assert todos["leave"].count == pending
    assert todos["reviews"].count == unreviewed
    assert todos["mobile"].count == out_of_contact
    assert todos["makeups"].detail == "有3次缺课还没有补课,补课后请登记。"
    assert todos["mobile"].detail == "有1名流动党员30天以上没有联系,请家访、写信或打电话。"
    assert todos["makeups"].url == reverse("study:makeups", args=[d.school1.pk])
    assert todos["leave"].url == reverse("study:leave_list", args=[d.school1.pk])
    assert todos["reviews"].url == reverse("study:review_queue", args=[d.school1.pk])
    assert todos["mobile"].url == reverse("study:mobile_members", args=[d.school1.pk])
    assert todos["transition"].detail == "学习动员阶段第1轮转段申请已报送,等待督导组签署意见。"
    assert todos["transition"].url == reverse("supervision:unit_transition", args=[d.school1.pk])


def test_a_mobile_member_contacted_is_no_longer_to_contact(ledger):
    d = ledger
    wang = Member.objects.get(name="王强")
    contact_log(
        member=wang,
        contacted_on=timezone.localdate(),
        method="phone",
        user=d.users["secretary1"],
    )
    todo = by_key(selectors.secretary_todos(d.school1))["mobile"]
    assert (todo.count, todo.owed, todo.detail) == (0, False, "流动党员近30天都联系过。")


def test_without_a_session_today_the_secretary_is_offered_to_create_one(live_district):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(1))
    todo = by_key(selectors.secretary_todos(d.school1))["session"]
    assert todo.action == "新建今天的学习"
    assert todo.url == reverse("study:session_create", args=[d.school1.pk])


def test_todays_session_is_one_tap_from_its_roster(live_district):
    d = live_district
    today = timezone.localdate()
    # Already begun this morning still counts as today's: the roster is signed during it.
    starts_at = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 30)))
    session = make_session(d.school1, d.users["secretary1"], starts_at=starts_at, title="学党章")
    make_session(d.school1, d.users["secretary1"], starts_at=starts_at + datetime.timedelta(2))
    todo = by_key(selectors.secretary_todos(d.school1))["session"]
    assert todo.action == "打开签到名单"
    assert todo.url == reverse("study:session", args=[session.pk])
    assert todo.detail == "今天 00:30:集中学习“学党章”。"


def test_the_next_session_is_shown_when_none_is_today(live_district):
    d = live_district
    starts_at = timezone.localtime() + datetime.timedelta(days=2)
    session = make_session(d.school1, d.users["secretary1"], starts_at=starts_at)
    todo = by_key(selectors.secretary_todos(d.school1))["session"]
    assert todo.url == reverse("study:session", args=[session.pk])
    assert todo.detail.startswith(f"{starts_at.year}年{starts_at.month}月{starts_at.day}日")


@pytest.mark.parametrize(
    ("days", "reminded"), [(7, False), (8, True)], ids=["a week ago", "eight days ago"]
)
def test_the_days_since_the_last_review_and_the_weekly_rule(ledger, days, reminded):
    d = ledger
    today = timezone.localdate()
    Writing.objects.filter(member__unit=d.school1).update(
        submitted_at=timezone.now() - datetime.timedelta(days=20)
    )
    writing = Writing.objects.filter(member__unit=d.school1).first()
    writing_review(
        writing=writing,
        reviewer=d.users["secretary1"],
        comment="体会深刻",
        grade="good",
        reviewed_on=today - datetime.timedelta(days=days),
    )
    todo = by_key(selectors.secretary_todos(d.school1))["reviews"]
    assert todo.count == 2
    assert f"上次批阅是{days}天前。" in todo.detail
    assert ("每周应查看、批阅一次" in todo.detail) is reminded


def test_a_returned_application_is_owed(ledger):
    d = ledger
    waiting = TransitionApplication.objects.get(unit=d.school1)
    transitions.group_opinion_give(
        application=waiting, agrees=False, reasons="学时不足", user=d.users["supervisor1"]
    )
    transitions.application_return(
        application=TransitionApplication.objects.get(pk=waiting.pk),
        user=d.users["office"],
        reason="学时不足",
        redo_items="补学党章",
    )
    todo = by_key(selectors.secretary_todos(d.school1))["transition"]
    assert todo.owed
    assert todo.detail == "学习动员阶段第1轮转段申请被退回补课,补课合格后重新报送。"


def test_a_secretarys_todos_cost_the_same_however_large_the_branch(
    ledger, django_assert_num_queries
):
    branch = Unit.objects.select_related("stage").get(pk=ledger.school1.pk)
    with django_assert_num_queries(8):
        selectors.secretary_todos(branch)
    grow(ledger)
    with django_assert_num_queries(8):
        selectors.secretary_todos(branch)


# 党员 ----------------------------------------------------------------------------------


def test_a_member_is_told_the_hours_still_missing(ledger):
    zhao = Member.objects.get(name="赵敏")
    todos = by_key(selectors.member_todos(zhao))
    # 2 学时 of 集中学习 and 4 of 自学: 34 more, of which 24.7 in sessions (2/3 of 40 is
    # 26.7).
    assert todos["hours"].owed
    assert todos["hours"].detail == (
        "已学6学时,其中集中学习2学时。还差34学时,其中集中学习24.7学时。"
    )
    assert todos["hours"].url == reverse("study:my_progress")


def test_a_members_make_ups_equal_the_ledger(ledger):
    wang = Member.objects.get(name="王强")
    todo = by_key(selectors.member_todos(wang))["makeups"]
    assert todo.count == MakeUp.objects.filter(member=wang, done_on__isnull=True).count() == 3
    assert todo.detail == "有3次缺课还没有补,请与支部书记联系补课。"


@pytest.mark.parametrize(("days", "counted"), [(6, 1), (7, 0)], ids=["six days ago", "a week ago"])
def test_writings_reviewed_this_week_are_returned(ledger, days, counted):
    d = ledger
    Writing.objects.filter(member=d.member1).update(
        submitted_at=timezone.now() - datetime.timedelta(days=20)
    )
    writing_review(
        writing=Writing.objects.filter(member=d.member1).first(),
        reviewer=d.users["secretary1"],
        comment="请联系工作实际再深入一些",
        grade="pass",
        reviewed_on=timezone.localdate() - datetime.timedelta(days=days),
    )
    todo = by_key(selectors.member_todos(d.member1))["returned"]
    assert todo.count == counted
    assert todo.url == reverse("study:my_writings")


def test_a_member_who_has_finished_owes_nothing(ledger):
    d = ledger
    writing_submit(
        member=d.member1,
        kind=WritingKind.NOTE,
        title="笔记",
        text="学习党章",
        user=d.users["member1"],
    )
    todos = selectors.member_todos(d.member1)
    assert [todo.key for todo in todos if todo.owed] == []
    assert by_key(todos)["hours"].detail.startswith("已学40学时,其中集中学习40学时。已达到40学时")


def test_a_members_todos_cost_the_same_however_much_was_studied(ledger, django_assert_num_queries):
    wang = Member.objects.get(name="王强")
    with django_assert_num_queries(3):
        selectors.member_todos(wang)


# 区委先进性教育办公室 --------------------------------------------------------------------


def test_the_offices_counts_equal_the_ledgers(ledger):
    d = ledger
    submitted_for(d.ward, by=d.users["secretary2"], supervisor=d.users["supervisor2"], opinion=True)
    trip_request(
        traveller=d.member1,
        kind="abroad",
        destination="新加坡",
        purpose="签订合作协议",
        leaves_on=timezone.localdate() + datetime.timedelta(days=3),
        returns_on=timezone.localdate() + datetime.timedelta(days=6),
        user=d.users["secretary1"],
    )
    for issue, state in enumerate(
        [BriefingState.FAILED, BriefingState.QUEUED, BriefingState.DONE], start=1
    ):
        Briefing.objects.create(
            batch=d.batch,
            unit=d.root,
            issue_number=issue,
            period_start=d.batch.starts_on,
            period_end=d.batch.starts_on,
            state=state,
        )

    todos = by_key(selectors.office_todos(d.users["office"]))

    decisions = TransitionApplication.objects.filter(
        state=ApplicationState.SUBMITTED, group_agrees__isnull=False
    ).count()
    trips = TripRequest.objects.filter(state=TripState.PENDING).count()
    without_plan = Unit.objects.exclude(kind=UnitKind.DISTRICT).exclude(
        practice_plans__batch=d.batch
    )
    assert (decisions, trips, without_plan.count()) == (1, 1, 8)
    assert todos["decisions"].count == decisions
    assert todos["decisions"].url == reverse("supervision:applications") + "?tab=decision"
    assert todos["trips"].count == trips
    assert todos["trips"].url == reverse("ledgers:leaders_trips")
    assert todos["plans"].count == without_plan.count()
    assert todos["plans"].url == reverse("ledgers:practice_plans")
    assert todos["briefings"].count == 2
    assert todos["briefings"].detail == "简报1期生成失败,请重试;1期正在排队生成。"
    assert todos["briefings"].url == reverse("reports:briefing_list")


def test_the_offices_todos_cost_the_same_however_large_the_district(
    ledger, django_assert_num_queries
):
    office = ledger.users["office"]
    scope_for(office)
    with django_assert_num_queries(5):
        selectors.office_todos(office)
    grow(ledger)
    with django_assert_num_queries(5):
        selectors.office_todos(office)


# 督导组 --------------------------------------------------------------------------------


def test_a_supervisors_counts_equal_the_groups_ledgers(ledger):
    d = ledger
    # 区二中 holds its 转段分析会; nobody of the group has evaluated it yet.
    application = transitions.application_start(unit=d.school2, user=d.users["leader1"])
    transitions.meeting_record(
        application=application,
        held_on=timezone.localdate(),
        attendees="全体党员",
        minutes="对照检查",
        user=d.users["leader1"],
    )
    check = spot_check_draw(unit=d.school1, user=d.users["supervisor1"])
    supervisor = d.users["supervisor1"]

    todos = by_key(selectors.supervisor_todos(scope_for(supervisor)))

    under = {"unit__path__startswith": d.education.path}
    opinions = TransitionApplication.objects.filter(
        state=ApplicationState.SUBMITTED, group_agrees__isnull=True, **under
    )
    meetings = AnalysisMeeting.objects.filter(
        evaluated_at__isnull=True,
        application__state=ApplicationState.DRAFT,
        application__unit__path__startswith=d.education.path,
    )
    assert (opinions.count(), meetings.count()) == (1, 1)
    assert todos["opinions"].count == opinions.count()
    assert todos["opinions"].url == reverse("supervision:application", args=[opinions.get().pk])
    assert todos["meetings"].count == meetings.count()
    assert todos["meetings"].url == reverse("supervision:application", args=[application.pk])
    assert todos["spot_checks"].count == 1
    assert todos["spot_checks"].url == reverse("study:spot_check", args=[check.pk])
    # Another group's supervisor sees none of it.
    other = by_key(selectors.supervisor_todos(scope_for(d.users["supervisor3"])))
    assert [other[key].count for key in ("opinions", "meetings", "spot_checks")] == [0, 0, 0]


def test_several_opinions_waiting_link_to_the_list(ledger):
    d = ledger
    submitted_for(d.ward, by=d.users["secretary2"], supervisor=d.users["supervisor1"])
    d.groups[0].units.add(d.health)
    user = type(d.users["supervisor1"]).objects.get(pk=d.users["supervisor1"].pk)
    todo = by_key(selectors.supervisor_todos(scope_for(user)))["opinions"]
    assert todo.count == 2
    assert todo.url == reverse("supervision:applications") + "?tab=opinion"


def test_a_supervisors_todos_cost_the_same_however_large_the_group(
    ledger, django_assert_num_queries
):
    scope = scope_for(ledger.users["supervisor1"])
    with django_assert_num_queries(3):
        selectors.supervisor_todos(scope)
    grow(ledger)
    with django_assert_num_queries(3):
        selectors.supervisor_todos(scope)


# 党委/党组/工委负责人 ------------------------------------------------------------------


def test_a_leaders_counts_equal_the_ledgers(ledger):
    d = ledger
    todos = by_key(selectors.leader_todos(scope_for(d.users["leader1"])))

    # Every branch below 100% (the default 转段 requirement) with members lags.
    rows = UnitProgress.objects.filter(unit__path__startswith=d.education.path, members__gt=0)
    lagging = [row for row in rows if row.complete * 100 < 100 * row.members]
    cadres_without = Member.objects.filter(
        unit__path__startswith=d.education.path, is_leading_cadre=True
    ).exclude(lectures__kind=LectureKind.PARTY_LECTURE)
    assert (len(lagging), cadres_without.count()) == (2, 1)
    assert todos["lagging"].count == len(lagging)
    assert todos["lagging"].url == reverse("study:unit_progress", args=[d.education.pk])
    assert todos["lagging"].detail == "有2个党支部的40学时达标率低于转段要求。"
    assert todos["lectures"].count == cadres_without.count()
    assert todos["lectures"].url == (
        reverse("ledgers:leaders_lecture_stats") + f"?unit={d.education.pk}"
    )

    lecture_record(
        lecturer=d.member1,
        unit=d.school2,
        kind=LectureKind.PARTY_LECTURE,
        given_on=timezone.localdate(),
        topic="保持先进性",
        audience=20,
        user=d.users["leader1"],
    )
    todos = by_key(selectors.leader_todos(scope_for(d.users["leader1"])))
    assert todos["lectures"].count == 0


@pytest.mark.parametrize(
    ("rate", "lagging"), [("33.3", 1), ("33.4", 2)], ids=["rate reached", "rate missed"]
)
def test_a_branch_at_its_target_does_not_lag(ledger, rate, lagging):
    """区一中 has 1 of 3 members done (33.33…%), 区二中 0 of 1."""
    from supervision.selectors.transitions import requirement_for

    requirement = requirement_for(ledger.stages[0])
    requirement.min_completion_rate = rate
    requirement.save()
    assert selectors.lagging_branch_count([ledger.education]) == lagging


def test_a_leaders_todos_cost_the_same_however_large_the_subtree(ledger, django_assert_num_queries):
    scope = scope_for(ledger.users["leader1"])
    with django_assert_num_queries(4):
        selectors.leader_todos(scope)
    grow(ledger)
    with django_assert_num_queries(4):
        selectors.leader_todos(scope)


def test_no_leader_role_no_leader_todos(district, django_assert_num_queries):
    scope = scope_for(UserFactory(username="nobody"))
    with django_assert_num_queries(0):
        assert selectors.leader_todos(scope) == []

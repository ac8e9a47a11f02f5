"""What waits for each user, role by role: one function a role, each returning the to-dos
(`Todo`) the home page leads with and the weekly reminder repeats, every figure read from
the same ledger as the page the to-do links to.

Query budget, whatever the size of the district (tests/todos/test_selectors.py pins it):
`secretary_todos` eight a branch, `member_todos` three, `office_todos` five,
`supervisor_todos` three, `leader_todos` four (three given the batch; none without a
leader's role).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, DecimalField, F, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.dates import day_text, day_time_text, days_ago
from ledgers.models import TripRequest, TripState
from ledgers.selectors.lectures import lecture_counts_per_cadre
from ledgers.selectors.practice import plan_status_totals
from ledgers.selectors.rectification import pending_opinion_count
from reports.models import Briefing, BriefingState
from study.models import (
    REVIEW_OVERDUE_DAYS,
    LeaveRequest,
    LeaveStatus,
    MakeUp,
    MemberProgress,
    Review,
    SpotCheck,
    StudySession,
    UnitProgress,
)
from study.selectors.absences import out_of_contact_count
from study.selectors.shortfall import HoursShortfall, hours_shortfall, writing_shortfall
from study.selectors.writings import unreviewed_writings
from supervision.models import (
    AnalysisMeeting,
    ApplicationState,
    StageRequirement,
    TransitionApplication,
)
from supervision.selectors.transitions import APPLICATION_TABS, applications_for
from units.models import BRANCH_KINDS, Member, Role, Unit
from units.permissions import Scope, scope_for
from units.selectors import under_any

# "支部负责人每周应查看、批阅一次党员的学习笔记": a member hears of the reviews of the week.
RETURNED_WITHIN_DAYS = 7

# What the 转段 out of a stage requires where the office has not set its conditions.
DEFAULT_COMPLETION_TARGET = StageRequirement._meta.get_field("min_completion_rate").default


@dataclass(frozen=True)
class Todo:
    """One thing waiting for a user: what it is, how many, where it is done, and a
    sentence saying it. `owed` marks what the user has to act on (the reminder lists
    those); `action`, when given, is the button the home page shows for it."""

    key: str
    label: str
    count: int | None
    url: str
    detail: str
    owed: bool
    action: str = ""


def _counted(key: str, label: str, count: int, url: str, detail: str, none: str) -> Todo:
    """A to-do that is a count: owed when there is any, said as `none` when there isn't."""
    return Todo(key, label, count, url, detail if count else none, owed=count > 0)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _page(name: str, *args: object, **query: object) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# 支部书记 ------------------------------------------------------------------------------


def secretary_todos(branch: Unit, today: datetime.date | None = None) -> list[Todo]:
    """What waits for a branch's secretary: today's (or the next) study session, make-ups
    owed, leave to approve, writings to review, mobile members to contact, the public's
    opinions to check, and where the branch's 转段 application stands (eight queries)."""
    today = today or timezone.localdate()
    return [
        _session_todo(branch, today),
        _makeups_todo(branch),
        _leave_todo(branch),
        _review_todo(branch, today),
        _mobile_todo(branch, today),
        _opinions_todo(branch),
        _transition_todo(branch),
    ]


def _session_todo(branch: Unit, today: datetime.date) -> Todo:
    session = (
        StudySession.objects.filter(unit=branch, starts_at__gte=_start_of(today))
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        return Todo(
            "session",
            _("集中学习"),
            None,
            reverse("study:session_create", args=[branch.pk]),
            _("今天还没有安排集中学习。开会前新建一次,会上就在手机上签到。"),
            owed=False,
            action=_("新建今天的学习"),
        )
    starts_at = timezone.localtime(session.starts_at)
    when = (
        _("今天 %(time)s") % {"time": f"{starts_at:%H:%M}"}
        if starts_at.date() == today
        else day_time_text(starts_at)
    )
    return Todo(
        "session",
        _("集中学习"),
        None,
        reverse("study:session", args=[session.pk]),
        _("%(when)s:%(kind)s“%(title)s”。")
        % {"when": when, "kind": session.get_kind_display(), "title": session.title},
        owed=False,
        action=_("打开签到名单"),
    )


def _makeups_todo(branch: Unit) -> Todo:
    owed = MakeUp.objects.filter(
        member__unit__path__startswith=branch.path, done_on__isnull=True
    ).count()
    return _counted(
        "makeups",
        _("缺课未补"),
        owed,
        reverse("study:makeups", args=[branch.pk]),
        _("有%(n)s次缺课还没有补课,补课后请登记。") % {"n": owed},
        _("没有缺课未补的党员。"),
    )


def _leave_todo(branch: Unit) -> Todo:
    pending = LeaveRequest.objects.filter(
        member__unit__path__startswith=branch.path, status=LeaveStatus.PENDING
    ).count()
    return _counted(
        "leave",
        _("请假待批"),
        pending,
        reverse("study:leave_list", args=[branch.pk]),
        _("有%(n)s份请假等待批准。") % {"n": pending},
        _("没有待批的请假。"),
    )


def _review_todo(branch: Unit, today: datetime.date) -> Todo:
    """ "支部负责人每周应查看、批阅一次党员的学习笔记": what waits, and how long since the
    branch last reviewed one."""
    waiting = unreviewed_writings().filter(member__unit__path__startswith=branch.path).count()
    last = Review.objects.filter(writing__member__unit__path__startswith=branch.path).aggregate(
        last=Max("reviewed_on")
    )["last"]
    if last is None:
        since = _("支部还没有批阅过笔记心得。")
    else:
        days = (today - last).days
        since = _("今天刚批阅过。") if days == 0 else _("上次批阅是%(days)s天前。") % {"days": days}
        if days > REVIEW_OVERDUE_DAYS:
            since += _("支部负责人每周应查看、批阅一次。")
    url = reverse("study:review_queue", args=[branch.pk])
    if not waiting:
        none = _("没有待批阅的笔记心得。") + since
        return Todo("reviews", _("笔记批阅"), 0, url, none, owed=False)
    detail = _("有%(n)s篇笔记心得等待批阅。") % {"n": waiting} + since
    return Todo("reviews", _("笔记批阅"), waiting, url, detail, owed=True)


def _mobile_todo(branch: Unit, today: datetime.date) -> Todo:
    out_of_contact = out_of_contact_count([branch], today)
    return _counted(
        "mobile",
        _("流动党员联系"),
        out_of_contact,
        reverse("study:mobile_members", args=[branch.pk]),
        _("有%(n)s名流动党员30天以上没有联系,请家访、写信或打电话。") % {"n": out_of_contact},
        _("流动党员近30天都联系过。"),
    )


def _opinions_todo(branch: Unit) -> Todo:
    """Opinions from the public survey wait until the branch accepts them into its
    rectification ledger or sets them aside ("从群众意见最大、最不满意的问题改起")."""
    pending = pending_opinion_count(branch)
    return _counted(
        "opinions",
        _("群众意见待核实"),
        pending,
        reverse("ledgers:survey_inbox", args=[branch.pk]),
        _("群众在满意度测评中提出的意见有%(n)s条待核实,请采纳整改或说明不采纳。") % {"n": pending},
        _("没有待核实的群众意见。"),
    )


def _transition_todo(branch: Unit) -> Todo:
    url = reverse("supervision:unit_transition", args=[branch.pk])
    label = _("转段申请")
    if branch.completed_on is not None:
        detail = _("本支部的教育活动已于%(date)s完成。") % {"date": day_text(branch.completed_on)}
        return Todo("transition", label, None, url, detail, owed=False)
    if branch.stage_id is None:
        detail = _("支部还没有进入教育活动的阶段。")
        return Todo("transition", label, None, url, detail, owed=False)
    application = (
        TransitionApplication.objects.filter(unit=branch, from_stage_id=branch.stage_id)
        .select_related("from_stage")
        .order_by("-round", "-pk")
        .first()
    )
    stage = branch.stage.name
    if application is None:
        detail = _("%(stage)s阶段的转段申请还没有填写。") % {"stage": stage}
        return Todo("transition", label, None, url, detail, owed=False)
    facts = {"stage": stage, "round": application.round}
    if application.state == ApplicationState.DRAFT:
        detail = _("%(stage)s阶段第%(round)s轮转段申请正在填写,还没有报送。") % facts
    elif application.state == ApplicationState.SUBMITTED and application.group_agrees is None:
        detail = _("%(stage)s阶段第%(round)s轮转段申请已报送,等待督导组签署意见。") % facts
    elif application.state == ApplicationState.SUBMITTED:
        detail = (
            _("%(stage)s阶段第%(round)s轮转段申请督导组已签署意见,等待区委先进性教育办公室审批。")
            % facts
        )
    elif application.state == ApplicationState.RETURNED:
        detail = _("%(stage)s阶段第%(round)s轮转段申请被退回补课,补课合格后重新报送。") % facts
        return Todo("transition", label, None, url, detail, owed=True)
    else:
        detail = _("%(stage)s阶段的转段申请已经同意。") % facts
    return Todo("transition", label, None, url, detail, owed=False)


# 党员 ----------------------------------------------------------------------------------


def member_todos(member: Member, today: datetime.date | None = None) -> list[Todo]:
    """What a member still owes: hours (to 40 学时, two thirds of them 集中学习), make-ups
    and writing; and the notes and essays reviewed this week (three queries)."""
    today = today or timezone.localdate()
    progress = MemberProgress.objects.filter(member=member).first() or MemberProgress(member=member)
    shortfall = hours_shortfall(
        concentrated=progress.concentrated_hours, total=progress.total_hours
    )
    progress_url = reverse("study:my_progress")
    writings_url = reverse("study:my_writings")
    done = _("已学%(total)s学时,其中集中学习%(concentrated)s学时。") % {
        "total": _hours(progress.total_hours),
        "concentrated": _hours(progress.concentrated_hours),
    }
    hours = Todo(
        "hours",
        _("学习学时"),
        None,
        progress_url,
        done + _member_gap(shortfall),
        owed=not shortfall.done,
    )
    owed = MakeUp.objects.filter(member=member, done_on__isnull=True).count()
    makeups = _counted(
        "makeups",
        _("待补课"),
        owed,
        progress_url,
        _("有%(n)s次缺课还没有补,请与支部书记联系补课。") % {"n": owed},
        _("没有待补的课。"),
    )
    missing = writing_shortfall(
        is_leading_cadre=member.is_leading_cadre,
        can_write=member.can_write,
        notes=progress.notes,
        essays=progress.essays,
        long_essays=progress.long_essays,
    )
    writing = Todo(
        "writing",
        _("笔记心得"),
        None,
        writings_url,
        ",".join(missing) + "。" if missing else _("学习笔记和心得体会已达到要求。"),
        owed=bool(missing),
    )
    returned = Review.objects.filter(
        writing__member=member, reviewed_on__gt=days_ago(RETURNED_WITHIN_DAYS, today)
    ).count()
    reviewed = Todo(
        "returned",
        _("已批阅退回"),
        returned,
        writings_url,
        _("近%(days)s天有%(n)s篇笔记心得已批阅,请看批语。")
        % {"days": RETURNED_WITHIN_DAYS, "n": returned}
        if returned
        else _("近%(days)s天没有新批阅的笔记心得。") % {"days": RETURNED_WITHIN_DAYS},
        owed=False,
    )
    return [hours, makeups, writing, reviewed]


def _member_gap(shortfall: HoursShortfall) -> str:
    """ "还差 x 学时,其中集中学习 y 学时", or the study.selectors.shortfall sentence."""
    if not shortfall.done and 0 < shortfall.concentrated < shortfall.hours:
        return _("还差%(hours)s学时,其中集中学习%(concentrated)s学时。") % {
            "hours": _hours(shortfall.hours),
            "concentrated": _hours(shortfall.concentrated),
        }
    return shortfall.statement()


def _hours(value: Decimal) -> str:
    """12.5 → "12.5", 8.0 → "8"."""
    return f"{Decimal(value).normalize():f}"


# 区委先进性教育办公室 --------------------------------------------------------------------


def office_todos(user: AbstractBaseUser, today: datetime.date | None = None) -> list[Todo]:
    """What waits for the office: 转段 decisions, trip requests, 二三五 plans not filed,
    and briefings that failed or wait in the queue (five queries)."""
    today = today or timezone.localdate()
    decisions = (
        applications_for(user).filter(APPLICATION_TABS["decision"]).aggregate(n=Count("pk"))["n"]
    )
    trips = TripRequest.objects.filter(state=TripState.PENDING).count()
    briefings = Briefing.objects.aggregate(
        failed=Count("pk", filter=Q(state=BriefingState.FAILED)),
        queued=Count("pk", filter=Q(state=BriefingState.QUEUED)),
    )
    return [
        _counted(
            "decisions",
            _("转段审批"),
            decisions,
            _page("supervision:applications", tab="decision"),
            _("有%(n)s份转段申请督导组已签署意见,等待办公室审批。") % {"n": decisions},
            _("没有等待审批的转段申请。"),
        ),
        _counted(
            "trips",
            _("外出审批"),
            trips,
            reverse("ledgers:leaders_trips"),
            _("有%(n)s份党员领导干部外出申请等待书面答复。") % {"n": trips},
            _("没有等待审批的外出申请。"),
        ),
        _plans_todo(today),
        _briefings_todo(briefings["failed"], briefings["queued"]),
    ]


def _plans_todo(today: datetime.date) -> Todo:
    url = reverse("ledgers:practice_plans")
    label = _("二三五计划")
    batch = Batch.objects.current()
    if batch is None:
        return Todo("plans", label, 0, url, _("当前没有进行中的批次。"), owed=False)
    roots = Unit.objects.filter(parent__isnull=True)
    missing = plan_status_totals(roots, batch=batch)["missing"]
    detail = _("有%(n)s个单位还没有报送“二三五”主题实践活动计划。") % {"n": missing}
    if missing and batch.practice_plan_due is not None:
        due = {"date": day_text(batch.practice_plan_due)}
        detail += (
            _("报送截止日期%(date)s已过。") % due
            if batch.practice_plan_due < today
            else _("截止日期%(date)s。") % due
        )
    return _counted("plans", label, missing, url, detail, _("各单位都已报送计划。"))


def _briefings_todo(failed: int, queued: int) -> Todo:
    parts = []
    if failed:
        parts.append(_("%(n)s期生成失败,请重试") % {"n": failed})
    if queued:
        parts.append(_("%(n)s期正在排队生成") % {"n": queued})
    return _counted(
        "briefings",
        _("简报"),
        failed + queued,
        reverse("reports:briefing_list"),
        _("简报") + ";".join(parts) + "。",
        _("简报都已生成。"),
    )


# 督导组 --------------------------------------------------------------------------------


def supervisor_todos(scope: Scope) -> list[Todo]:
    """What waits for a supervision group's member: opinions on 转段 applications, 转段分析会
    to evaluate, and spot checks drawn whose result is not recorded (three queries)."""
    paths = scope.supervisor_paths
    opinions = list(
        TransitionApplication.objects.filter(
            APPLICATION_TABS["opinion"],
            under_any(paths, "unit__path"),
            from_stage__batch__is_current=True,
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    meetings = list(
        AnalysisMeeting.objects.filter(
            under_any(paths, "application__unit__path"),
            evaluated_at__isnull=True,
            application__state=ApplicationState.DRAFT,
        )
        .order_by("held_on", "pk")
        .values_list("application_id", flat=True)
    )
    checks = list(
        SpotCheck.objects.filter(under_any(paths, "unit__path"), recorded_at__isnull=True)
        .order_by("drawn_at", "pk")
        .values_list("pk", flat=True)
    )
    # One waiting: straight to it; several: to the list they wait in.
    lists = (
        _page("supervision:applications", tab="opinion"),
        reverse("supervision:group_home", args=[scope.groups[0]]) if scope.groups else "",
    )
    return [
        _counted(
            "opinions",
            _("签署转段意见"),
            len(opinions),
            reverse("supervision:application", args=[opinions[0]])
            if len(opinions) == 1
            else lists[0],
            _("有%(n)s份转段申请等待督导组签署意见。") % {"n": len(opinions)},
            _("没有等待签署意见的转段申请。"),
        ),
        _counted(
            "meetings",
            _("评价转段分析会"),
            len(meetings),
            reverse("supervision:application", args=[meetings[0]])
            if len(meetings) == 1
            else lists[1],
            _("有%(n)s个支部的转段分析会等待督导组评价,评价后支部才能报送申请。")
            % {"n": len(meetings)},
            _("没有等待评价的转段分析会。"),
        ),
        _counted(
            "spot_checks",
            _("笔记抽查"),
            len(checks),
            reverse("study:spot_check", args=[checks[0]]) if checks else lists[1],
            _("有%(n)s次抽查已抽取篇目,还没有登记审查结果。") % {"n": len(checks)},
            _("抽查结果都已登记。"),
        ),
    ]


# 党委/党组/工委负责人 ------------------------------------------------------------------


def leader_todos(scope: Scope, batch: Batch | None = None) -> list[Todo]:
    """What waits for a unit's leader: the branches of the subtree below the completion
    rate their 转段 requires, and the leading cadres who have not yet given a 党课 this
    batch (four queries, three given the batch; none without a leader's role)."""
    tops = list(Unit.objects.filter(path__in=scope.leader_paths).order_by("path"))
    if not tops:
        return []
    top = tops[0]
    batch = batch if batch is not None else Batch.objects.current()
    lagging = lagging_branch_count(tops)
    no_lecture = (
        lecture_counts_per_cadre(scope.leader_paths, batch=batch).filter(party_lectures=0).count()
    )
    return [
        _counted(
            "lagging",
            _("进度落后的支部"),
            lagging,
            reverse("study:unit_progress", args=[top.pk]),
            _("有%(n)s个党支部的40学时达标率低于转段要求。") % {"n": lagging},
            _("各党支部的40学时达标率都达到了转段要求。"),
        ),
        _counted(
            "lectures",
            _("领导干部上党课"),
            no_lecture,
            _page("ledgers:leaders_lecture_stats", unit=top.pk),
            _("有%(n)s名党员领导干部本批次还没有到基层上党课。") % {"n": no_lecture},
            _("党员领导干部本批次都上过党课。"),
        ),
    ]


def lagging_branch_count(tops: list[Unit]) -> int:
    """Branches under `tops` keeping members whose 40学时达标率 is below what the 转段 out
    of their stage requires (supervision's StageRequirement; 100% where the office has not
    set it): one query over the branches' stored sums, however many members."""
    target = Coalesce(
        "unit__stage__requirement__min_completion_rate",
        Value(DEFAULT_COMPLETION_TARGET),
        output_field=DecimalField(max_digits=4, decimal_places=1),
    )
    return (
        UnitProgress.objects.filter(
            under_any(tops, "unit__path"), unit__kind__in=BRANCH_KINDS, members__gt=0
        )
        .annotate(target=target, complete_percent=F("complete") * 100)
        # Multiplied out, not divided: SQLite would truncate a division of whole numbers.
        .filter(complete_percent__lt=F("target") * F("members"))
        .count()
    )


# The weekly reminder -------------------------------------------------------------------


def digest_todos(user: AbstractBaseUser, today: datetime.date | None = None) -> list[Todo]:
    """What the weekly reminder tells `user`: the owed to-dos of each branch they are
    secretary of (named with the branch), and their own as a member ([] when nothing is
    owed)."""
    scope = scope_for(user)
    owed = []
    for branch in Unit.objects.filter(path__in=scope.secretary_paths).select_related("stage"):
        owed += [_in_branch(todo, branch) for todo in secretary_todos(branch, today) if todo.owed]
    if scope.member is not None:
        owed += [todo for todo in member_todos(scope.member, today) if todo.owed]
    return owed


def digest_recipients() -> QuerySet[AbstractBaseUser]:
    """Who may be owed a reminder: every active secretary or ledger keeper, and every
    member with an account who has not yet finished (hours, make-ups or writing) — one
    query; `digest_todos` decides for each what, if anything, they are told."""
    unfinished = (
        Q(member__progress__isnull=True)
        | Q(member__progress__is_complete=False)
        | Q(member__progress__makeups_owed__gt=0)
        | Q(member__progress__writing_done=False)
    )
    keeps_branch = Q(role_assignments__role__in=[Role.SECRETARY, Role.LEDGER_KEEPER])
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(keeps_branch | (Q(member__isnull=False) & unfinished))
        .exclude(reminder_preference__weekly_digest=False)
        .distinct()
        .order_by("pk")
    )


def _in_branch(todo: Todo, branch: Unit) -> Todo:
    return Todo(
        todo.key,
        f"{branch.name} · {todo.label}",
        todo.count,
        todo.url,
        todo.detail,
        todo.owed,
        todo.action,
    )

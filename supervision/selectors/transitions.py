"""Reads of the 转段 workflow: what the 转段 out of a stage checks, the measured facts a
self-check is judged on, which applications a user follows and in which tab, and the
branches with their latest round.

"在开展五查五看活动的同时,重点看一看……": beside each of the branch's answers stand the
facts measured from its ledgers, the same figures the progress pages show.

Query budget: each list read is one query however many applications or branches there
are; `measured_facts` costs a fixed number whatever the size of the branch.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Stage
from common.dates import day_text
from ledgers.models import DiscussionRequirement
from ledgers.selectors.rectification import open_rectification_count
from study.selectors.progress import unit_rollup
from study.selectors.topics import readings_with_coverage
from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    ApplicationState,
    StageCorrection,
    StageRequirement,
    TransitionApplication,
)
from units.models import BRANCH_KINDS, Role, SupervisionGroup, Unit
from units.permissions import scope_for


def next_stage(stage: Stage) -> Stage | None:
    """The stage the 转段 out of `stage` leads to; None after the last (the campaign is done)."""
    return (
        Stage.objects.filter(batch_id=stage.batch_id, number__gt=stage.number)
        .order_by("number")
        .first()
    )


def requirement_for(stage: Stage) -> StageRequirement:
    """What the 转段 out of `stage` checks: the office's settings, or the defaults (saved
    the first time they are asked for, so the office edits a row that exists)."""
    requirement, _created = StageRequirement.objects.get_or_create(stage=stage)
    return requirement


def measured_facts(*, unit: Unit, stage: Stage) -> dict:
    """The figures the self-check shows beside each answer, and each requirement met or not."""
    requirement = requirement_for(stage)
    figures = unit_rollup(unit, stage.batch).figures
    uncovered = [r.title for r in readings_with_coverage(unit, stage.batch) if not r.covered]
    completion = figures.completion_rate or Decimal(0)
    writing_rate = _percent(figures.writing_done, figures.members)
    checks = [
        {
            "label": _("40学时达标率"),
            "required": _("不低于%(rate)s%%") % {"rate": _number(requirement.min_completion_rate)},
            "actual": f"{_number(completion)}%",
            "ok": completion >= requirement.min_completion_rate,
        },
        {
            "label": _("缺课未补"),
            "required": _("不超过%(n)s次") % {"n": requirement.max_makeups_owed},
            "actual": _("%(n)s次") % {"n": figures.makeups_owed},
            "ok": figures.makeups_owed <= requirement.max_makeups_owed,
        },
        {
            "label": _("笔记心得达标率"),
            "required": _("不低于%(rate)s%%") % {"rate": _number(requirement.min_writing_rate)},
            "actual": f"{_number(writing_rate)}%",
            "ok": writing_rate >= requirement.min_writing_rate,
        },
    ]
    open_items = open_rectification_count(unit)
    if requirement.max_open_rectifications is not None:
        checks.append(
            {
                "label": _("未整改问题"),
                "required": _("不超过%(n)s个") % {"n": requirement.max_open_rectifications},
                "actual": _("%(n)s个") % {"n": open_items},
                "ok": open_items <= requirement.max_open_rectifications,
            }
        )
    if requirement.require_readings_covered:
        checks.append(
            {
                "label": _("必读科目"),
                "required": _("全部学到"),
                "actual": _("还有%(n)s篇未学") % {"n": len(uncovered)}
                if uncovered
                else _("已全部学到"),
                "ok": not uncovered,
            }
        )
    return {
        "members": figures.members,
        "completion_rate": str(completion),
        "concentrated_share": str(figures.concentrated_share or 0),
        "average_hours": str(figures.average_hours or 0),
        "makeups_owed": figures.makeups_owed,
        "no_participation": figures.no_participation,
        "essays": figures.essays,
        "long_essays": figures.long_essays,
        "writing_rate": str(writing_rate),
        "readings_uncovered": uncovered,
        "open_rectifications": open_items,
        # 大讨论: for how many groups of members the branch has adopted its requirements.
        "adopted_requirements": DiscussionRequirement.objects.filter(
            unit=unit, is_adopted=True
        ).count(),
        "checks": checks,
        "all_met": all(check["ok"] for check in checks),
        "measured_at": timezone.localtime().isoformat(timespec="minutes"),
    }


def _number(value: Decimal | int | str) -> str:
    """100.0 → "100", 85.50 → "85.5": the same figure reads the same from any database."""
    return format(Decimal(value).normalize(), "f")


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


# The list's tabs: (key, filter). The labels are the views' business: a supervisor's
# "awaiting the group" tab is their own to-do.
APPLICATION_TABS = {
    "opinion": Q(state=ApplicationState.SUBMITTED, group_agrees__isnull=True),
    "decision": Q(state=ApplicationState.SUBMITTED, group_agrees__isnull=False),
    "returned": Q(state=ApplicationState.RETURNED),
    "approved": Q(state=ApplicationState.APPROVED),
    "draft": Q(state=ApplicationState.DRAFT),
    "all": Q(),
}

# Tabs still waiting on someone: the longest-waiting first. The others: the latest first.
WAITING_TABS = ("opinion", "decision")


def applications_for(user: AbstractBaseUser) -> QuerySet[TransitionApplication]:
    """The current campaign's applications this user follows: the office all of them,
    a supervisor those of the groups' units, a secretary or leader those of the units
    they keep; nothing for anyone else.

    Each carries `waited`, the time since it was submitted (None for a draft).
    """
    scope = scope_for(user)
    applications = TransitionApplication.objects.filter(
        from_stage__batch__is_current=True
    ).select_related("unit", "from_stage", "to_stage", "meeting", "group_opinion_by")
    if not scope.is_office:
        paths = Q(pk__in=[])
        for path in filter(None, scope.paths):
            paths |= Q(unit__path__startswith=path)
        applications = applications.filter(paths)
    return applications.annotate(
        waited=ExpressionWrapper(Now() - F("submitted_at"), output_field=DurationField())
    )


def application_tab(
    applications: QuerySet[TransitionApplication], tab: str
) -> QuerySet[TransitionApplication]:
    """One tab of `applications_for`, in the order its readers work through it."""
    applications = applications.filter(APPLICATION_TABS[tab])
    if tab in WAITING_TABS:
        return applications.order_by("submitted_at", "pk")
    return applications.order_by(F("submitted_at").desc(nulls_first=True), "-created_at", "-pk")


def application_tab_counts(applications: QuerySet[TransitionApplication]) -> dict[str, int]:
    """{tab: how many} for every tab, in one query."""
    return applications.aggregate(
        **{tab: Count("pk", filter=condition) for tab, condition in APPLICATION_TABS.items()}
    )


def branches_with_latest_application(unit: Unit) -> QuerySet[Unit]:
    """The units below `unit` that apply for 转段 themselves, each with its latest round
    (`latest_pk`, `latest_state`, `latest_round`, `latest_stage`), in one query."""
    latest = TransitionApplication.objects.filter(unit=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return (
        Unit.objects.subtree_of(unit, include_self=False)
        .filter(kind__in=BRANCH_KINDS)
        .select_related("stage")
        .annotate(
            latest_pk=Subquery(latest.values("pk")[:1]),
            latest_state=Subquery(latest.values("state")[:1]),
            latest_round=Subquery(latest.values("round")[:1]),
            latest_stage=Subquery(latest.values("from_stage__name")[:1]),
        )
        .order_by("path")
    )


def previous_round(application: TransitionApplication) -> TransitionApplication | None:
    """The round before this one for the same stage, if any."""
    return TransitionApplication.objects.filter(
        unit_id=application.unit_id,
        from_stage_id=application.from_stage_id,
        round=application.round - 1,
    ).first()


def unmet_checks(application: TransitionApplication) -> list[dict]:
    """The 转段条件 the round did not meet when it was submitted (none for a round
    submitted before the figures were kept)."""
    return [check for check in (application.facts or {}).get("checks", []) if not check["ok"]]


# Where a round stands: its route, who holds it, since when, what comes next -------------


@dataclass
class RouteStop:
    label: str
    holder: str
    current: bool


@dataclass
class Route:
    """支部 → 督导组 → 办公室: `holder` is None once the round is decided."""

    stops: list[RouteStop]
    holder: str | None
    since: datetime.datetime
    days: int
    next_step: str


OFFICE_NAME = Role.OFFICE.label


def application_route(
    application: TransitionApplication,
    *,
    meeting: AnalysisMeeting | None,
    events: list[ApplicationEvent],
    groups: list[SupervisionGroup],
    later_round: bool = False,
) -> Route:
    """Where the round stands, in the words the branch, its group and the office use."""
    branch = application.unit.name
    group = "、".join(g.name for g in groups) or _("督导组")
    state = application.state
    holder, since = branch, application.created_at
    if state == ApplicationState.DRAFT:
        if meeting is not None and not meeting.is_evaluated:
            recorded = [e.at for e in events if e.action == "meeting"]
            holder, since = group, recorded[-1] if recorded else application.created_at
            next_step = _("督导组派人登记到会情况和对前段工作的评价;之后支部即可报送。")
        elif meeting is not None and application.round > 1 and meeting.evaluated_at < since:
            next_step = _(
                "支部对照需补课事项补课,填写补课情况后报送;转段分析会沿用上一轮,不必重开。"
            )
        elif meeting is not None:
            since = max(since, meeting.evaluated_at)
            next_step = _("支部核对回头看自查后,报送督导组和区委先进性教育办公室。")
        else:
            next_step = _("支部逐条作答回头看自查,召开转段分析会并登记,请督导组派人到会评价。")
    elif state == ApplicationState.SUBMITTED and application.group_agrees is None:
        holder, since = group, application.submitted_at
        next_step = _("督导组签署同意或不同意转段的意见,然后报办公室审批。")
    elif state == ApplicationState.SUBMITTED:
        holder, since = OFFICE_NAME, application.group_opinion_at
        next_step = _("办公室检查后决定:检查合格的,同意转段;达不到要求的,退回补课。")
    elif state == ApplicationState.RETURNED:
        since = application.decided_at
        if later_round:
            next_step = _("支部已开始下一轮申请。")
        elif application.redo_meeting:
            next_step = _("支部按需补课事项补课,然后开始下一轮:重新召开转段分析会,再报送。")
        else:
            next_step = _(
                "支部按需补课事项补课,然后开始下一轮:填写补课情况后直接报送,转段分析会沿用本轮。"
            )
    else:
        holder, since = None, application.decided_at
        if application.to_stage is None:
            next_step = _("已办结:支部自%(date)s起教育活动完成。") % {
                "date": day_text(application.transition_date)
            }
        else:
            next_step = _("已办结:支部自%(date)s起进入%(stage)s阶段。") % {
                "date": day_text(application.transition_date),
                "stage": application.to_stage.name,
            }
    stops = [
        RouteStop(_("党支部"), branch, holder == branch),
        RouteStop(_("督导组"), group, holder == group),
        RouteStop(_("办公室"), OFFICE_NAME, holder == OFFICE_NAME),
    ]
    days = (timezone.localdate() - timezone.localdate(since)).days
    return Route(stops=stops, holder=holder, since=since, days=days, next_step=next_step)


def unit_groups(unit: Unit) -> list[SupervisionGroup]:
    """The supervision groups whose assigned subtrees hold the unit."""
    return list(SupervisionGroup.objects.filter(units__pk__in=unit.ancestor_ids()).distinct())


# A unit's stage history ----------------------------------------------------------------


@dataclass
class StageChange:
    """One move of a unit's stage: an approved round or the office's correction."""

    on: datetime.date
    at: datetime.datetime
    from_label: str
    to_label: str
    by: AbstractBaseUser
    reason: str
    source: Model
    is_correction: bool


def unit_stage_history(unit: Unit) -> list[StageChange]:
    """Every approved 转段 and every 更正阶段 of the unit, the latest first; two queries."""
    approved = TransitionApplication.objects.filter(
        unit=unit, state=ApplicationState.APPROVED
    ).select_related("from_stage", "to_stage", "decided_by")
    corrections = StageCorrection.objects.filter(unit=unit).select_related(
        "from_stage", "to_stage", "corrected_by"
    )
    changes = [
        StageChange(
            on=a.transition_date,
            at=a.decided_at,
            from_label=a.from_stage.name,
            to_label=a.to_stage.name if a.to_stage else _("活动完成"),
            by=a.decided_by,
            reason=a.decision_reason,
            source=a,
            is_correction=False,
        )
        for a in approved
    ] + [
        StageChange(
            on=c.to_since,
            at=c.corrected_at,
            from_label=_("活动完成")
            if c.from_completed_on
            else (c.from_stage.name if c.from_stage else "—"),
            to_label=c.to_stage.name,
            by=c.corrected_by,
            reason=c.reason,
            source=c,
            is_correction=True,
        )
        for c in corrections
    ]
    # By when it was recorded: a correction may set an earlier date than the move it mends.
    return sorted(changes, key=lambda change: change.at, reverse=True)

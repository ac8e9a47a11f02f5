"""Reads of the 转段 workflow: what the 转段 out of a stage checks, the measured facts a
self-check is judged on, which applications a user follows and in which tab, and the
branches with their latest round.

"在开展五查五看活动的同时,重点看一看……": beside each of the branch's answers stand the
facts measured from its ledgers, the same figures the progress pages show.

Query budget: each list read is one query however many applications or branches there
are; `measured_facts` costs a fixed number whatever the size of the branch.
"""

from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Stage
from ledgers.models import DiscussionRequirement
from ledgers.selectors.rectification import open_rectification_count
from study.selectors.progress import unit_rollup
from study.selectors.topics import readings_with_coverage
from supervision.models import ApplicationState, StageRequirement, TransitionApplication
from units.models import BRANCH_KINDS, Unit
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

"""Reads for a supervision group's own pages: its subtree, what waits for it, its records.

A group is assigned a few units; everything below them is supervised by it ("督导组要
进一步强化督促检查"). The dashboards and briefings read a group's area through these too.

Query budget: each read here is one query (`branch_stages` two, `top_of` none), however
many units, branches, applications or records the group has.
"""

import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch, Stage
from study.selectors.progress import Figures, lagging_under
from supervision.models import (
    AnalysisMeeting,
    ApplicationState,
    Inspection,
    KeyUnit,
    TransitionApplication,
)
from units.models import SupervisionGroup, Unit, UnitKind
from units.selectors import under_any

LATEST_INSPECTIONS = 5
LAGGING_BRANCHES = 20


def group_top_units(group: SupervisionGroup) -> list[Unit]:
    """The group's assigned units not inside another of them (each subtree once), by path."""
    assigned = list(group.units.order_by("path"))
    return [
        u for u in assigned if not any(o.pk != u.pk and u.path.startswith(o.path) for o in assigned)
    ]


def subtree_units(tops: list[Unit]) -> QuerySet[Unit]:
    """Every unit the group supervises, in tree order (a unit right after its parent)."""
    return Unit.objects.filter(under_any(tops)).order_by("path")


def top_of(tops: list[Unit], path: str) -> Unit | None:
    """The assigned unit whose subtree holds `path` (None if none does)."""
    return next((top for top in tops if path.startswith(top.path)), None)


def _top_key(tops: list[Unit], field: str) -> Case:
    """The id, as text, of the assigned unit whose subtree holds a row."""
    return Case(
        *[When(**{f"{field}__startswith": u.path}, then=Value(str(u.pk))) for u in tops],
        default=Value(""),
        output_field=CharField(),
    )


# The group's home page -----------------------------------------------------------------


def branch_stages(tops: list[Unit], batch: Batch | None) -> dict[int, list[tuple[str, int]]]:
    """How many branches under each assigned unit are in each stage:
    {top id: [(label, count), ...]} in the campaign's stage order, then those done with
    the campaign, then (when there are any) those not yet in it."""
    stages = list(Stage.objects.filter(batch=batch).order_by("number")) if batch else []
    rows = (
        Unit.objects.filter(under_any(tops), kind=UnitKind.BRANCH)
        .annotate(top=_top_key(tops, "path"), done=Q(completed_on__isnull=False))
        .values("top", "stage_id", "done")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        key = "done" if row["done"] else row["stage_id"]
        bucket = counts.setdefault(int(row["top"]), {})
        bucket[key] = bucket.get(key, 0) + row["count"]
    result = {}
    for top in tops:
        bucket = counts.get(top.pk, {})
        line = [(stage.name, bucket.get(stage.pk, 0)) for stage in stages]
        line.append((_("已完成"), bucket.get("done", 0)))
        # A branch in a stage of another campaign (or in none) hasn't started this one.
        known = {stage.pk for stage in stages} | {"done"}
        not_started = sum(n for key, n in bucket.items() if key not in known)
        if not_started:
            line.append((_("未开始"), not_started))
        result[top.pk] = line
    return result


def applications_awaiting_opinion(
    tops: list[Unit], today: datetime.date | None = None
) -> list[TransitionApplication]:
    """转段申请 submitted by branches under the group and not yet given its opinion,
    the longest waiting first; each with `waiting_days` and `top` (its assigned unit)."""
    today = today or timezone.localdate()
    applications = list(
        TransitionApplication.objects.filter(
            under_any(tops, "unit__path"),
            state=ApplicationState.SUBMITTED,
            group_agrees__isnull=True,
        )
        .select_related("unit", "from_stage")
        .order_by("submitted_at", "pk")
    )
    for application in applications:
        application.waiting_days = (today - timezone.localdate(application.submitted_at)).days
        application.top = top_of(tops, application.unit.path)
    return applications


def meetings_awaiting_evaluation(
    tops: list[Unit], today: datetime.date | None = None
) -> list[AnalysisMeeting]:
    """转段分析会 held by branches under the group that no member of it has evaluated yet
    (the branch can't submit until one has), the earliest first."""
    today = today or timezone.localdate()
    meetings = list(
        AnalysisMeeting.objects.filter(
            under_any(tops, "application__unit__path"),
            evaluated_at__isnull=True,
            application__state=ApplicationState.DRAFT,
        )
        .select_related("application__unit")
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        meeting.waiting_days = (today - meeting.held_on).days
        meeting.top = top_of(tops, meeting.application.unit.path)
    return meetings


def lagging_branches(
    tops: list[Unit], limit: int = LAGGING_BRANCHES
) -> list[tuple[int, str, Figures]]:
    """The units keeping members under the group with the lowest completion, then fewest
    hours: [(unit id, name, Figures)], one query for all of the group's units however
    many it is assigned (study.selectors.progress.lagging_under)."""
    return lagging_under(tops, limit)


def latest_inspections(
    group: SupervisionGroup, limit: int = LATEST_INSPECTIONS
) -> list[Inspection]:
    """The group's latest inspection records, newest first."""
    return list(
        Inspection.objects.filter(group=group)
        .select_related("unit", "recorded_by")
        .order_by("-inspected_on", "-pk")[:limit]
    )


def key_units_with_inspections(group: SupervisionGroup) -> QuerySet[KeyUnit]:
    """The group's 重点帮促 units, each with how many times the group inspected it."""
    inspected = (
        Inspection.objects.filter(group=group, unit=OuterRef("unit"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        group.key_units.select_related("unit", "chosen_by")
        .annotate(inspections=Coalesce(Subquery(inspected), 0))
        .order_by("chosen_at", "pk")
    )


def inspections_of(group: SupervisionGroup, unit: Unit | None = None) -> QuerySet[Inspection]:
    """The group's inspection records, newest first; under `unit`'s subtree when given."""
    records = Inspection.objects.filter(group=group).select_related("unit", "recorded_by")
    if unit is not None:
        records = records.filter(unit__path__startswith=unit.path)
    return records.order_by("-inspected_on", "-pk")

"""Progress rollups: the headline figures of many members (a branch, a unit's subtree, a
supervision group's units), one row per child or assigned unit lagging first, and the
members with their own figures.

"规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇" and the 40-hour completion rate
are the headline of every dashboard and briefing. Every figure is an aggregate over Member
LEFT JOIN MemberProgress (a member without a progress row has done nothing yet and counts
as such), so each read is a fixed number of queries whatever the size of the district:
`unit_rollup` four, `group_rollup` four, `lagging_branches` and `lagging_members` one.
A district's figures are sums over its units' stored sums (`UnitProgress`), so their cost
follows the number of units, not of members.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from campaign.models import Batch, Reading
from study.models import HOURS_FIELD, ReadingCoverage, UnitProgress
from units.models import Member, SupervisionGroup, Unit, UnitKind
from units.selectors import assigned_key, child_key, under_any

ZERO_HOURS = Decimal(0)

# The figures stored per unit (UnitProgress) that add up, by the names Figures gives them.
UNIT_FIGURES = [
    f.name for f in UnitProgress._meta.fields if f.name not in ("unit", "oldest_unreviewed")
]

TENTH = Decimal("0.1")


def member_aggregates() -> dict[str, Aggregate]:
    return {
        "members": Count("pk"),
        "complete": Count("pk", filter=Q(progress__is_complete=True)),
        # "党员参学不漏一人": not one hour of study on record.
        "no_participation": Count(
            "pk", filter=Q(progress__isnull=True) | Q(progress__total_hours=0)
        ),
        # "规定学习时间不缺一课": sessions missed and not yet made up.
        "makeups_owed": Sum("progress__makeups_owed"),
        "total_hours": Sum("progress__total_hours"),
        "concentrated_hours": Sum("progress__concentrated_hours"),
        "self_study_hours": Sum("progress__self_study_hours"),
        "notes": Sum("progress__notes"),
        "essays": Sum("progress__essays"),
        "long_essays": Sum("progress__long_essays"),
        # Members who owe no writing have met the rule without a row.
        "writing_done": Count(
            "pk",
            filter=Q(progress__writing_done=True)
            | Q(progress__isnull=True, can_write=False, is_leading_cadre=False),
        ),
    }


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part/whole in percent, to 0.1 (None when whole is zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The headline figures of a set of members (a branch, a subtree, a group)."""

    members: int = 0
    complete: int = 0
    no_participation: int = 0
    makeups_owed: int = 0
    total_hours: Decimal = ZERO_HOURS
    concentrated_hours: Decimal = ZERO_HOURS
    self_study_hours: Decimal = ZERO_HOURS
    notes: int = 0
    essays: int = 0
    long_essays: int = 0
    writing_done: int = 0
    # 必读科目不少一篇: branches in the set, and (branch, reading) pairs not yet covered.
    branches: int = 0
    readings_uncovered: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Figures":
        names = {f.name for f in fields(cls)}
        figures = cls(**{key: value for key, value in row.items() if key in names and value})
        # SQLite sums decimals as floats: 12.6 may come back as 12.600000000000001.
        for name in ("total_hours", "concentrated_hours", "self_study_hours"):
            setattr(figures, name, Decimal(getattr(figures, name)).quantize(TENTH))
        return figures

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def completion_rate(self) -> Decimal | None:
        """40学时达标率, in percent."""
        return percent(self.complete, self.members)

    @property
    def average_hours(self) -> Decimal | None:
        if not self.members:
            return None
        return (Decimal(self.total_hours) / self.members).quantize(TENTH, ROUND_HALF_UP)

    @property
    def concentrated_share(self) -> Decimal | None:
        """集中学习 as a percentage of all hours studied."""
        return percent(self.concentrated_hours, self.total_hours)

    def lagging_key(self) -> tuple[bool, Decimal | int, Decimal | int, int]:
        """Sort key: lowest completion first, then fewest hours; units without members last."""
        return (
            self.members == 0,
            self.completion_rate or 0,
            self.average_hours or 0,
            -self.makeups_owed,
        )


def _keeps_ledger() -> Q:
    """Units that hold sessions for members of their own: every branch, and a 党总支 that
    keeps members directly. Each of them owes every required reading."""
    return Q(kind=UnitKind.BRANCH) | Q(kind=UnitKind.GENERAL_BRANCH, study_progress__members__gt=0)


def unit_sums() -> dict[str, Aggregate]:
    """The Figures of the members of many units, summed from the units' stored sums
    (`UnitProgress`): one row per unit, however many members it keeps."""
    return {name: Sum(f"study_progress__{name}") for name in UNIT_FIGURES}


def _figures_by(
    key: Callable[[str], Case], units: list[Unit], batch: Batch | None
) -> defaultdict[str, Figures]:
    """Figures of the members under `units`, bucketed by `key(field)` (a function giving
    the bucket of a row from the unit path in `field`). Three grouped queries over the
    units of the subtrees and what is stored for each, whatever the number of members
    and sessions."""
    figures = defaultdict(Figures)
    rows = (
        Unit.objects.filter(under_any(units, "path"))
        .annotate(bucket=key("path"))
        .values("bucket")
        .annotate(**unit_sums(), branches=Count("pk", filter=_keeps_ledger()))
        .order_by()
    )
    for row in rows:
        figures[row["bucket"]] = Figures.from_row(row)
    if batch is None:
        return figures
    readings = Reading.objects.filter(batch=batch).count()
    covered = (
        ReadingCoverage.objects.filter(under_any(units, "unit__path"), batch=batch)
        .annotate(bucket=key("unit__path"))
        .values("bucket")
        .annotate(count=Sum("readings"))
        .order_by()
    )
    covered = {row["bucket"]: row["count"] for row in covered}
    for bucket, figure in figures.items():
        figure.readings_uncovered = figure.branches * readings - covered.get(bucket, 0)
    return figures


@dataclass
class Rollup:
    """A unit's (or a group's) headline and one row per child, lagging first."""

    figures: Figures
    rows: list[tuple[Unit, Figures]]
    direct: Figures | None = None  # members kept directly by a 党总支, beside its branches


def unit_rollup(unit: Unit, batch: Batch | None) -> Rollup:
    """The headline of `unit`'s subtree and a row per child unit (four queries; a branch,
    which has no units below it, reads its own sums: three)."""
    if unit.is_branch:
        return _branch_rollup(unit, batch)
    figures = _figures_by(lambda field: child_key(unit, field), [unit], batch)
    rows = [(child, figures.get(str(child.pk), Figures())) for child in unit.children.all()]
    rows.sort(key=lambda row: row[1].lagging_key())
    direct = figures.get("")
    total = sum(figures.values(), Figures())
    return Rollup(figures=total, rows=rows, direct=direct if direct and direct.members else None)


def _branch_rollup(unit: Unit, batch: Batch | None) -> Rollup:
    """A branch's figures are its own members' sums, stored on its row."""
    figures = Figures.from_row(
        UnitProgress.objects.filter(unit=unit).values(*UNIT_FIGURES).first() or {}
    )
    figures.branches = 1
    if batch is not None:
        readings = Reading.objects.filter(batch=batch).count()
        covered = ReadingCoverage.objects.filter(unit=unit, batch=batch).values_list(
            "readings", flat=True
        )
        figures.readings_uncovered = readings - (covered.first() or 0)
    return Rollup(figures=figures, rows=[], direct=figures if figures.members else None)


def group_rollup(group: SupervisionGroup, batch: Batch | None) -> Rollup:
    """The headline of a supervision group's units and a row per assigned unit. A unit
    assigned inside another assigned unit is already counted in it and gets no row."""
    assigned = list(group.units.order_by("path"))
    tops = [
        u for u in assigned if not any(o.pk != u.pk and u.path.startswith(o.path) for o in assigned)
    ]
    if not tops:
        return Rollup(figures=Figures(), rows=[])
    figures = _figures_by(lambda field: assigned_key(tops, field), tops, batch)
    rows = [(unit, figures.get(str(unit.pk), Figures())) for unit in tops]
    rows.sort(key=lambda row: row[1].lagging_key())
    return Rollup(figures=sum(figures.values(), Figures()), rows=rows)


def lagging_branches(unit: Unit, limit: int = 20) -> list[tuple[int, str, Figures]]:
    """The branches of `unit`'s subtree with the lowest completion, then fewest hours:
    [(branch id, name, Figures)], one query (a 党总支 keeping members directly shows here
    beside the branches)."""
    return lagging_under([unit], limit)


def lagging_under(tops: list[Unit], limit: int = 20) -> list[tuple[int, str, Figures]]:
    """The units keeping members under any of `tops`, lowest completion first, then
    fewest hours: one query over the units' stored sums, however many members."""
    as_float = FloatField()
    rows = (
        UnitProgress.objects.filter(under_any(tops, "unit__path"), members__gt=0)
        .annotate(
            rate=Cast("complete", as_float) / Cast("members", as_float),
            average=Cast("total_hours", as_float) / Cast("members", as_float),
        )
        .values("unit_id", "unit__name", *UNIT_FIGURES)
        .order_by("rate", "average", "unit__name", "unit_id")[:limit]
    )
    return [(row["unit_id"], row["unit__name"], Figures.from_row(row)) for row in rows]


def members_with_progress(members: QuerySet[Member]) -> QuerySet[Member]:
    """Members annotated with their own figures (zero without a progress row), the
    fewest hours first."""
    hours = DecimalField(**HOURS_FIELD)
    zero = Value(ZERO_HOURS, output_field=hours)
    return members.annotate(
        total_hours=Coalesce("progress__total_hours", zero, output_field=hours),
        concentrated_hours=Coalesce("progress__concentrated_hours", zero, output_field=hours),
        self_study_hours=Coalesce("progress__self_study_hours", zero, output_field=hours),
        sessions_attended=Coalesce("progress__sessions_attended", 0),
        makeups_owed=Coalesce("progress__makeups_owed", 0),
        notes=Coalesce("progress__notes", 0),
        essays=Coalesce("progress__essays", 0),
        long_essays=Coalesce("progress__long_essays", 0),
        is_complete=Coalesce("progress__is_complete", Value(False), output_field=BooleanField()),
        writing_done=Coalesce(
            "progress__writing_done",
            Q(can_write=False, is_leading_cadre=False),
            output_field=BooleanField(),
        ),
    ).order_by("total_hours", "concentrated_hours", "name", "pk")


def lagging_members(unit: Unit, limit: int = 20) -> QuerySet[Member]:
    """The members of `unit`'s subtree with the fewest hours, in one query that walks the
    stored progress in order of hours (an index) rather than sorting every member of the
    district: every member has a progress row from the moment the roster adds them."""
    return (
        Member.objects.under(unit)
        .filter(progress__isnull=False)
        .select_related("unit")
        .annotate(
            total_hours=F("progress__total_hours"),
            concentrated_hours=F("progress__concentrated_hours"),
            makeups_owed=F("progress__makeups_owed"),
        )
        .order_by("progress__total_hours", "progress__concentrated_hours", "name", "pk")[:limit]
    )

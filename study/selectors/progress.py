"""Progress rollups: the headline figures of many members (a branch, a unit's subtree, a
supervision group's units), one row per child or assigned unit lagging first, and the
members with their own figures.

"规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇" and the 40-hour completion rate
are the headline of every dashboard and briefing. Every figure is an aggregate over Member
LEFT JOIN MemberProgress (a member without a progress row has done nothing yet and counts
as such), so each read is a fixed number of queries whatever the size of the district:
`unit_rollup` four, `group_rollup` four, `lagging_branches` and `lagging_members` one.
Those sums are stored: each unit's own members' (`UnitProgress`) and its whole subtree's
(`SubtreeProgress`, `SubtreeCoverage`), so a 党委's or the district's headline is one row
and its table one row a child: the cost follows what the page shows, not the district.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DecimalField,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from campaign.models import Batch, Reading
from study.models import (
    HOURS_FIELD,
    ProgressSums,
    ReadingCoverage,
    SubtreeCoverage,
    SubtreeProgress,
    UnitProgress,
)
from units.models import Member, SupervisionGroup, Unit
from units.selectors import under_any

ZERO_HOURS = Decimal(0)

# The figures stored per unit (UnitProgress) that add up, by the names Figures gives them.
UNIT_FIGURES = [f.name for f in UnitProgress._meta.fields if f.name != "unit"]

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
        figures = cls(**{key: value for key, value in row.items() if key in FIGURE_NAMES and value})
        for name in HOURS_NAMES:
            value = getattr(figures, name)
            # SQLite sums decimals as floats: 12.6 may come back as 12.600000000000001.
            if not isinstance(value, Decimal):
                setattr(figures, name, Decimal(value).quantize(TENTH))
        return figures

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def __sub__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
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


def reading_count(batch: Batch) -> int:
    """The batch's 必读科目: read with the batch by `Batch.objects.current()`, else
    counted now."""
    count = getattr(batch, "reading_count", None)
    return Reading.objects.filter(batch=batch).count() if count is None else count


FIGURE_NAMES = frozenset(f.name for f in fields(Figures))
HOURS_NAMES = ("total_hours", "concentrated_hours", "self_study_hours")
# The stored figures in the order of Figures' fields, so that a row read is Figures(*row).
STORED_ORDER = [f.name for f in fields(Figures) if f.name in UNIT_FIGURES]
_BRANCHES = STORED_ORDER.index("branches")


def _subtree_values(units: Q, batch: Batch | None) -> dict[int, list]:
    """{unit id: its subtree's figures in Figures' order, readings uncovered last} for the
    units matching `units` (a condition on SubtreeProgress's unit), in the units' order,
    read off their stored subtree sums: two queries with the coverage (three for a batch
    not read by `Batch.objects.current()`), however many units and members lie below
    them."""
    values = {
        pk: [*row, 0]
        for pk, *row in SubtreeProgress.objects.filter(units)
        .order_by("unit__path")
        .values_list("unit_id", *STORED_ORDER)
    }
    if batch is None:
        return values
    readings = reading_count(batch)
    covered = dict(
        SubtreeCoverage.objects.filter(units, batch=batch).values_list("unit_id", "readings")
    )
    for pk, row in values.items():
        row[-1] = row[_BRANCHES] * readings - covered.get(pk, 0)
    return values


# Figures.lagging_key, as the database ranks a unit's children by their stored subtree
# sums (SubtreeProgress keeps the rate and the average in the tenths the pages show); the
# index `subtree_progress_lagging` holds each unit's children in this order.
LAGGING_ORDER = [
    "subtree_progress__no_members",
    "subtree_progress__rate_tenths",
    "subtree_progress__average_tenths",
    "-subtree_progress__makeups_owed",
    "subtree_progress__unit_id",
]


def _stored_figures(progress: ProgressSums | None, uncovered: int = 0) -> Figures:
    if progress is None:
        return Figures(readings_uncovered=uncovered)
    return Figures(*(getattr(progress, name) for name in STORED_ORDER), uncovered)


class ChildRows(Sequence):
    """A unit's children as (unit, Figures of its subtree) rows, lagging first, ranked by
    the database: a slice asked for (a page, a chart's lowest bars) costs two queries,
    whatever the number of children, and a row asked for twice is read once."""

    def __init__(self, unit: Unit, batch: Batch | None, readings: int):
        self._unit = unit
        self._batch = batch
        self._readings = readings
        self._count: int | None = None
        self._rows: dict[int, tuple[Unit, Figures]] = {}

    def __len__(self) -> int:
        if self._count is None:
            self._count = Unit.objects.filter(parent=self._unit).count()
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            positions = range(*index.indices(len(self)))
            self._load(positions)
            return [self._rows[i] for i in positions if i in self._rows]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        self._load(range(position, position + 1))
        return self._rows[position]

    def __iter__(self):
        return iter(self[:])

    def _load(self, positions: range) -> None:
        missing = [i for i in positions if i not in self._rows]
        if not missing:
            return
        first, last = missing[0], missing[-1] + 1
        # Through the subtree rows' parent, not the units': then the page is a range of
        # the index, whatever the number of children.
        units = list(
            Unit.objects.filter(subtree_progress__parent=self._unit)
            .select_related("subtree_progress")
            .order_by(*LAGGING_ORDER)[first:last]
        )
        covered = {}
        if self._batch is not None:
            covered = dict(
                SubtreeCoverage.objects.filter(
                    unit__in=[unit.pk for unit in units], batch=self._batch
                ).values_list("unit_id", "readings")
            )
        for offset, unit in enumerate(units):
            progress = getattr(unit, "subtree_progress", None)
            branches = progress.branches if progress else 0
            uncovered = branches * self._readings - covered.get(unit.pk, 0)
            self._rows[first + offset] = (unit, _stored_figures(progress, uncovered))


@dataclass
class Rollup:
    """A unit's (or a group's) headline and one row per child, lagging first."""

    figures: Figures
    rows: Sequence[tuple[Unit, Figures]]
    direct: Figures | None = None  # members kept directly by a 党总支, beside its branches


def unit_rollup(
    unit: Unit, batch: Batch | None, *, readings: Sequence[Reading] | None = None
) -> Rollup:
    """The headline of `unit`'s subtree, what it keeps directly, and its children's rows
    lagging first: one query (the unit's stored sums, its own and its subtree's; the
    batch's readings come with `Batch.objects.current()`), then per slice of rows shown
    two more and one to count them — the same for a 党委 of 10 units and one of 2,000 (a
    branch, which has no units below it, reads its own sums: two, or one given its
    `readings_with_coverage`)."""
    if unit.is_branch:
        return _branch_rollup(unit, batch, readings)
    readings = reading_count(batch) if batch is not None else 0
    stored = Unit.objects.filter(pk=unit.pk).select_related("subtree_progress", "study_progress")
    if batch is not None:
        stored = stored.annotate(
            covered_below=Subquery(
                SubtreeCoverage.objects.filter(unit=OuterRef("pk"), batch=batch).values("readings")
            ),
            covered_own=Subquery(
                ReadingCoverage.objects.filter(unit=OuterRef("pk"), batch=batch).values("readings")
            ),
        )
    row = stored.first()
    below = getattr(row, "subtree_progress", None)
    own = getattr(row, "study_progress", None)
    total = _stored_figures(
        below,
        (below.branches if below else 0) * readings - (getattr(row, "covered_below", 0) or 0),
    )
    direct = _stored_figures(
        own, (own.branches if own else 0) * readings - (getattr(row, "covered_own", 0) or 0)
    )
    return Rollup(
        figures=total,
        rows=ChildRows(unit, batch, readings),
        direct=direct if direct.members else None,
    )


def _branch_rollup(unit: Unit, batch: Batch | None, readings: Sequence[Reading] | None) -> Rollup:
    """A branch's figures are its own members' sums, stored on its row; the readings its
    sessions haven't covered are counted off `readings` when the page has them (the
    stored coverage equals that count: tests/study/test_rollups.py)."""
    figures = Figures.from_row(
        UnitProgress.objects.filter(unit=unit).values(*UNIT_FIGURES).first() or {}
    )
    figures.branches = 1
    if readings is not None:
        figures.readings_uncovered = sum(1 for reading in readings if not reading.covered)
    elif batch is not None:
        readings = reading_count(batch)
        covered = ReadingCoverage.objects.filter(unit=unit, batch=batch).values_list(
            "readings", flat=True
        )
        figures.readings_uncovered = readings - (covered.first() or 0)
    return Rollup(figures=figures, rows=[], direct=figures if figures.members else None)


def group_rollup(group: SupervisionGroup, batch: Batch | None) -> Rollup:
    """The headline of a supervision group's units and a row per assigned unit (three
    queries). A unit assigned inside another assigned unit is already counted in it and
    gets no row."""
    assigned = list(group.units.order_by("path"))
    tops = [
        u for u in assigned if not any(o.pk != u.pk and u.path.startswith(o.path) for o in assigned)
    ]
    if not tops:
        return Rollup(figures=Figures(), rows=[])
    values = _subtree_values(Q(unit__in=[unit.pk for unit in tops]), batch)
    rows = [(unit, Figures(*values[unit.pk]) if unit.pk in values else Figures()) for unit in tops]
    rows.sort(key=lambda row: row[1].lagging_key())
    return Rollup(figures=sum((figure for _unit, figure in rows), Figures()), rows=rows)


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

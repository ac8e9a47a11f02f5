"""Reads for the dashboards: where the campaign stands in a unit's subtree or a supervision
group's units.

Every figure is a database aggregate; each function is a fixed number of queries whatever
the size of the district, so a dashboard page costs the same for a branch and for the
whole 区委 (the query budget each function states). The study figures come from
study.selectors.progress (the same numbers the progress pages and the briefings show);
this module adds the other ledgers over the same area.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import Batch, Stage
from ledgers.models import SubtreeOpenProblems, SubtreePracticeDay
from ledgers.selectors.practice import FUNDS_FIELD, ZERO
from study.selectors.progress import Figures, Rollup, group_rollup, unit_rollup
from supervision.models import ApplicationState, TransitionApplication
from supervision.selectors.groups import group_top_units
from supervision.selectors.groups import lagging_branches as lagging_in
from units.models import SupervisionGroup, Unit, UnitKind
from units.selectors import under_any

LAGGING_LIMIT = 10
DAYS_IN_WEEK = 7


@dataclass(frozen=True)
class Area:
    """What a dashboard covers: the subtrees of `tops` — one unit's, or the units
    assigned to a supervision group."""

    name: str
    tops: list[Unit]
    unit: Unit | None = None
    group: SupervisionGroup | None = None

    @property
    def is_branch(self) -> bool:
        return self.unit is not None and self.unit.is_branch


def unit_area(unit: Unit) -> Area:
    return Area(name=unit.name, tops=[unit], unit=unit)


def group_area(group: SupervisionGroup) -> Area:
    """A group's area (one query for its assigned units)."""
    return Area(name=group.name, tops=group_top_units(group), group=group)


def _in_area(area: Area, field: str = "path") -> Q:
    return under_any(area.tops, field)


# The headline ---------------------------------------------------------------------------


@dataclass
class Practice:
    """二三五 activity figures: 户, 万元, 人次, 件次."""

    activities: int = 0
    households: int = 0
    funds: Decimal = ZERO
    person_times: int = 0
    deeds: int = 0


@dataclass
class Headline:
    figures: Figures
    stages: list  # [StageCount]: the campaign's stages, 已完成, and 未开始 if any
    waiting: int  # 转段申请 submitted and not yet decided
    oldest_wait_days: int | None
    rectification_open: int
    rectification_overdue: int
    practice: Practice = field(default_factory=Practice)

    @property
    def branches_in_batch(self) -> int:
        """Branches in one of the campaign's stages or done with it (not 未开始)."""
        return sum(stage.count for stage in self.stages if stage.key != NOT_STARTED)


DONE, NOT_STARTED = "done", "not_started"


@dataclass(frozen=True)
class StageCount:
    key: object  # the stage's number, DONE or NOT_STARTED
    label: str
    count: int


def rollup_of(area: Area, batch: Batch | None) -> Rollup:
    """The study figures of the area and one row per child (or assigned) unit, lagging
    first (study.selectors; five or six queries)."""
    if area.group is not None:
        return group_rollup(area.group, batch)
    return unit_rollup(area.unit, batch)


def batch_stages(batch: Batch | None) -> list[Stage]:
    if batch is None:
        return []
    return list(Stage.objects.filter(batch=batch).order_by("number"))


def branches_per_stage(area: Area, stages: list[Stage]) -> list[StageCount]:
    """[StageCount] in the campaign's stage order, then 已完成, then 未开始 when any
    branch is in no stage of this campaign: one grouped query."""
    rows = (
        Unit.objects.filter(_in_area(area), kind=UnitKind.BRANCH)
        .annotate(done=Q(completed_on__isnull=False))
        .values("stage_id", "done")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        key = DONE if row["done"] else row["stage_id"]
        counts[key] = counts.get(key, 0) + row["count"]
    line = [StageCount(stage.number, stage.name, counts.pop(stage.pk, 0)) for stage in stages]
    line.append(StageCount(DONE, _("已完成"), counts.pop(DONE, 0)))
    # A branch in a stage of another campaign (or in none) hasn't started this one.
    not_started = sum(counts.values())
    if not_started:
        line.append(StageCount(NOT_STARTED, _("未开始"), not_started))
    return line


def applications_waiting(
    area: Area, batch: Batch | None, today: datetime.date | None = None
) -> tuple[int, int | None]:
    """(how many 转段申请 are submitted and not yet decided, days the oldest has waited):
    one query."""
    today = today or timezone.localdate()
    row = TransitionApplication.objects.filter(
        _in_area(area, "unit__path"),
        state=ApplicationState.SUBMITTED,
        from_stage__batch=batch,
    ).aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    oldest = row["oldest"]
    days = (today - timezone.localdate(oldest)).days if oldest else None
    return row["count"], days


def open_problems(unit_ids: Iterable[int], today: datetime.date | None = None) -> dict:
    """{unit id: (open, overdue)}: the 边学边改 problems still open in each unit's subtree,
    and of them those past their deadline — one query over the units' stored sums by
    deadline (ledgers.models.sums), however many units and problems lie below."""
    today = today or timezone.localdate()
    return {
        row["unit_id"]: (row["open"] or 0, row["overdue"] or 0)
        for row in SubtreeOpenProblems.objects.filter(unit__in=list(unit_ids))
        .values("unit_id")
        .annotate(open=Sum("items"), overdue=Sum("items", filter=Q(deadline__lt=today)))
        .order_by()
    }


def rectification_counts(area: Area, today: datetime.date | None = None) -> tuple[int, int]:
    """(open, overdue) problems of the 边学边改 ledger in the area: one query."""
    counts = open_problems([unit.pk for unit in area.tops], today).values()
    return sum(open_ for open_, _ in counts), sum(overdue for _, overdue in counts)


def practice_totals(area: Area, batch: Batch | None) -> Practice:
    """The area's 二三五 figures during the campaign: one query over the stored sums of
    its units' days (ledgers.models.sums), however many units and activities."""
    days = SubtreePracticeDay.objects.filter(unit__in=[unit.pk for unit in area.tops])
    if batch is not None:
        days = days.filter(held_on__range=(batch.starts_on, batch.ends_on))
    row = days.aggregate(
        activities=Coalesce(Sum("activities"), 0),
        households=Coalesce(Sum("households"), 0),
        funds=Coalesce(Sum("funds"), ZERO, output_field=FUNDS_FIELD),
        person_times=Coalesce(Sum("person_times"), 0),
        deeds=Coalesce(Sum("deeds"), 0),
    )
    # SQLite sums decimals as floats; funds are kept to 0.01 万元.
    row["funds"] = Decimal(str(row["funds"])).quantize(Decimal("0.01"))
    return Practice(**row)


def dashboard_headline(
    area: Area,
    batch: Batch | None,
    *,
    figures: Figures,
    stages: list[Stage],
    today: datetime.date | None = None,
) -> Headline:
    """The headline of the area, given its study `figures` and the campaign's `stages`
    (already read for the rest of the page): four queries."""
    waiting, oldest = applications_waiting(area, batch, today)
    rectification_open, rectification_overdue = rectification_counts(area, today)
    return Headline(
        figures=figures,
        stages=branches_per_stage(area, stages),
        waiting=waiting,
        oldest_wait_days=oldest,
        rectification_open=rectification_open,
        rectification_overdue=rectification_overdue,
        practice=practice_totals(area, batch),
    )


# The units table ------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    figures: Figures
    rectification_open: int = 0
    rectification_overdue: int = 0


class UnitRows(Sequence):
    """The rollup's rows as UnitRows, each made when a page or a chart asks for it, with
    its unit's open problems (one query per slice asked)."""

    def __init__(self, rows: Sequence[tuple[Unit, Figures]], today: datetime.date | None):
        self._rows = rows
        self._today = today
        self._problems: dict[int, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._made(self._rows[index])
        return self._made([self._rows[index]])[0]

    def __iter__(self):
        return iter(self._made(list(self._rows)))

    def _made(self, rows: list[tuple[Unit, Figures]]) -> list[UnitRow]:
        missing = [unit.pk for unit, _figures in rows if unit.pk not in self._problems]
        if missing:
            self._problems |= dict.fromkeys(missing, (0, 0))
            self._problems |= open_problems(missing, self._today)
        return [
            UnitRow(
                unit=unit,
                figures=figures,
                rectification_open=self._problems[unit.pk][0],
                rectification_overdue=self._problems[unit.pk][1],
            )
            for unit, figures in rows
        ]


def unit_rows(area: Area, rollup: Rollup, today: datetime.date | None = None) -> UnitRows:
    """The rollup's rows, each with its unit's open and overdue problems (read for the
    rows shown)."""
    return UnitRows(rollup.rows, today)


@dataclass(frozen=True)
class Column:
    """A column of the units table: its header, the value it shows, how it is shown
    ("text", "count", "hours" or "percent") and the direction of its first sort — the
    direction that puts the units needing attention on top."""

    key: str
    label: str
    kind: str
    first: str
    attribute: str

    def value(self, row: UnitRow) -> object:
        if self.attribute == "name":
            return row.unit.name
        if self.attribute.startswith("rectification_"):
            return getattr(row, self.attribute)
        return getattr(row.figures, self.attribute)


ASC, DESC = "asc", "desc"
COLUMNS = [
    Column("name", gettext_lazy("党组织"), "text", ASC, "name"),
    Column("members", gettext_lazy("党员"), "count", DESC, "members"),
    Column("completion", gettext_lazy("40学时达标率"), "percent", ASC, "completion_rate"),
    Column("average", gettext_lazy("人均学时"), "hours", ASC, "average_hours"),
    Column("concentrated", gettext_lazy("集中学习占比"), "percent", ASC, "concentrated_share"),
    Column("makeups", gettext_lazy("缺课未补"), "count", DESC, "makeups_owed"),
    Column("absent", gettext_lazy("未参学党员"), "count", DESC, "no_participation"),
    Column("readings", gettext_lazy("必读科目未学"), "count", DESC, "readings_uncovered"),
    Column("essays", gettext_lazy("心得体会"), "count", ASC, "essays"),
    Column("long_essays", gettext_lazy("3000字以上"), "count", ASC, "long_essays"),
    Column("open", gettext_lazy("整改未完成"), "count", DESC, "rectification_open"),
    Column("overdue", gettext_lazy("整改逾期"), "count", DESC, "rectification_overdue"),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def sort_rows(
    rows: Sequence[UnitRow], sort: str = "", direction: str = ""
) -> tuple[Sequence[UnitRow], str, str]:
    """`rows` (lagging first) sorted by the column `sort` in `direction` ("asc"/"desc";
    the column's own first direction when not given). Units with no figure for the column
    (a rate without members) go last either way; ties keep the lagging order. An unknown
    column leaves the lagging order. Returns (rows, column key or "", direction)."""
    column = COLUMNS_BY_KEY.get(sort)
    if column is None:
        # Already lagging first: a page of them is built without making the others.
        return rows, "", ""
    if direction not in (ASC, DESC):
        direction = column.first
    known = [row for row in rows if column.value(row) is not None]
    unknown = [row for row in rows if column.value(row) is None]
    known.sort(key=column.value, reverse=direction == DESC)
    return known + unknown, column.key, direction


def lagging_units(area: Area, limit: int = LAGGING_LIMIT) -> list[tuple[int, str, Figures]]:
    """发展不平衡: the units keeping members with the lowest completion, then fewest hours:
    [(unit id, name, Figures)], one query."""
    return lagging_in(area.tops, limit)


# Stages over time -----------------------------------------------------------------------


@dataclass
class StagesOverTime:
    labels: list  # the campaign's stages, then 已完成
    weeks: list  # [(week number, last day, [branches per label])]


def stages_over_time(
    area: Area,
    batch: Batch | None,
    stages: list[Stage],
    *,
    branches: int,
    today: datetime.date | None = None,
) -> StagesOverTime:
    """Branches per stage at the end of each week of the campaign so far, from the office's
    approvals of 转段 (their `transition_date`) — one grouped query.

    Every branch of the campaign (`branches`) is taken to start in the first stage on the
    campaign's first day; an approval out of stage k moves one branch on to k+1 (out of the
    last stage: 已完成). A branch has one approved round per stage: the office approves only
    a branch still in the stage it applied from.
    """
    if batch is None or not stages:
        return StagesOverTime(labels=[], weeks=[])
    today = today or timezone.localdate()
    labels = [stage.name for stage in stages] + [_("已完成")]
    last_day = min(today, batch.ends_on)
    if last_day < batch.starts_on:
        return StagesOverTime(labels=labels, weeks=[])
    approvals = (
        TransitionApplication.objects.filter(
            _in_area(area, "unit__path"),
            unit__kind=UnitKind.BRANCH,
            state=ApplicationState.APPROVED,
            from_stage__batch=batch,
            transition_date__isnull=False,
        )
        .values("from_stage__number", "transition_date")
        .annotate(count=Count("pk"))
        .order_by()
    )
    numbers = [stage.number for stage in stages]
    moved = [(numbers.index(row["from_stage__number"]), row) for row in approvals]
    weeks = []
    days = (last_day - batch.starts_on).days + 1
    for week in range(1, -(-days // DAYS_IN_WEEK) + 1):
        end = min(batch.starts_on + datetime.timedelta(days=week * DAYS_IN_WEEK - 1), last_day)
        # left[i]: branches that have left stage i by the end of the week.
        left = [0] * len(stages)
        for index, row in moved:
            if row["transition_date"] <= end:
                left[index] += row["count"]
        counts = [branches - left[0]]
        counts += [left[i - 1] - left[i] for i in range(1, len(stages))]
        counts.append(left[-1])
        weeks.append((week, end, counts))
    return StagesOverTime(labels=labels, weeks=weeks)

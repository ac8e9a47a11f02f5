"""Reads of the 二三五 practice ledgers: the activity figures of a unit's subtree and of
the units below it, who has filed a plan, and those figures written as the speech writes
them.

The database reads are one query each however many activities or units there are
(`practice_summary` one more for last year's figures). `practice_sentences` and the
number formatters are pure functions of a `PracticeSummary`, so that the pages and the PDF
briefings say exactly the same thing.

The wording rules (tested in tests/ledgers/test_practice_sentences.py):

- counts of households are exact: "1267户";
- 人次 and 件(次) of ten or more that are not a round ten are floored to the ten and say
  余: 1247 → "1240余人次"; 1240 → "1240人次"; below ten exact: "8人次";
- funds of 10 万元 or more are floored to the ten and say 多 when something is left over:
  153.6 → "150多万元", 150 → "150万元"; below 10 万元 the exact figure: "8.5万元";
- percentages are rounded half up to 0.1 and lose a trailing ".0": "10%", "25.8%";
- a change against last year says "比上年增长X%", "比上年减少X%", or "与上年持平" when it
  rounds to zero; without last year's figure (no baseline, or it was zero) nothing is said;
- the share "占全区总户数的X%" needs the district's household count; without it (unknown or
  zero) it is left out;
- a figure that is zero is left out with everything said about it.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Field,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from campaign.models import Batch
from ledgers.models import PracticeActivity, PracticeBaseline, SubtreePlansFiled
from units.models import SubtreeStanding, Unit, UnitKind

ZERO = Decimal("0")
TEN = Decimal("10")
FUNDS_FIELD = DecimalField(max_digits=14, decimal_places=2)

# The figures last year's baseline holds, in the order the speech reports them.
COMPARED = ("households", "funds", "person_times", "deeds")


@dataclass(frozen=True)
class LastYear:
    year: int
    households: int = 0
    funds: Decimal = ZERO
    person_times: int = 0
    deeds: int = 0


@dataclass(frozen=True)
class PracticeSummary:
    """The totals of a unit's subtree, and for the district last year's figures."""

    activities: int = 0
    households: int = 0
    poor_households: int = 0
    funds: Decimal = ZERO
    person_times: int = 0
    deeds: int = 0
    last_year: LastYear | None = None

    def change(self, name: str) -> Decimal | None:
        """Percent change of figure `name` against last year, rounded to 0.1, or None when
        there is nothing to compare with."""
        if self.last_year is None:
            return None
        before = Decimal(getattr(self.last_year, name))
        if before <= 0:
            return None
        now = Decimal(getattr(self, name))
        return _round_percent((now - before) * 100 / before)


def _round_percent(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_percent(value: Decimal) -> str:
    """Decimal("25.80") → "25.8", Decimal("10.0") → "10"."""
    text = f"{_round_percent(value):f}"
    return text.removesuffix(".0")


def format_about(count: int) -> str:
    """1247 → "1240余", 1240 → "1240", 8 → "8" (for 人次 and 件(次))."""
    if count >= 10 and count % 10:
        return f"{count // 10 * 10}余"
    return str(count)


def format_funds(funds: Decimal) -> str:
    """153.6 → "150多万元", 150 → "150万元", 8.50 → "8.5万元" (funds in 万元)."""
    funds = Decimal(funds)
    if funds >= TEN:
        floored = (funds / TEN).to_integral_value(rounding=ROUND_DOWN) * TEN
        return f"{floored:f}{'多' if funds > floored else ''}万元"
    text = f"{funds.normalize():f}"
    return f"{text}万元"


def format_change(change: Decimal | None) -> str | None:
    if change is None:
        return None
    if change > 0:
        return f"比上年增长{format_percent(change)}%"
    if change < 0:
        return f"比上年减少{format_percent(-change)}%"
    return "与上年持平"


def practice_sentences(
    summary: PracticeSummary, *, households_total: int | None = None
) -> list[str]:
    """The summary as the speech writes it: a list of sentences without final punctuation
    (the caller joins them with ";" and ends with "。"), empty when nothing was done.

    `households_total` is the district's household count (`Unit.households` of the root),
    for "占全区总户数的X%"; pass None for a unit below the district.
    """
    sentences = []
    first = []
    if summary.households:
        households = f"帮扶和走访慰问困难群众{summary.households}户"
        if summary.poor_households:
            households += f"(其中贫困户{summary.poor_households}户)"
        first.append(households)
        if households_total:
            share = Decimal(summary.households) * 100 / Decimal(households_total)
            first.append(f"占全区总户数的{format_percent(share)}%")
        first.append(format_change(summary.change("households")))
    if summary.funds:
        first.append(f"投入资金{format_funds(summary.funds)}")
        first.append(format_change(summary.change("funds")))
    if first:
        sentences.append(",".join(part for part in first if part))
    for name, template in (
        ("person_times", "开展干群连心活动{}人次"),
        ("deeds", "为民办实事{}件(次)"),
    ):
        count = getattr(summary, name)
        if count:
            parts = [template.format(format_about(count)), format_change(summary.change(name))]
            sentences.append(",".join(part for part in parts if part))
    return sentences


# Database reads ------------------------------------------------------------------------


def activities_in(batch: Batch | None) -> QuerySet[PracticeActivity]:
    """The activities of a batch: those held between its first and last day (all without one)."""
    activities = PracticeActivity.objects.all()
    if batch is not None:
        activities = activities.filter(held_on__range=(batch.starts_on, batch.ends_on))
    return activities


def activities_under(unit: Unit, *, batch: Batch | None) -> QuerySet[PracticeActivity]:
    return activities_in(batch).filter(unit__path__startswith=unit.path)


def practice_summary(unit: Unit, *, batch: Batch | None) -> PracticeSummary:
    """The totals of `unit`'s subtree in one query, and for the district's root last
    year's figures (one more query)."""
    totals = activities_under(unit, batch=batch).aggregate(
        activities=Count("pk"),
        households=Coalesce(Sum("households"), 0),
        poor_households=Coalesce(Sum("poor_households"), 0),
        funds=Coalesce(Sum("funds"), ZERO, output_field=FUNDS_FIELD),
        person_times=Coalesce(Sum("person_times"), 0),
        deeds=Coalesce(Sum("deeds"), 0),
    )
    last_year = None
    # The baseline is the district's; set against a committee's share it would mislead.
    if batch is not None and unit.kind == UnitKind.DISTRICT:
        row = PracticeBaseline.objects.filter(batch=batch).values("year", *COMPARED).first()
        if row is not None:
            last_year = LastYear(**row)
    totals["funds"] = Decimal(totals["funds"])
    return PracticeSummary(**totals, last_year=last_year)


class _SumBelow(Subquery):
    """SUM(field) of the activities under the outer unit, as one correlated subquery."""

    def __init__(
        self, activities: QuerySet[PracticeActivity], field: str, output_field: Field
    ) -> None:
        rows = (
            activities.filter(unit__path__startswith=OuterRef("path"))
            .order_by()
            .values(total=Func(F(field), function="SUM"))
        )
        super().__init__(rows, output_field=output_field)


def practice_children(unit: Unit, *, batch: Batch | None) -> QuerySet[Unit]:
    """The units directly under `unit`, each with the totals of its own subtree, in one
    query: so the office sees which 党委 has logged nothing."""
    activities = activities_in(batch)
    integer = IntegerField()
    count = (
        activities.filter(unit__path__startswith=OuterRef("path"))
        .order_by()
        .values(total=Func(F("pk"), function="COUNT"))
    )
    return unit.children.order_by("pk").annotate(
        activity_total=Coalesce(Subquery(count, output_field=integer), 0),
        households_total=Coalesce(_SumBelow(activities, "households", integer), 0),
        funds_total=Coalesce(_SumBelow(activities, "funds", FUNDS_FIELD), ZERO),
        person_times_total=Coalesce(_SumBelow(activities, "person_times", integer), 0),
        deeds_total=Coalesce(_SumBelow(activities, "deeds", integer), 0),
    )


# Plans ---------------------------------------------------------------------------------

PLAN_MISSING, PLAN_LATE, PLAN_ON_TIME = 0, 1, 2


def units_expected_to_file(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """ "各单位、各级党组织要……制定出本单位如何开展的计划": every party organisation below
    the 区委 files one (党委/党组/工委, 党总支, 党支部)."""
    return units.exclude(kind=UnitKind.DISTRICT)


def plan_status_rows(units: QuerySet[Unit], *, batch: Batch) -> QuerySet[Unit]:
    """Each unit expected to file, with its plan's state, not filed first, then filed late,
    then on time — in one query."""
    rows = units_expected_to_file(units).annotate(
        plan=FilteredRelation("practice_plans", condition=Q(practice_plans__batch=batch)),
    )
    return rows.annotate(
        plan_pk=F("plan__pk"),
        plan_submitted_at=F("plan__submitted_at"),
        plan_is_late=F("plan__is_late"),
        plan_status=Case(
            When(plan__pk__isnull=True, then=Value(PLAN_MISSING)),
            When(plan__is_late=True, then=Value(PLAN_LATE)),
            default=Value(PLAN_ON_TIME),
        ),
    ).order_by("plan_status", "path")


def plan_status_counts(units: QuerySet[Unit], *, batch: Batch) -> dict[str, int]:
    """{"expected", "filed", "late", "missing"} for the units, in one query."""
    rows = units_expected_to_file(units).annotate(
        plan=FilteredRelation("practice_plans", condition=Q(practice_plans__batch=batch)),
    )
    counts = rows.aggregate(
        expected=Count("pk"),
        filed=Count("plan__pk"),
        late=Count("plan__pk", filter=Q(plan__is_late=True)),
    )
    counts["missing"] = counts["expected"] - counts["filed"]
    return counts


def plan_status_totals(tops: QuerySet[Unit], *, batch: Batch) -> dict[str, int]:
    """plan_status_counts of the units in the subtrees of `tops` (the district's root, for
    the office's to-do), in one query whatever their number: read off the tops' stored
    rows — the organisations by kind (SubtreeStanding) and the plans filed
    (SubtreePlansFiled) — instead of joining every unit to its plan (5 ms of the database
    at 14,451 units)."""
    expected = (
        SubtreeStanding.objects.filter(unit=OuterRef("pk"))
        .exclude(kind=UnitKind.DISTRICT)
        .values("unit")
        .annotate(n=Sum("units"))
        .values("n")
    )
    filed = SubtreePlansFiled.objects.filter(unit=OuterRef("pk"), batch=batch)
    rows = tops.order_by().values_list(
        Subquery(expected, output_field=IntegerField()),
        Subquery(filed.values("plans"), output_field=IntegerField()),
        Subquery(filed.values("late"), output_field=IntegerField()),
    )
    counts = {"expected": 0, "filed": 0, "late": 0}
    for row in rows:
        for name, value in zip(counts, row, strict=True):
            counts[name] += value or 0
    counts["missing"] = counts["expected"] - counts["filed"]
    return counts

"""Reads of the 边学边查边改 ledger and of the public satisfaction survey (群众满意度测评).

Every figure is a database aggregate over a unit's subtree (materialized-path prefix), so
each function is a fixed number of queries (one, unless it says otherwise) however many
items, units or answers there are. The 转段 self-check and the briefings read
`open_rectification_count`, `overdue_q` and `OPEN_STATUSES`; the secretary's to-dos read
`pending_opinion_count`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from ledgers.models import (
    OpinionStatus,
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationStatus,
    SurveyOpinion,
    SurveyResponse,
)
from ledgers.services.rectification import (
    SATISFIED_RATINGS,
    SURVEY_QUESTIONS,
    SURVEY_RATINGS,
    TRACKED_FIELDS,
    open_items_by_key,
)
from study.selectors.progress import percent
from units.models import Unit

# 待整改 and 整改中 are still to be dealt with; 一时还解决不了 has been explained to the
# public and is counted on its own, not as overdue.
OPEN_STATUSES = (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """Deadline passed (before today: an item due today is not late yet) and not dealt with."""
    return Q(**{f"{prefix}deadline__lt": _today(today), f"{prefix}status__in": OPEN_STATUSES})


def is_overdue(item: RectificationItem, today: datetime.date | None = None) -> bool:
    """The same rule as `overdue_q`, for one item already loaded."""
    return (
        item.deadline is not None and item.deadline < _today(today) and item.status in OPEN_STATUSES
    )


def items_of_subtree(unit: Unit) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(unit__path__startswith=unit.path)


def rectification_items(
    unit: Unit,
    *,
    today: datetime.date | None = None,
    status: str = "",
    category: str = "",
    source: str = "",
    overdue: bool = False,
) -> QuerySet[RectificationItem]:
    """The items of `unit`'s subtree, overdue first, then open before dealt with, then by
    deadline (none last). Each row has `is_overdue`."""
    items = items_of_subtree(unit).annotate(
        is_overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_open=Case(
            When(status__in=OPEN_STATUSES, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if status:
        items = items.filter(status=status)
    if category:
        items = items.filter(category=category)
    if source:
        items = items.filter(source=source)
    if overdue:
        items = items.filter(overdue_q(today))
    return items.select_related("unit").order_by(
        "-is_overdue", "-is_open", "deadline", "-created_at", "-pk"
    )


def item_history(item: RectificationItem) -> list[RectificationChange]:
    """The recorded changes of an item, oldest first: each with `rows` of
    (field label, old, new) in the order of the form."""
    labels = {name: RectificationItem._meta.get_field(name).verbose_name for name in TRACKED_FIELDS}
    changes = list(item.changes.select_related("changed_by").order_by("changed_at", "pk"))
    for change in changes:
        change.rows = [
            (labels.get(name, name), *change.changes[name])
            for name in sorted(change.changes, key=_field_order)
        ]
    return changes


def _field_order(name: str) -> int:
    return TRACKED_FIELDS.index(name) if name in TRACKED_FIELDS else len(TRACKED_FIELDS)


def open_rectification_count(unit: Unit) -> int:
    """Problems of the subtree not yet rectified nor explained (待整改 + 整改中)."""
    return items_of_subtree(unit).filter(status__in=OPEN_STATUSES).count()


@dataclass
class RectificationSummary:
    total: int
    overdue: int
    open: int
    by_status: list  # [(value, label, count)] in the order of RectificationStatus
    by_category: list  # [(value, label, count)]
    public: int  # of which from 群众意见

    @property
    def rectified(self) -> int:
        return next(count for value, _label, count in self.by_status if value == "rectified")

    @property
    def rectified_rate(self) -> Decimal | None:
        """已整改 as a percentage of all problems found (None when none were found)."""
        return percent(self.rectified, self.total)


def rectification_summary(unit: Unit, today: datetime.date | None = None) -> RectificationSummary:
    """Counts of `unit`'s subtree by status and category, overdue and open: one query."""
    row = items_of_subtree(unit).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        public=Count("pk", filter=Q(source="public")),
        **{
            f"status_{value}": Count("pk", filter=Q(status=value))
            for value in RectificationStatus.values
        },
        **{
            f"category_{value}": Count("pk", filter=Q(category=value))
            for value in RectificationCategory.values
        },
    )
    return RectificationSummary(
        total=row["total"],
        overdue=row["overdue"],
        open=row["open"],
        public=row["public"],
        by_status=[(v, label, row[f"status_{v}"]) for v, label in RectificationStatus.choices],
        by_category=[
            (v, label, row[f"category_{v}"]) for v, label in RectificationCategory.choices
        ],
    )


def rectification_by_unit(
    unit: Unit, today: datetime.date | None = None
) -> QuerySet[RectificationItem, dict[str, Any]]:
    """One row per unit of the subtree that has items: total, open, overdue, rectified;
    most overdue first. One grouped query."""
    return (
        items_of_subtree(unit)
        .values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=overdue_q(today)),
            rectified=Count("pk", filter=Q(status=RectificationStatus.RECTIFIED)),
        )
        .order_by("-overdue", "-open", "unit__name")
    )


# The satisfaction survey -------------------------------------------------------------------


@dataclass
class QuestionResult:
    field: str
    label: str
    counts: list  # [(rating, label, count)], 满意 first
    answers: int

    @property
    def satisfied(self) -> int:
        return sum(count for rating, _label, count in self.counts if rating in SATISFIED_RATINGS)

    @property
    def satisfied_rate(self) -> Decimal | None:
        """满意率: 满意 and 基本满意 as a percentage of the answers."""
        return percent(self.satisfied, self.answers)


def survey_responses(unit: Unit) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(unit__path__startswith=unit.path)


def _satisfied_counts() -> dict[str, Count]:
    return {
        f"{field}_satisfied": Count("pk", filter=Q(**{f"{field}__in": SATISFIED_RATINGS}))
        for field, _label in SURVEY_QUESTIONS
    }


def survey_results(unit: Unit) -> dict[str, Any]:
    """Answers of `unit`'s subtree and, per question, the count of each rating: one query."""
    row = survey_responses(unit).aggregate(
        answers=Count("pk"),
        opinions=Count("pk", filter=~Q(opinion="")),
        **{
            f"{field}_{rating}": Count("pk", filter=Q(**{field: rating}))
            for field, _label in SURVEY_QUESTIONS
            for rating, _rating_label in SURVEY_RATINGS
        },
    )
    questions = [
        QuestionResult(
            field=field,
            label=label,
            counts=[(r, r_label, row[f"{field}_{r}"]) for r, r_label in SURVEY_RATINGS],
            answers=row["answers"],
        )
        for field, label in SURVEY_QUESTIONS
    ]
    return {"answers": row["answers"], "opinions": row["opinions"], "questions": questions}


def survey_by_unit(unit: Unit) -> list[dict[str, Any]]:
    """One row per unit of the subtree that has answers, with the 满意率 of each question
    (`rates`, in question order); lowest 满意率 for the unit (机关) first. One query."""
    rows = list(
        survey_responses(unit)
        .values("unit_id", "unit__name")
        .annotate(answers=Count("pk"), **_satisfied_counts())
        .order_by("unit__name")
    )
    for row in rows:
        row["rates"] = [
            percent(row[f"{field}_satisfied"], row["answers"]) for field, _l in SURVEY_QUESTIONS
        ]
    rows.sort(key=lambda row: row["rates"][0])
    return rows


# The inbox of the public's opinions (待核实) -------------------------------------------------


def pending_opinions(unit: Unit) -> QuerySet[SurveyOpinion]:
    """The opinions of `unit`'s subtree waiting to be checked."""
    return SurveyOpinion.objects.filter(
        unit__path__startswith=unit.path, status=OpinionStatus.PENDING
    )


def pending_opinion_count(unit: Unit) -> int:
    """Opinions of `unit`'s subtree waiting in the inbox: one query."""
    return pending_opinions(unit).count()


def _said_the_same(opinions: QuerySet[SurveyOpinion]) -> QuerySet[SurveyOpinion, dict]:
    return opinions.values("text_key").annotate(
        text=Min("text"), count=Count("pk"), first_at=Min("created_at"), last_at=Max("created_at")
    )


def survey_inbox(unit: Unit) -> list[dict[str, Any]]:
    """The opinions left for `unit` itself that wait to be checked, those saying the same
    (`text_key`) as one row: `text` (one of their wordings), `count` (how many raised it),
    `first_at`, `last_at`, and `item`, the problem still open that already says it (then
    采纳 joins it) or None. Most raised first ("从群众意见最大、最不满意的问题改起"). Two
    queries (one when none waits); at most SURVEY_PENDING_CAP rows."""
    waiting = SurveyOpinion.objects.filter(unit=unit, status=OpinionStatus.PENDING)
    rows = list(_said_the_same(waiting).order_by("-count", "first_at", "text_key"))
    if rows:
        open_items = open_items_by_key(unit)
        for row in rows:
            row["item"] = open_items.get(row["text_key"])
    return rows


def survey_inbox_group(unit: Unit, text_key: str) -> dict[str, Any] | None:
    """One row of `survey_inbox`, or None when nothing saying it waits any more. Two
    queries."""
    waiting = SurveyOpinion.objects.filter(
        unit=unit, status=OpinionStatus.PENDING, text_key=text_key
    )
    # Ordered by the grouped field: the default (pk) would split the group.
    row = _said_the_same(waiting).order_by("text_key").first()
    if row is not None:
        row["item"] = open_items_by_key(unit).get(text_key)
    return row


def opinions_dropped(unit: Unit, today: datetime.date | None = None) -> int:
    """Opinions left for `unit` today that were not kept: its inbox was at its cap. One
    query."""
    start = timezone.make_aware(datetime.datetime.combine(_today(today), datetime.time.min))
    return SurveyResponse.objects.filter(
        unit=unit, opinion_dropped=True, answered_at__gte=start
    ).count()


def pending_opinions_by_unit(unit: Unit) -> QuerySet[SurveyOpinion, dict[str, Any]]:
    """The units below `unit` with opinions waiting, and how many each: one grouped
    query, most first."""
    return (
        pending_opinions(unit)
        .exclude(unit=unit)
        .values("unit_id", "unit__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "unit__name")
    )

"""Reads of the review backlog: the notes and essays not yet reviewed (批改), and the units
where one has waited for more than REVIEW_OVERDUE_DAYS.

"支部负责人每周应查看、批阅一次党员的学习笔记". Each is one query, whatever the size of
the subtree.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from common.dates import days_ago
from study.models import (
    REVIEW_OVERDUE_DAYS,
    Review,
    SubtreeReviewBacklog,
    UnitProgress,
    Writing,
)
from units.models import Unit


def unreviewed_writings() -> QuerySet[Writing]:
    return Writing.objects.filter(~Exists(Review.objects.filter(writing=OuterRef("pk"))))


def units_with_review_backlog(
    units: QuerySet[Unit], today: datetime.date | None = None
) -> QuerySet[Unit]:
    """Annotate `review_overdue`: the unit has a note or essay waiting unreviewed for more
    than a week ("支部负责人每周应查看、批阅一次党员的学习笔记")."""
    waiting = _behind(today).filter(unit__path__startswith=OuterRef("path"))
    return units.annotate(review_overdue=Exists(waiting))


def _overdue_cutoff(today: datetime.date | None = None) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(days_ago(REVIEW_OVERDUE_DAYS, today), datetime.time.min)
    )


def _behind(today: datetime.date | None = None) -> QuerySet[UnitProgress]:
    """Units whose own members' longest-waiting unreviewed writing is overdue: read off
    each unit's stored sums, so a district costs its units, not its writings."""
    return UnitProgress.objects.filter(oldest_unreviewed__lt=_overdue_cutoff(today))


def branches_with_review_backlog(unit: Unit, today: datetime.date | None = None) -> int:
    """How many branches of `unit`'s subtree (the branch itself, for a branch) have a
    note or essay waiting unreviewed for more than a week."""
    if unit.is_branch:
        return int(_behind(today).filter(unit=unit).exists())
    # The subtree's branches by the day their oldest waiting writing came in (stored).
    waiting = SubtreeReviewBacklog.objects.filter(
        unit=unit, waiting_since__lt=days_ago(REVIEW_OVERDUE_DAYS, today)
    ).aggregate(branches=Sum("branches"))
    return waiting["branches"] or 0

"""Reads of the review backlog: the notes and essays not yet reviewed (批改), and the
branches behind on their weekly review.

"支部负责人每周应查看、批阅一次党员的学习笔记": a branch with writings waiting is behind once
its last review is more than REVIEW_OVERDUE_DAYS old, or, if it never reviewed one, once
its oldest waiting writing is (study.sums). Each is one query, whatever the size of the
subtree.
"""

import datetime

from django.db.models import Exists, Max, OuterRef, QuerySet, Sum

from common.dates import days_ago
from study.models import (
    REVIEW_OVERDUE_DAYS,
    Review,
    ReviewBacklog,
    SubtreeReviewBacklog,
    Writing,
)
from units.models import Unit


def unreviewed_writings() -> QuerySet[Writing]:
    return Writing.objects.filter(~Exists(Review.objects.filter(writing=OuterRef("pk"))))


def units_with_review_backlog(
    units: QuerySet[Unit], today: datetime.date | None = None
) -> QuerySet[Unit]:
    """Annotate `review_overdue`: a branch of the unit's subtree is behind on its weekly
    review."""
    behind = branches_behind(today).filter(unit__path__startswith=OuterRef("path"))
    return units.annotate(review_overdue=Exists(behind))


def branches_behind(today: datetime.date | None = None) -> QuerySet[ReviewBacklog]:
    """Branches behind on their weekly review, read off their stored own rows, so a
    district costs its branches, not its writings."""
    return ReviewBacklog.objects.filter(waiting_since__lt=days_ago(REVIEW_OVERDUE_DAYS, today))


def branches_with_review_backlog(unit: Unit, today: datetime.date | None = None) -> int:
    """How many branches of `unit`'s subtree (the branch itself, for a branch) are behind
    on their weekly review."""
    if unit.is_branch:
        return int(branches_behind(today).filter(unit=unit).exists())
    # The subtree's branches by the day their week of review runs from (stored).
    waiting = SubtreeReviewBacklog.objects.filter(
        unit=unit, waiting_since__lt=days_ago(REVIEW_OVERDUE_DAYS, today)
    ).aggregate(branches=Sum("branches"))
    return waiting["branches"] or 0


def last_review_day(unit: Unit) -> datetime.date | None:
    """The day a writing of the unit's own members was last reviewed."""
    reviews = Review.objects.filter(writing__member__unit=unit)
    return reviews.aggregate(last=Max("reviewed_on"))["last"]

"""Reads of the review backlog: the notes and essays not yet reviewed (批改), and the units
where one has waited for more than REVIEW_OVERDUE_DAYS.

"支部负责人每周应查看、批阅一次党员的学习笔记". Each is one query, whatever the size of
the subtree.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from common.dates import days_ago
from study.models import REVIEW_OVERDUE_DAYS, Review, Writing
from units.models import Unit, UnitKind


def unreviewed_writings() -> QuerySet[Writing]:
    return Writing.objects.filter(~Exists(Review.objects.filter(writing=OuterRef("pk"))))


def units_with_review_backlog(
    units: QuerySet[Unit], today: datetime.date | None = None
) -> QuerySet[Unit]:
    """Annotate `review_overdue`: the unit has a note or essay waiting unreviewed for more
    than a week ("支部负责人每周应查看、批阅一次党员的学习笔记")."""
    waiting = _overdue_writings(today).filter(member__unit__path__startswith=OuterRef("path"))
    return units.annotate(review_overdue=Exists(waiting))


def _overdue_writings(today: datetime.date | None = None) -> QuerySet[Writing]:
    cutoff = timezone.make_aware(
        datetime.datetime.combine(days_ago(REVIEW_OVERDUE_DAYS, today), datetime.time.min)
    )
    return unreviewed_writings().filter(submitted_at__lt=cutoff)


def branches_with_review_backlog(unit: Unit, today: datetime.date | None = None) -> int:
    """How many branches of `unit`'s subtree (the branch itself, for a branch) have a
    note or essay waiting unreviewed for more than a week."""
    if unit.is_branch:
        # A branch has no units below it: its own members' writings, read by their unit.
        return int(_overdue_writings(today).filter(member__unit=unit).exists())
    # Over a subtree, one pass over the waiting writings: an EXISTS per branch with a
    # correlated LIKE takes seconds on a district of a thousand branches.
    waiting = _overdue_writings(today).filter(
        member__unit__path__startswith=unit.path, member__unit__kind=UnitKind.BRANCH
    )
    return waiting.values("member__unit_id").distinct().count()

"""How the date-keyed sums of the study ledger (study.models.sums) are counted for a
unit's own rows, registered with units.subtree in study.apps so that the writes,
`manage.py rollups_rebuild` and its `--check` keep them."""

import datetime

from django.db.models import Max, Min, Q
from django.utils import timezone

from study.models import (
    NEVER,
    MobileContacts,
    ReviewBacklog,
    SubtreeMobileContacts,
    SubtreeReviewBacklog,
    Writing,
)
from units.models import Member, UnitKind
from units.subtree import SubtreeSum


def _mobile_contacts(unit_ids: list[int]) -> dict:
    counted: dict = {}
    members = (
        Member.objects.filter(unit_id__in=unit_ids, is_mobile=True)
        .annotate(last=Max("contacts__contacted_on"))
        .values_list("unit_id", "last")
    )
    for unit_id, last in members:
        row = counted.setdefault((unit_id, (last or NEVER,)), {"members": 0})
        row["members"] += 1
    return counted


def review_week_starts(unit_ids: list[int]) -> dict[int, datetime.date]:
    """For each 党支部 among these units with a note or essay not yet reviewed, the day its
    week of 批阅 runs from: its last review, or, if it never reviewed one, the day its
    oldest waiting writing came in ("支部负责人每周应查看、批阅一次党员的学习笔记"). One
    query."""
    rows = (
        Writing.objects.filter(member__unit_id__in=unit_ids, member__unit__kind=UnitKind.BRANCH)
        .values("member__unit_id")
        .annotate(
            waiting=Min("submitted_at", filter=Q(reviews__isnull=True)),
            last_review=Max("reviews__reviewed_on"),
        )
        .values_list("member__unit_id", "waiting", "last_review")
        .order_by()
    )
    return {
        unit_id: last_review or timezone.localdate(waiting)
        for unit_id, waiting, last_review in rows
        if waiting is not None
    }


def _review_backlog(unit_ids: list[int]) -> dict:
    return {
        (unit_id, (day,)): {"branches": 1} for unit_id, day in review_week_starts(unit_ids).items()
    }


MOBILE_CONTACTS = SubtreeSum(
    MobileContacts,
    SubtreeMobileContacts,
    ("members",),
    key=("last_contacted_on",),
    recount=_mobile_contacts,
)
REVIEW_BACKLOG = SubtreeSum(
    ReviewBacklog,
    SubtreeReviewBacklog,
    ("branches",),
    key=("waiting_since",),
    recount=_review_backlog,
)

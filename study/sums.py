"""How the date-keyed sums of the study ledger (study.models.sums) are counted for a
unit's own rows, registered with units.subtree in study.apps so that the writes,
`manage.py rollups_rebuild` and its `--check` keep them."""

from django.db.models import Max
from django.utils import timezone

from study.models import (
    NEVER,
    MobileContacts,
    ReviewBacklog,
    SubtreeMobileContacts,
    SubtreeReviewBacklog,
    UnitProgress,
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


def _review_backlog(unit_ids: list[int]) -> dict:
    waiting = UnitProgress.objects.filter(
        unit_id__in=unit_ids, unit__kind=UnitKind.BRANCH, oldest_unreviewed__isnull=False
    ).values_list("unit_id", "oldest_unreviewed")
    return {
        (unit_id, (timezone.localdate(oldest),)): {"branches": 1} for unit_id, oldest in waiting
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

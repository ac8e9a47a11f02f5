"""Reads of the contact log of mobile members (流动党员): when each was last contacted,
and who has been out of touch for more than CONTACT_OVERDUE_DAYS.

"对处于流动状态、一段时间与党组织失去联系的党员,要主动进行家访,或信函、电话等方式联系".
Each narrows or annotates the members given and stays one query: the log is read in a
subquery.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum

from common.dates import days_ago
from study.models import CONTACT_OVERDUE_DAYS, ContactLog, SubtreeMobileContacts
from units.models import Member, Unit


def members_with_last_contact(members: QuerySet[Member]) -> QuerySet[Member]:
    """Annotate `last_contact` (date or None) on members."""
    last = (
        ContactLog.objects.filter(member=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )
    return members.annotate(last_contact=Subquery(last))


def mobile_members_out_of_contact(
    members: QuerySet[Member], today: datetime.date | None = None
) -> QuerySet[Member]:
    """流动党员 not contacted for more than 30 days (or never)."""
    cutoff = days_ago(CONTACT_OVERDUE_DAYS, today)
    recent = ContactLog.objects.filter(member=OuterRef("pk"), contacted_on__gte=cutoff)
    return members.filter(is_mobile=True).exclude(Exists(recent))


def out_of_contact_count(tops: Iterable[Unit], today: datetime.date | None = None) -> int:
    """How many 流动党员 of the subtrees of `tops` (units none inside another) have not
    been contacted for more than 30 days, or never: one query summing the units' stored
    counts by last contact (study.models.sums), however many members."""
    cutoff = days_ago(CONTACT_OVERDUE_DAYS, today)
    found = SubtreeMobileContacts.objects.filter(
        unit__in=[unit.pk for unit in tops], last_contacted_on__lt=cutoff
    ).aggregate(members=Sum("members"))
    return found["members"] or 0

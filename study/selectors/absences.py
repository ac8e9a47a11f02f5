"""Reads of the contact log of mobile members (流动党员): when each was last contacted,
and who has been out of touch for more than CONTACT_OVERDUE_DAYS.

"对处于流动状态、一段时间与党组织失去联系的党员,要主动进行家访,或信函、电话等方式联系".
Each narrows or annotates the members given and stays one query: the log is read in a
subquery.
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from common.dates import days_ago
from study.models import CONTACT_OVERDUE_DAYS, ContactLog
from units.models import Member


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

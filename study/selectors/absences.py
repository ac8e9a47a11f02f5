"""Reads of the study ledger that aggregate; each is a fixed number of queries."""

from django.db.models import (
    Exists,
    OuterRef,
    Subquery,
)

from common.dates import days_ago
from study.models import (
    CONTACT_OVERDUE_DAYS,
    ContactLog,
)


def members_with_last_contact(members):
    """Annotate `last_contact` (date or None) on members."""
    last = (
        ContactLog.objects.filter(member=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )
    return members.annotate(last_contact=Subquery(last))


def mobile_members_out_of_contact(members, today=None):
    """流动党员 not contacted for more than 30 days (or never)."""
    cutoff = days_ago(CONTACT_OVERDUE_DAYS, today)
    recent = ContactLog.objects.filter(member=OuterRef("pk"), contacted_on__gte=cutoff)
    return members.filter(is_mobile=True).exclude(Exists(recent))

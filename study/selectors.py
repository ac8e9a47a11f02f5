"""Reads of the study ledger that aggregate; each is a fixed number of queries."""

import datetime

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from .models import CONTACT_OVERDUE_DAYS, REVIEW_OVERDUE_DAYS, ContactLog, Review, Writing


def _days_ago(days, today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=days)


def unreviewed_writings():
    return Writing.objects.filter(~Exists(Review.objects.filter(writing=OuterRef("pk"))))


def units_with_review_backlog(units, today=None):
    """Annotate `review_overdue`: the unit has a note or essay waiting unreviewed for more
    than a week ("支部负责人每周应查看、批阅一次党员的学习笔记")."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(_days_ago(REVIEW_OVERDUE_DAYS, today), datetime.time.min)
    )
    waiting = unreviewed_writings().filter(
        member__unit__path__startswith=OuterRef("path"), submitted_at__lt=cutoff
    )
    return units.annotate(review_overdue=Exists(waiting))


def members_with_last_contact(members):
    """Annotate `last_contact` (date or None) on members."""
    last = (
        ContactLog.objects.filter(member=OuterRef("pk"))
        .order_by("-contacted_on")
        .values("contacted_on")[:1]
    )
    return members.annotate(last_contact=Subquery(last))


def mobile_members_out_of_contact(members, today=None):
    """流动党员 with no contact in the last 30 days (or none ever)."""
    cutoff = _days_ago(CONTACT_OVERDUE_DAYS, today)
    recent = ContactLog.objects.filter(member=OuterRef("pk"), contacted_on__gt=cutoff)
    return members.filter(is_mobile=True).exclude(Exists(recent))

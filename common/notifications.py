"""Every write of the 转段 workflow and of the supervision groups' own records.

Each state change is one function that checks who may do it and in which state, changes
the state with a conditional UPDATE (so of two people acting at once exactly one wins and
the other is told), writes an ApplicationEvent, and notifies whoever acts next.

    draft ──submit──▶ submitted ──approve──▶ approved   (the unit moves on, on its own date)
                          │
                          └──return──▶ returned ──start the next round──▶ draft …

The group's opinion is given on a submitted application, before the office decides.
"""

from django.db import transaction
from django.utils import timezone

from common.models import Notification
from common.tasks import send_notification_emails

# Notifications -------------------------------------------------------------------------


def notify(*, users, text, link=""):
    """Tell these users in the app, and by e-mail once the transaction has committed."""
    users = {user.pk: user for user in users}.values()
    notices = Notification.objects.bulk_create(
        Notification(user=user, text=text, link=link) for user in users
    )
    ids = [notice.pk for notice in notices]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))


def notification_open(*, notification):
    """Mark one notice read (the first opening counts; opening again changes nothing)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user):
    """Mark every unread notice of `user` read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

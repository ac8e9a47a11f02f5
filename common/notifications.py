"""The in-app notices the workflows send (to whoever acts next, or is decided for), and
marking them read.

A notice is written in the transaction of the change it reports and e-mailed only once
that change has committed (common.tasks, queued through common.outbox), so nobody is told
of a step that was rolled back, and a mail is sent even if Redis was down at the time.
"""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from common.models import Notification
from common.outbox import enqueue
from common.tasks import send_notification_emails


def notify(*, users: Iterable[AbstractBaseUser], text: str, link: str = "") -> None:
    """Tell these users in the app, and by e-mail once the transaction has committed."""
    users = {user.pk: user for user in users}.values()
    notices = Notification.objects.bulk_create(
        Notification(user=user, text=text, link=link) for user in users
    )
    ids = [notice.pk for notice in notices]
    if ids:
        enqueue(send_notification_emails, ids)


def notification_open(*, notification: Notification) -> Notification:
    """Mark one notice read (the first opening counts; opening again changes nothing)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark every unread notice of `user` read; returns how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )

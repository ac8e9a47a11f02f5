"""The in-app notices the workflows send (to whoever acts next, or is decided for), and
marking them read.

A notice is written in the transaction of the change it reports and e-mailed only once
that change has committed (common.tasks), so nobody is told of a step that was rolled back.
"""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from common.models import Notification
from common.tasks import send_notification_emails


def notify(*, users: Iterable[AbstractBaseUser], text: str, link: str = "") -> None:
    """Tell these users in the app, and by e-mail once the transaction has committed."""
    users = {user.pk: user for user in users}.values()
    notices = Notification.objects.bulk_create(
        Notification(user=user, text=text, link=link) for user in users
    )
    ids = [notice.pk for notice in notices]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))


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

"""The Celery task that e-mails in-app notices, queued by common.notifications once the
transaction that wrote them has committed; it retries, backing off, while the mail server
can't be reached. And the flush of the outbox (common.outbox), every minute by Celery beat."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from common import outbox
from common.models import Notification

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> None:
    """E-mail each in-app notice to its recipient, if they have an address."""
    notices = Notification.objects.filter(pk__in=notification_ids).select_related("user")
    for notice in notices:
        if not notice.user.email:
            continue
        send_mail(
            subject=f"先进性教育活动:{notice.text[:40]}",
            message=f"{notice.text}\n\n{settings.SITE_URL}{notice.link}",
            from_email=None,
            recipient_list=[notice.user.email],
        )
    logger.info("notification e-mails sent for %s", notification_ids)


@shared_task
def outbox_flush() -> int:
    """Send again the jobs whose sending failed (Redis was down)."""
    return outbox.outbox_flush()

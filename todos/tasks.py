"""The weekly reminder's Celery jobs: the run beat starts every Monday morning, and the
e-mail of one reminder, retried while the mail server can't be reached."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@shared_task
def digest_weekly() -> int:
    """Remind each secretary and each member still owing study of what waits (Celery
    beat, weekly); returns how many were reminded."""
    # Imported here: the services queue this module's e-mail task.
    from todos.selectors import digest_recipients
    from todos.services import digest_send

    sent = sum(digest_send(user=user) for user in digest_recipients())
    logger.info("weekly reminders sent to %s users", sent)
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def digest_email_send(user_id: int, subject: str, body: str) -> None:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email:
        logger.info("reminder e-mail skipped: user %s is gone or has no address", user_id)
        return
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])

"""The outbox: how every write queues a Celery job, so that the broker being down neither
fails the write nor loses the job (issue 12).

`enqueue` writes the job as a row (OutboxMessage) in the transaction of the change that
needs it and sends it once that commits. Redis down, the send fails within a second or two
(CELERY_TASK_PUBLISH_RETRY_POLICY) and the row stays; `outbox_flush` (common.tasks, every
minute by Celery beat) sends it again, so the job runs once Redis is back. A row is deleted
once sent: a process dying between the two sends the job twice, which the jobs bear (each
checks the state it acts on; at worst a notice is mailed twice).

Without a broker (Celery in-process, the embedded default) nothing can be down: the job
runs when the transaction commits.
"""

import datetime
import logging

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.models import OutboxMessage

logger = logging.getLogger(__name__)

# Younger rows are still being sent by the process that wrote them.
FLUSH_AFTER = datetime.timedelta(seconds=30)
FLUSH_AT_MOST = 500


def enqueue(task: Task, *args: object) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""
    if task.app.conf.task_always_eager:
        transaction.on_commit(lambda: task.delay(*args))
        return
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: outbox_send(message))


def outbox_send(message: OutboxMessage) -> bool:
    """Hand one waiting job to the broker; True when it took it."""
    try:
        current_app.tasks[message.task].delay(*message.args)
    except Exception as error:
        # Whatever went wrong, the user's change is committed: keep the job for the flush.
        logger.warning("job %s %s left in the outbox: %s", message.pk, message.task, error)
        OutboxMessage.objects.filter(pk=message.pk).update(
            tries=F("tries") + 1, last_error=f"{type(error).__name__}: {error}"
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).delete()
    return True


def outbox_flush() -> int:
    """Send the jobs left waiting, oldest first, until the broker refuses one; returns how
    many were sent."""
    sent = 0
    with transaction.atomic():
        # Two flushes at once (a slow one overlapping the next) take different rows.
        waiting = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            created_at__lt=timezone.now() - FLUSH_AFTER
        )[:FLUSH_AT_MOST]
        for message in waiting:
            if not outbox_send(message):
                break
            sent += 1
    if sent:
        logger.info("%s job(s) sent from the outbox", sent)
    return sent

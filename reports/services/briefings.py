"""Every write to the 简报 (briefings): asking for one, asking again after a failure, and
making its PDF.

`briefing_request` and `briefing_retry` record the request and queue `briefing_generate`
once the request is committed, so a worker never looks for a row that is not there yet. It
is queued through the outbox (common.outbox): Redis down, the request still answers at once
and the job is sent when Redis is back. Without a broker (Celery eager) there is no worker:
the task runs in a thread of the web process instead, so that the page that asked answers
at once and follows the progress.
`briefing_generate` is the Celery task that collects the figures
(reports.selectors.briefing), writes and renders them (reports.briefing_document) and
stores the PDF on the briefing, reporting its progress as it goes. It may be delivered
twice (a worker killed mid-way gives its message back): the briefing's heartbeat tells a
second delivery whether the first is still at work, and only the latest taker's PDF counts.
"""

import datetime
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Event, Thread

from celery import Task, shared_task
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.dates import day_text
from common.outbox import enqueue
from reports import briefing_document as document
from reports.models import Briefing, BriefingState
from reports.selectors.briefing import briefing_collect
from units.models import SupervisionGroup, Unit

logger = logging.getLogger(__name__)


def briefing_next_issue(batch: Batch) -> int:
    """期号 of the next briefing: one more than the highest of the campaign's so far."""
    last = Briefing.objects.filter(batch=batch).aggregate(n=Max("issue_number"))["n"]
    return (last or 0) + 1


def _queue(briefing: Briefing) -> None:
    if not briefing_generate.app.conf.task_always_eager:
        enqueue(briefing_generate, briefing.pk)
        return
    pk = briefing.pk
    transaction.on_commit(lambda: _send(pk))


def _send(briefing_id: int) -> None:
    """Without a broker, make the briefing in a thread of this process.

    In-process Celery runs a task where it is sent: inside the request that asked for the
    briefing, which then hung for the seconds the PDF takes and arrived finished under a
    message saying it was still being made. Not a daemon thread: a server shutting down
    finishes the PDF rather than leaving the briefing queued for ever.
    """
    Thread(target=_generate_beside, args=(briefing_id,), name=f"briefing-{briefing_id}").start()


def _generate_beside(briefing_id: int) -> None:
    try:
        briefing_generate.delay(briefing_id)
    except Exception:
        # Said where the office's administrator looks, not only on the thread's stderr.
        logger.exception("briefing %s: the in-process job failed", briefing_id)
    finally:
        # The thread's own connections: nothing else would ever close them.
        connections.close_all()


@transaction.atomic
def briefing_request(
    *,
    user: AbstractBaseUser | None,
    unit: Unit | None = None,
    group: SupervisionGroup | None = None,
    issue_number: int | None = None,
    period_start: datetime.date,
    period_end: datetime.date,
    copies: int | None = None,
) -> Briefing:
    """Ask for a briefing of one scope: the district (its root unit), a unit's subtree or a
    supervision group. `user` is None for the weekly briefing made on schedule.

    The 期号 defaults to the next one; a 期号 already used in the campaign is refused.
    """
    if (unit is None) == (group is None):
        raise ValidationError(_("请选择简报的范围:全区、一个党委或一个督导组。"))
    current = Batch.objects.current()
    if current is None:
        raise ValidationError(_("尚未设置当前批次,请先由区委先进性教育办公室制定活动安排。"))
    # Locking the campaign serialises requests, so two can't take the same 期号.
    batch = Batch.objects.select_for_update().get(pk=current.pk)
    if period_start > period_end:
        raise ValidationError({"period_end": _("统计截止日期不能早于起始日期。")})
    if period_start < batch.starts_on or period_end > batch.ends_on:
        raise ValidationError(
            {
                "period_start": _("统计期间应在本批次活动期间(%(start)s至%(end)s)内。")
                % {"start": day_text(batch.starts_on), "end": day_text(batch.ends_on)}
            }
        )
    if issue_number is None:
        issue_number = briefing_next_issue(batch)
    elif Briefing.objects.filter(batch=batch, issue_number=issue_number).exists():
        raise ValidationError(
            {
                "issue_number": _("第%(n)d期简报已经有了,下一期是第%(next)d期。")
                % {"n": issue_number, "next": briefing_next_issue(batch)}
            }
        )
    briefing = Briefing(
        batch=batch,
        unit=unit,
        group=group,
        issue_number=issue_number,
        period_start=period_start,
        period_end=period_end,
        copies=copies,
        requested_by=user,
    )
    briefing.full_clean()
    briefing.save()
    logger.info("briefing %s (issue %s) requested by %s", briefing.pk, issue_number, user)
    _queue(briefing)
    return briefing


@transaction.atomic
def briefing_retry(*, briefing: Briefing, user: AbstractBaseUser) -> Briefing:
    """Queue a failed briefing again, with the same scope, period and 期号."""
    updated = Briefing.objects.filter(pk=briefing.pk, state=BriefingState.FAILED).update(
        state=BriefingState.QUEUED,
        error="",
        progress=0,
        finished_at=None,
        heartbeat_at=timezone.now(),
        attempts=0,
    )
    if not updated:
        raise ValidationError(_("只有生成失败的简报才能重试。"))
    briefing.refresh_from_db()
    logger.info("briefing %s retried by %s", briefing.pk, user)
    _queue(briefing)
    return briefing


# Making the PDF ---------------------------------------------------------------------


# What the office reads when a step fails, before the exception's own text.
STEP_FAILED = {
    "collect": "汇总简报数据时出错",
    "html": "排版简报时出错",
    "pdf": "生成PDF文件时出错",
    "save": "保存PDF文件时出错",
}


# A worker stamps the briefing it is making this often, in seconds (Briefing.heartbeat_at),
# and one whose stamp is older than STALE_AFTER has lost its worker: six stamps missed, so
# a busy database or a long layout does not pass for a dead worker.
HEARTBEAT_EVERY = 10
STALE_AFTER = datetime.timedelta(seconds=60)
# A briefing that keeps killing its worker (out of memory, say) is taken up this many times
# in all, then failed for the office to see.
MAX_ATTEMPTS = 3
# Seconds a briefing may take (a large one renders in seconds): then it is failed, or its
# process killed if that does not stop it. Under the broker's visibility timeout
# (CELERY_BROKER_TRANSPORT_OPTIONS), so that Redis never hands a live job to a second worker.
TIME_LIMIT = 240
SOFT_TIME_LIMIT = TIME_LIMIT - 30

GAVE_UP = "生成中断:处理简报的后台进程连续%(n)d次中途停止(可能是内存不足),请点击“重试”重新生成。"


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=TIME_LIMIT,
    soft_time_limit=SOFT_TIME_LIMIT,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def briefing_generate(self: Task, briefing_id: int) -> None:
    """Make the PDF of one queued briefing and store it on the briefing.

    The message is acknowledged once the task is over and given back if its worker dies
    (acks_late, reject_on_worker_lost): a briefing whose worker was killed is made by the
    next delivery of the same message, which takes it over (`_take`).
    """
    attempt = _take(briefing_id, wait=not self.request.is_eager)
    if attempt is None:
        return
    briefing = Briefing.objects.select_related("batch", "unit", "group").get(pk=briefing_id)
    step = "collect"
    try:
        # In-process there is no second delivery to tell that this one is alive.
        with _heartbeat(briefing_id, attempt, beating=not self.request.is_eager):
            data = briefing_collect(briefing)
            _progress(briefing_id, attempt, 40)
            step = "html"
            html = document.briefing_html(data, briefing)
            _progress(briefing_id, attempt, 60)
            step = "pdf"
            pdf = document.briefing_pdf(html)
            _progress(briefing_id, attempt, 90)
            step = "save"
            name = f"jianbao-{briefing.issue_number}.pdf"
            briefing.file.save(name, ContentFile(pdf), save=False)
    except OSError as error:
        if step == "save" and not self.request.is_eager and self.request.retries < self.max_retries:
            # The storage may be back in a moment: queue it again and let Celery retry
            # (autoretry_for). In-process there is no later: it fails now, the office retries.
            _mine(briefing_id, attempt).update(state=BriefingState.QUEUED)
            logger.warning("briefing %s: storage error, retrying: %s", briefing_id, error)
            raise
        _fail(briefing_id, attempt, step, error)
        return
    except Exception as error:
        _fail(briefing_id, attempt, step, error)
        return
    now = timezone.now()
    finished = _mine(briefing_id, attempt).update(
        file=briefing.file.name,
        state=BriefingState.DONE,
        progress=100,
        finished_at=now,
        heartbeat_at=now,
    )
    if not finished:
        # Taken over while this worker looked dead: the other one's PDF is the briefing's.
        briefing.file.delete(save=False)
        logger.warning(
            "briefing %s: attempt %s was taken over, its PDF dropped", briefing_id, attempt
        )
        return
    logger.info("briefing %s done: %s", briefing_id, briefing.file.name)


def _take(briefing_id: int, *, wait: bool) -> int | None:
    """Claim the briefing for this delivery: the number of the attempt it makes, or None
    when there is nothing for it to do (gone, made, failed, or being made by another)."""
    # The other delivery is stopped by its time limit; this one gives up before its own.
    deadline = time.monotonic() + SOFT_TIME_LIMIT - HEARTBEAT_EVERY
    while True:
        row = (
            Briefing.objects.filter(pk=briefing_id)
            .values("state", "attempts", "heartbeat_at", "started_at")
            .first()
        )
        if row is None:
            logger.info("briefing %s is gone: nothing to do", briefing_id)
            return None
        now = timezone.now()
        state, attempts = row["state"], row["attempts"]
        last_seen = row["heartbeat_at"] or row["started_at"]
        stale = (
            state == BriefingState.RUNNING
            and last_seen is not None
            and last_seen < now - STALE_AFTER
        )
        if stale and attempts >= MAX_ATTEMPTS:
            _mine(briefing_id, attempts).update(
                state=BriefingState.FAILED, error=GAVE_UP % {"n": attempts}, finished_at=now
            )
            logger.error("briefing %s: its worker died %s times, given up", briefing_id, attempts)
            return None
        if state == BriefingState.QUEUED or stale:
            # Compare-and-set on the attempt number: of two deliveries, one takes it.
            taken = Briefing.objects.filter(pk=briefing_id, state=state, attempts=attempts).update(
                state=BriefingState.RUNNING,
                attempts=attempts + 1,
                progress=10,
                error="",
                started_at=now,
                heartbeat_at=now,
            )
            if taken:
                if stale:
                    logger.warning("briefing %s: its worker stopped; taken over", briefing_id)
                return attempts + 1
            continue
        if state != BriefingState.RUNNING or not wait or time.monotonic() > deadline:
            logger.info("briefing %s is %s: nothing to do", briefing_id, state)
            return None
        # Another delivery is making it, or was until a moment ago: a worker killed mid-way
        # gives its message straight back, while its stamp is still fresh. Wait and see.
        time.sleep(HEARTBEAT_EVERY)


@contextmanager
def _heartbeat(briefing_id: int, attempt: int, *, beating: bool) -> Iterator[None]:
    """Stamp the briefing every HEARTBEAT_EVERY seconds while the block runs: from a thread,
    since WeasyPrint lays the whole PDF out in one call."""
    if not beating:
        yield
        return
    stop = Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                try:
                    _mine(briefing_id, attempt).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.warning("briefing %s: heartbeat not stored", briefing_id, exc_info=True)
        finally:
            connections.close_all()

    Thread(target=beat, name=f"heartbeat-briefing-{briefing_id}", daemon=True).start()
    try:
        yield
    finally:
        stop.set()


def _mine(briefing_id: int, attempt: int) -> QuerySet[Briefing]:
    """The briefing, as long as this attempt is the one making it."""
    return Briefing.objects.filter(pk=briefing_id, state=BriefingState.RUNNING, attempts=attempt)


def _progress(briefing_id: int, attempt: int, percent: int) -> None:
    _mine(briefing_id, attempt).update(progress=percent, heartbeat_at=timezone.now())


def _fail(briefing_id: int, attempt: int, step: str, error: Exception) -> None:
    logger.exception("briefing %s failed while %s", briefing_id, step)
    _mine(briefing_id, attempt).update(
        state=BriefingState.FAILED,
        error=f"{STEP_FAILED[step]}:{type(error).__name__}: {error}",
        finished_at=timezone.now(),
    )

"""Every write to the 简报 (briefings): asking for one, asking again after a failure, and
making its PDF.

`briefing_request` and `briefing_retry` record the request and queue `briefing_generate`
once the request is committed, so a worker never looks for a row that is not there yet.
Without a broker (Celery eager) there is no worker: the task runs in a thread of the web
process instead, so that the page that asked answers at once and follows the progress.
`briefing_generate` is the Celery task that collects the figures
(reports.selectors.briefing), writes and renders them (reports.briefing_document) and
stores the PDF on the briefing, reporting its progress as it goes.
"""

import datetime
import logging
from threading import Thread

from celery import Task, shared_task
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.dates import day_text
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
    pk = briefing.pk
    transaction.on_commit(lambda: _send(pk))


def _send(briefing_id: int) -> None:
    """Hand the briefing to a worker or, without one, to a thread of this process.

    In-process Celery runs a task where it is sent: inside the request that asked for the
    briefing, which then hung for the seconds the PDF takes and arrived finished under a
    message saying it was still being made. Not a daemon thread: a server shutting down
    finishes the PDF rather than leaving the briefing queued for ever.
    """
    if not briefing_generate.app.conf.task_always_eager:
        briefing_generate.delay(briefing_id)
        return
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
        state=BriefingState.QUEUED, error="", progress=0, finished_at=None
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


def _progress(pk: int, percent: int) -> None:
    Briefing.objects.filter(pk=pk, state=BriefingState.RUNNING).update(progress=percent)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def briefing_generate(self: Task, briefing_id: int) -> None:
    """Make the PDF of one queued briefing and store it on the briefing."""
    # Only one worker moves it from queued to running; a second copy of the message
    # (a retry, a redelivery) finds it taken and stops.
    taken = Briefing.objects.filter(pk=briefing_id, state=BriefingState.QUEUED).update(
        state=BriefingState.RUNNING, progress=10, error="", started_at=timezone.now()
    )
    if not taken:
        logger.info("briefing %s is gone or not queued: nothing to do", briefing_id)
        return
    briefing = Briefing.objects.select_related("batch", "unit", "group").get(pk=briefing_id)
    step = "collect"
    try:
        data = briefing_collect(briefing)
        _progress(briefing_id, 40)
        step = "html"
        html = document.briefing_html(data, briefing)
        _progress(briefing_id, 60)
        step = "pdf"
        pdf = document.briefing_pdf(html)
        _progress(briefing_id, 90)
        step = "save"
        briefing.file.save(f"jianbao-{briefing.issue_number}.pdf", ContentFile(pdf), save=False)
    except OSError as error:
        if step == "save" and not self.request.is_eager and self.request.retries < self.max_retries:
            # The storage may be back in a moment: queue it again and let Celery retry
            # (autoretry_for). In-process there is no later: it fails now, the office retries.
            Briefing.objects.filter(pk=briefing_id, state=BriefingState.RUNNING).update(
                state=BriefingState.QUEUED
            )
            logger.warning("briefing %s: storage error, retrying: %s", briefing_id, error)
            raise
        _fail(briefing_id, step, error)
        return
    except Exception as error:
        _fail(briefing_id, step, error)
        return
    Briefing.objects.filter(pk=briefing_id, state=BriefingState.RUNNING).update(
        file=briefing.file.name,
        state=BriefingState.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    logger.info("briefing %s done: %s", briefing_id, briefing.file.name)


def _fail(briefing_id: int, step: str, error: Exception) -> None:
    logger.exception("briefing %s failed while %s", briefing_id, step)
    Briefing.objects.filter(pk=briefing_id, state=BriefingState.RUNNING).update(
        state=BriefingState.FAILED,
        error=f"{STEP_FAILED[step]}:{type(error).__name__}: {error}",
        finished_at=timezone.now(),
    )

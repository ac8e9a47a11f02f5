"""Background jobs of the campaign app: making the 简报 PDF, and the weekly briefing."""

import datetime
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from campaign import briefings
from campaign.models import Briefing, BriefingState, Campaign
from campaign.services_briefings import briefing_request, district_root

logger = logging.getLogger(__name__)

# What the office reads when a step fails, before the exception's own text.
STEP_FAILED = {
    "collect": "汇总简报数据时出错",
    "html": "排版简报时出错",
    "pdf": "生成PDF文件时出错",
    "save": "保存PDF文件时出错",
}


def _progress(pk, percent):
    Briefing.objects.filter(pk=pk, state=BriefingState.RUNNING).update(progress=percent)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def briefing_generate(self, briefing_id):
    """Make the PDF of one queued briefing and store it on the briefing."""
    # Only one worker moves it from queued to running; a second copy of the message
    # (a retry, a redelivery) finds it taken and stops.
    taken = Briefing.objects.filter(pk=briefing_id, state=BriefingState.QUEUED).update(
        state=BriefingState.RUNNING, progress=10, error="", started_at=timezone.now()
    )
    if not taken:
        logger.info("briefing %s is gone or not queued: nothing to do", briefing_id)
        return
    briefing = Briefing.objects.select_related("campaign", "unit", "group").get(pk=briefing_id)
    step = "collect"
    try:
        data = briefings.briefing_collect(briefing)
        _progress(briefing_id, 40)
        step = "html"
        html = briefings.briefing_html(data, briefing)
        _progress(briefing_id, 60)
        step = "pdf"
        pdf = briefings.briefing_pdf(html)
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


def _fail(briefing_id, step, error):
    logger.exception("briefing %s failed while %s", briefing_id, step)
    Briefing.objects.filter(pk=briefing_id, state=BriefingState.RUNNING).update(
        state=BriefingState.FAILED,
        error=f"{STEP_FAILED[step]}:{type(error).__name__}: {error}",
        finished_at=timezone.now(),
    )


@shared_task
def briefing_weekly():
    """The district's briefing of the last seven days, every Friday (Celery beat)."""
    campaign = Campaign.objects.current()
    root = district_root()
    today = timezone.localdate()
    if campaign is None or root is None:
        logger.info("weekly briefing skipped: no current campaign or no district")
        return None
    start = max(today - datetime.timedelta(days=6), campaign.starts_on)
    end = min(today, campaign.ends_on)
    if start > end:
        logger.info("weekly briefing skipped: %s is outside the campaign", today)
        return None
    briefing = briefing_request(user=None, unit=root, period_start=start, period_end=end)
    return briefing.pk


# A briefing renders in seconds; one still "running" after this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=15)


@shared_task
def briefing_sweep():
    """Mark briefings whose worker died mid-way as failed, so the office can retry them
    (a redelivered message would find them running and leave them so for ever)."""
    stalled = Briefing.objects.filter(
        state=BriefingState.RUNNING, started_at__lt=timezone.now() - STALLED_AFTER
    ).update(
        state=BriefingState.FAILED,
        error="生成中断:处理简报的后台进程停止了,请点击“重试”重新生成。",
        finished_at=timezone.now(),
    )
    if stalled:
        logger.warning("%s stalled briefing(s) marked failed", stalled)
    return stalled

"""The reports' scheduled jobs (Celery beat): the weekly district briefing, and the sweep
that fails briefings whose worker died. The PDF itself is made by
reports.services.briefings.briefing_generate."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from campaign.models import Batch
from reports.models import Briefing, BriefingState
from reports.services.briefings import briefing_request
from units.selectors import district_root

logger = logging.getLogger(__name__)


@shared_task
def briefing_weekly() -> int | None:
    """The district's briefing of the last seven days, every Friday (Celery beat)."""
    batch = Batch.objects.current()
    root = district_root()
    today = timezone.localdate()
    if batch is None or root is None:
        logger.info("weekly briefing skipped: no current campaign or no district")
        return None
    start = max(today - datetime.timedelta(days=6), batch.starts_on)
    end = min(today, batch.ends_on)
    if start > end:
        logger.info("weekly briefing skipped: %s is outside the campaign", today)
        return None
    briefing = briefing_request(user=None, unit=root, period_start=start, period_end=end)
    return briefing.pk


# A briefing renders in seconds; one still "running" after this long lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=15)


@shared_task
def briefing_sweep() -> int:
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

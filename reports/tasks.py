"""The reports' scheduled jobs (Celery beat): the weekly district briefing, and the sweep
that sends lost briefings again and fails those whose worker died. The PDF itself is made
by reports.services.briefings.briefing_generate."""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaign.models import Batch
from common.outbox import enqueue
from reports.models import Briefing, BriefingState, BriefingSweep
from reports.services.briefings import briefing_generate, briefing_request
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


# A briefing renders in seconds, and a worker killed mid-way has its message delivered
# again within about five minutes (the broker's visibility timeout): one still "running"
# with no sign of life after this long lost its worker and its message. One "queued" this
# long lost its message (Redis restarted without saving it, say).
STALLED_AFTER = datetime.timedelta(minutes=15)


@shared_task
def briefing_sweep() -> int:
    """Send again the briefings queued so long their message must be lost, and mark those
    whose worker died mid-way failed, so the office can retry them. Returns how many failed.
    Its runs are recorded: the briefings page warns when they stop (no beat)."""
    now = timezone.now()
    BriefingSweep.objects.update_or_create(pk=1, defaults={"ran_at": now})
    cutoff = now - STALLED_AFTER
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    stalled = (
        Briefing.objects.filter(state=BriefingState.RUNNING)
        .filter(silent)
        .update(
            state=BriefingState.FAILED,
            error="生成中断:处理简报的后台进程停止了,请点击“重试”重新生成。",
            finished_at=now,
        )
    )
    if stalled:
        logger.warning("%s stalled briefing(s) marked failed", stalled)
    unsent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, requested_at__lt=cutoff)
    with transaction.atomic():
        lost = list(
            Briefing.objects.select_for_update(skip_locked=True)
            .filter(unsent, state=BriefingState.QUEUED)
            .values_list("pk", flat=True)
        )
        # A second message for one that was only waiting its turn does no harm: the first
        # delivery takes it, the other finds it taken.
        Briefing.objects.filter(pk__in=lost).update(heartbeat_at=now)
        for pk in lost:
            enqueue(briefing_generate, pk)
    if lost:
        logger.warning("briefing(s) %s queued for long: sent again", lost)
    return stalled

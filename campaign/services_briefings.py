"""Every write to the 简报 (briefings): asking for one, and asking again after a failure.

The PDF itself is made in the background by `campaign.tasks.briefing_generate`; these
functions record the request and queue that task once the request is committed, so a
worker never looks for a row that is not there yet.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Briefing, BriefingState, Campaign
from units.models import Unit

logger = logging.getLogger(__name__)


def _day(value):
    return date_format(value, "Y年n月j日")


def district_root():
    """The district itself (区委): the root of the unit tree."""
    return Unit.objects.filter(parent__isnull=True).order_by("path").first()


def briefing_next_issue(campaign):
    """期号 of the next briefing: one more than the highest of the campaign's so far."""
    last = Briefing.objects.filter(campaign=campaign).aggregate(n=Max("issue_number"))["n"]
    return (last or 0) + 1


def _queue(briefing):
    from campaign.tasks import briefing_generate

    pk = briefing.pk
    transaction.on_commit(lambda: briefing_generate.delay(pk))


@transaction.atomic
def briefing_request(
    *, user, unit=None, group=None, issue_number=None, period_start, period_end, copies=None
):
    """Ask for a briefing of one scope: the district (its root unit), a unit's subtree or a
    supervision group. `user` is None for the weekly briefing made on schedule.

    The 期号 defaults to the next one; a 期号 already used in the campaign is refused.
    """
    if (unit is None) == (group is None):
        raise ValidationError(_("请选择简报的范围:全区、一个党委或一个督导组。"))
    current = Campaign.objects.current()
    if current is None:
        raise ValidationError(_("尚未设置当前批次,请先由区委先进性教育办公室制定活动安排。"))
    # Locking the campaign serialises requests, so two can't take the same 期号.
    campaign = Campaign.objects.select_for_update().get(pk=current.pk)
    if period_start > period_end:
        raise ValidationError({"period_end": _("统计截止日期不能早于起始日期。")})
    if period_start < campaign.starts_on or period_end > campaign.ends_on:
        raise ValidationError(
            {
                "period_start": _("统计期间应在本批次活动期间(%(start)s至%(end)s)内。")
                % {"start": _day(campaign.starts_on), "end": _day(campaign.ends_on)}
            }
        )
    if issue_number is None:
        issue_number = briefing_next_issue(campaign)
    elif Briefing.objects.filter(campaign=campaign, issue_number=issue_number).exists():
        raise ValidationError(
            {
                "issue_number": _("第%(n)d期简报已经有了,下一期是第%(next)d期。")
                % {"n": issue_number, "next": briefing_next_issue(campaign)}
            }
        )
    briefing = Briefing(
        campaign=campaign,
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
def briefing_retry(*, briefing, user):
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

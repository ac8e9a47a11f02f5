"""简报 (briefings): the list with the request form, a briefing's progress, its PDF.

The office briefs on the district, a 党委 or a supervision group; a supervision group on
itself. The PDF is made by a Celery task (reports.services.briefings.briefing_generate),
never inside the request that asks for it; the detail page shows the state and percent
the job stored and polls `briefing_status` until it is done or failed.

Both warn when Celery beat seems to be down (the sweep that sends lost briefings again has
not run for an hour).

Query budget: the list costs the same queries however many briefings there are; a
briefing's own pages a few (at most six for the detail page).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from campaign.models import Batch
from common.pagination import page_of
from reports.forms import BriefingRequestForm
from reports.models import Briefing, BriefingState, BriefingSweep
from reports.services import briefings as services
from units.models import SupervisionGroup
from units.permissions import has_perm, require, scope_for
from units.selectors import district_root

PER_PAGE = 20
PENDING = (BriefingState.QUEUED, BriefingState.RUNNING)
# Beat runs the sweep every ten minutes (CELERY_BEAT_SCHEDULE): six runs missed.
BEAT_SILENT_AFTER = datetime.timedelta(hours=1)


def _briefable_groups(user):
    """(whether the user briefs as the office, the supervision groups they may brief on),
    or PermissionDenied if they may brief on nothing at all."""
    scope = scope_for(user)
    if has_perm(user, "request_briefing"):
        return True, SupervisionGroup.objects.all()
    if not scope.groups:
        raise PermissionDenied
    return False, SupervisionGroup.objects.filter(pk__in=scope.groups)


def _briefing(request, pk):
    briefing = get_object_or_404(
        Briefing.objects.select_related("batch", "unit", "group", "requested_by"), pk=pk
    )
    require(request.user, "request_briefing", briefing.group or briefing.unit)
    return briefing


def _beat_missing():
    """Whether the sweep (reports.tasks.briefing_sweep) has not run for an hour, i.e. Celery
    beat is not running. In-process (no broker) there is no beat to miss."""
    if services.briefing_generate.app.conf.task_always_eager:
        return False
    sweep = BriefingSweep.objects.first()
    return sweep is None or sweep.ran_at < timezone.now() - BEAT_SILENT_AFTER


def _default_period(batch):
    """The last seven days, kept inside the campaign."""
    end = min(max(timezone.localdate(), batch.starts_on), batch.ends_on)
    start = max(end - datetime.timedelta(days=6), batch.starts_on)
    return start, end


@login_required
def briefing_list(request):
    is_office, groups = _briefable_groups(request.user)
    batch = Batch.objects.current()
    briefings = Briefing.objects.select_related("unit", "group", "requested_by")
    if not is_office:
        briefings = briefings.filter(group__in=groups)
    form = None
    if batch is not None:
        start, end = _default_period(batch)
        form = BriefingRequestForm(
            request.POST if request.method == "POST" else None,
            is_office=is_office,
            groups=groups,
            initial={
                "scope": "district" if is_office else "group",
                "group": groups.first() if not is_office else None,
                "period_start": start,
                "period_end": end,
                "issue_number": services.briefing_next_issue(batch),
            },
        )
        if request.method == "POST" and form.is_valid():
            briefing = _request(request, form)
            if briefing is not None:
                # Its state is the page's to show: by the time it opens, the job may be
                # waiting, under way, finished or failed.
                messages.success(request, _("已申请第%(n)d期简报。") % {"n": briefing.issue_number})
                return redirect("reports:briefing_detail", pk=briefing.pk)
    page = page_of(request, briefings, PER_PAGE)
    return render(
        request,
        "reports/briefings/list.html",
        {
            "batch": batch,
            "form": form,
            "briefings": page,
            "is_office": is_office,
            "beat_missing": _beat_missing(),
        },
    )


def _request(request, form):
    """Ask the service for the briefing; its rule errors land on the form."""
    scope = form.scope_kwargs(district_root())
    require(request.user, "request_briefing", scope.get("group") or scope.get("unit"))
    try:
        return services.briefing_request(
            user=request.user,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            issue_number=form.cleaned_data["issue_number"],
            copies=form.cleaned_data["copies"],
            **scope,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_safe
def briefing_detail(request, pk):
    briefing = _briefing(request, pk)
    pending = briefing.state in PENDING
    return render(
        request,
        "reports/briefings/detail.html",
        {"briefing": briefing, "pending": pending, "beat_missing": pending and _beat_missing()},
    )


@login_required
@require_safe
def briefing_status(request, pk):
    """What the detail page polls: state and progress, and where to download when done."""
    briefing = _briefing(request, pk)
    done = briefing.state == BriefingState.DONE
    return JsonResponse(
        {
            "state": briefing.state,
            "state_label": briefing.get_state_display(),
            "progress": briefing.progress,
            "error": briefing.error,
            "download_url": reverse("reports:briefing_download", args=[briefing.pk])
            if done
            else None,
        }
    )


@login_required
@require_safe
def briefing_download(request, pk):
    briefing = _briefing(request, pk)
    if briefing.state != BriefingState.DONE or not briefing.file:
        raise Http404
    try:
        handle = briefing.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"先进性教育活动简报第{briefing.issue_number}期.pdf",
    )


@login_required
@require_POST
def briefing_retry(request, pk):
    briefing = _briefing(request, pk)
    try:
        services.briefing_retry(briefing=briefing, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("已重新申请生成第%(n)d期简报。") % {"n": briefing.issue_number})
    return redirect("reports:briefing_detail", pk=briefing.pk)


urlpatterns = [
    path("briefings/", briefing_list, name="briefing_list"),
    path("briefings/<int:pk>/", briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/status/", briefing_status, name="briefing_status"),
    path("briefings/<int:pk>/download/", briefing_download, name="briefing_download"),
    path("briefings/<int:pk>/retry/", briefing_retry, name="briefing_retry"),
]

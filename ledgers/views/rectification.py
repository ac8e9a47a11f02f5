"""边学边查边改: the rectification ledger of a unit, and the public 群众满意度测评.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚"

The ledger is read by everyone whose scope holds the unit and kept by its secretary or the
leader above it; its supervision group may file what it found (督导检查). The survey page
is public: anyone with the unit's link or QR code answers it, without logging in, once a
day per device, and an opinion left there waits in the unit's inbox (待核实), which its
keepers alone open, until they take it into the ledger as 群众意见 (采纳) or set it aside
(不采纳); its poster for the 宣传栏 (PDF and PNG, ledgers.posters) is for whoever reads
the ledger. The ledger's pages, the inbox and the survey's results cost the same number of
queries however many items, opinions and answers there are; the public page costs 2.
"""

import io
import re
import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common import throttle
from common.forms import add_service_error
from common.pagination import page_of
from ledgers import posters
from ledgers.forms.rectification import (
    OpinionAcceptForm,
    OpinionDismissForm,
    RectificationFilterForm,
    RectificationItemForm,
    SurveyForm,
)
from ledgers.models import RectificationItem, RectificationSource
from ledgers.selectors import rectification as selectors
from ledgers.services import rectification as services
from units.models import Unit
from units.permissions import has_perm, require, scope_for
from units.shortcuts import get_unit

PER_PAGE = 30

# The device cookie of the public survey: random, long, only ever hashed server-side.
DEVICE_COOKIE = "survey_device"

DEVICE_COOKIE_AGE = 365 * 24 * 60 * 60

DEVICE_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")

# Answers one client address may send per hour, across all units.
RATE_LIMIT = 20

RATE_WINDOW = 60 * 60


def _get_item(request: HttpRequest, pk: int, action: str = "view_ledger") -> RectificationItem:
    item = get_object_or_404(RectificationItem.objects.select_related("unit", "created_by"), pk=pk)
    require(request.user, action, item.unit)
    return item


def _may_add_items(user: AbstractBaseUser, unit: Unit) -> bool:
    """Keepers file any problem; the unit's supervision group files what it found."""
    return has_perm(user, "keep_ledger", unit) or scope_for(user).supervises(unit)


# The rectification ledger ------------------------------------------------------------------


@login_required
@require_safe
def rectification_items(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    today = timezone.localdate()
    filter_form = RectificationFilterForm(request.GET)
    items = selectors.rectification_items(unit, today=today, **filter_form.filters())
    page = page_of(request, items, PER_PAGE)
    can_keep = has_perm(request.user, "keep_ledger", unit)
    return render(
        request,
        "ledgers/rectification/items.html",
        {
            "unit": unit,
            "page": page,
            "filter_form": filter_form,
            "filtered": bool(filter_form.filters()),
            "summary": selectors.rectification_summary(unit, today),
            "by_unit": [] if unit.is_branch else selectors.rectification_by_unit(unit, today),
            "can_add": _may_add_items(request.user, unit),
            "pending_opinions": selectors.pending_opinion_count(unit) if can_keep else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rectification_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    if has_perm(request.user, "keep_ledger", unit):
        for_supervisor = False
    elif scope_for(request.user).supervises(unit):
        for_supervisor = True
    else:
        raise PermissionDenied
    form = RectificationItemForm(request.POST or None, for_supervisor=for_supervisor)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if for_supervisor:
            fields["source"] = RectificationSource.SUPERVISION
        try:
            item = services.rectification_item_create(unit=unit, user=request.user, **fields)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("问题已登记。"))
            return redirect("ledgers:rectification_item", pk=item.pk)
    return render(
        request,
        "ledgers/rectification/item_form.html",
        {"form": form, "unit": unit, "for_supervisor": for_supervisor},
    )


@login_required
@require_safe
def rectification_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_item(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "ledgers/rectification/item.html",
        {
            "item": item,
            "unit": item.unit,
            "is_overdue": selectors.is_overdue(item, today),
            "history": selectors.item_history(item),
            "can_keep": has_perm(request.user, "keep_ledger", item.unit),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rectification_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_item(request, pk, "keep_ledger")
    form = RectificationItemForm(
        request.POST or None, item=item, initial=RectificationItemForm.initial_for(item)
    )
    if request.method == "POST" and form.is_valid():
        try:
            _item, changes = services.rectification_item_update(
                item=item, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if changes:
                messages.success(request, _("已保存,修改已记录在整改记录中。"))
            else:
                messages.info(request, _("没有修改。"))
            return redirect("ledgers:rectification_item", pk=item.pk)
    return render(
        request,
        "ledgers/rectification/item_form.html",
        {"form": form, "unit": item.unit, "item": item},
    )


# The satisfaction survey: results for the unit's people, the public page for anyone -------


def _survey_url(request: HttpRequest, unit: Unit) -> str:
    return request.build_absolute_uri(reverse("ledgers:survey", args=[services.survey_token(unit)]))


@login_required
@require_safe
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    can_keep = has_perm(request.user, "keep_ledger", unit)
    return render(
        request,
        "ledgers/rectification/survey_results.html",
        {
            "unit": unit,
            "results": selectors.survey_results(unit),
            "by_unit": [] if unit.is_branch else selectors.survey_by_unit(unit),
            "survey_url": _survey_url(request, unit),
            "pending_opinions": selectors.pending_opinion_count(unit) if can_keep else None,
        },
    )


@login_required
@require_safe
def survey_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The public survey link as a QR code, to print and put up where the public comes."""
    unit = get_unit(request, pk, "view_ledger")
    url = _survey_url(request, unit)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=8,
        border=2,
        title=_("%(unit)s群众满意度测评:%(url)s") % {"unit": unit.name, "url": url},
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
@require_safe
def survey_poster(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The survey's poster for the unit's 宣传栏: its name, the QR code, the link and what
    the survey is for; an A4 PDF to print, or a PNG."""
    unit = get_unit(request, pk, "view_ledger")
    url = _survey_url(request, unit)
    if kind == "pdf":
        data, content_type = posters.survey_poster_pdf(unit=unit, url=url), "application/pdf"
    else:
        data, content_type = posters.survey_poster_png(unit=unit, url=url), "image/png"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False,
        filename=_("%(unit)s群众满意度测评.%(kind)s") % {"unit": unit.name, "kind": kind},
    )
    return response


# The inbox of the public's opinions (待核实): the unit's keepers only -----------------------

OPINION_KEY = re.compile(r"[0-9a-f]{64}")


@login_required
@require_safe
def survey_inbox(request: HttpRequest, pk: int) -> HttpResponse:
    """What the public said, not yet checked: one row for the same words however many
    said them, most raised first; above a branch, which units below have opinions waiting."""
    unit = get_unit(request, pk, "keep_ledger")
    groups = selectors.survey_inbox(unit)
    return render(
        request,
        "ledgers/rectification/survey_inbox.html",
        {
            "unit": unit,
            "groups": groups,
            "pending": sum(group["count"] for group in groups),
            "cap": settings.SURVEY_PENDING_CAP,
            "dropped": selectors.opinions_dropped(unit),
            "by_unit": [] if unit.is_branch else selectors.pending_opinions_by_unit(unit),
        },
    )


def _opinion_group(request: HttpRequest, pk: int, key: str) -> tuple[Unit, dict | None]:
    """The unit (for its keepers) and the opinions of it waiting that say `key`'s words,
    None when none waits any more."""
    unit = get_unit(request, pk, "keep_ledger")
    if not OPINION_KEY.fullmatch(key):
        raise Http404
    return unit, selectors.survey_inbox_group(unit, key)


def _already_decided(request: HttpRequest, unit: Unit) -> HttpResponse:
    messages.info(request, _("这条意见已经处理过了。"))
    return redirect("ledgers:survey_inbox", pk=unit.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_opinion_accept(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """采纳: filed as one 群众意见 problem, then on to its form for the measure, the person
    responsible and the deadline; or joined to the open problem that already says it."""
    unit, group = _opinion_group(request, pk, key)
    if group is None:
        return _already_decided(request, unit)
    form = OpinionAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item, created = services.survey_opinion_accept(
                unit=unit, text_key=key, user=request.user, **form.cleaned_data
            )
        except services.OpinionError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("ledgers:survey_inbox", pk=unit.pk)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("已采纳,登记为整改问题(来源“群众意见”)。请填写整改措施、责任人和整改时限。"),
                )
                return redirect("ledgers:rectification_item_edit", pk=item.pk)
            messages.success(request, _("已采纳,并入已登记的同一问题,没有重复登记。"))
            return redirect("ledgers:survey_inbox", pk=unit.pk)
    return render(
        request,
        "ledgers/rectification/opinion_accept.html",
        {"unit": unit, "group": group, "form": form},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_opinion_dismiss(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """不采纳, with the reason if one is given; the opinions stay on record, marked."""
    unit, group = _opinion_group(request, pk, key)
    if group is None:
        return _already_decided(request, unit)
    form = OpinionDismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_opinion_dismiss(
                unit=unit, text_key=key, user=request.user, **form.cleaned_data
            )
        except services.OpinionError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("ledgers:survey_inbox", pk=unit.pk)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已标为不采纳。"))
            return redirect("ledgers:survey_inbox", pk=unit.pk)
    return render(
        request,
        "ledgers/rectification/opinion_dismiss.html",
        {"unit": unit, "group": group, "form": form},
    )


def _over_rate_limit(request: HttpRequest) -> bool:
    """Count this answer against the client address's hourly allowance."""
    address = throttle.client_address(request)
    return throttle.attempts_hit(f"survey:{address}", window=RATE_WINDOW) > RATE_LIMIT


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        unit_id = services.survey_unit_id(token)
    except signing.BadSignature:
        raise Http404 from None
    unit = get_object_or_404(Unit, pk=unit_id)
    device = request.COOKIES.get(DEVICE_COOKIE, "")
    new_device = not DEVICE_PATTERN.fullmatch(device)
    if new_device:
        device = secrets.token_urlsafe(32)
    today = timezone.localdate()
    state = "form"
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        if _over_rate_limit(request):
            return render(request, "ledgers/public/too_many.html", {"unit": unit}, status=429)
        if form.is_valid():
            try:
                services.survey_answer(unit=unit, device=device, day=today, **form.cleaned_data)
            except services.AlreadyAnswered:
                state = "already"
            except ValidationError as error:
                add_service_error(form, error)
            else:
                response = redirect(f"{request.path}?thanks=1")
                _remember_device(response, request, device)
                return response
    elif request.GET.get("thanks"):
        state = "thanks"
    elif not new_device and services.survey_answered(unit=unit, device=device, day=today):
        state = "already"
    response = render(
        request, "ledgers/public/survey.html", {"unit": unit, "form": form, "state": state}
    )
    if new_device:
        _remember_device(response, request, device)
    return response


def _remember_device(response: HttpResponse, request: HttpRequest, device: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


urlpatterns = [
    path("units/<int:pk>/rectification/", rectification_items, name="rectification_items"),
    path(
        "units/<int:pk>/rectification/new/",
        rectification_item_create,
        name="rectification_item_create",
    ),
    path("rectification/<int:pk>/", rectification_item, name="rectification_item"),
    path("rectification/<int:pk>/edit/", rectification_item_edit, name="rectification_item_edit"),
    path("units/<int:pk>/survey/", survey_results, name="survey_results"),
    path("units/<int:pk>/survey/qr.svg", survey_qr, name="survey_qr"),
    path(
        "units/<int:pk>/survey/poster.pdf", survey_poster, {"kind": "pdf"}, name="survey_poster_pdf"
    ),
    path(
        "units/<int:pk>/survey/poster.png", survey_poster, {"kind": "png"}, name="survey_poster_png"
    ),
    path("units/<int:pk>/survey/opinions/", survey_inbox, name="survey_inbox"),
    path(
        "units/<int:pk>/survey/opinions/<str:key>/accept/",
        survey_opinion_accept,
        name="survey_opinion_accept",
    ),
    path(
        "units/<int:pk>/survey/opinions/<str:key>/dismiss/",
        survey_opinion_dismiss,
        name="survey_opinion_dismiss",
    ),
    path("public/<str:token>/", survey, name="survey"),
]

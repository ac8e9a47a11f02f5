"""The integrity record (廉洁自律) pages of a unit: its subtree's records with their
totals as the speech writes them, and recording, correcting or deleting one.

"严格遵守党风廉政建设的各项规定,坚持廉洁自律……拒吃请30余人次,拒收购物券15张价值4500
余元,拒收信息费、礼金45000余元。"

A tab of the unit's 边学边查边改 pages. Read by everyone whose scope holds the unit and
kept by its secretary or the leader above it; a correction or deletion is kept and listed
under the records. The list costs the same number of queries however many records there
are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from common.forms import add_service_error
from common.pagination import page_of
from ledgers.forms.corrections import DeletionForm
from ledgers.forms.integrity import IntegrityCorrectionForm, IntegrityRecordForm
from ledgers.models import CorrectedLedger, IntegrityRecord
from ledgers.selectors import integrity as selectors
from ledgers.services import integrity as services
from ledgers.services.corrections import ledger_corrections
from ledgers.views.corrections import kept_record, report_correction
from units.permissions import has_perm
from units.shortcuts import get_unit

PER_PAGE = 30


def _get_integrity_record(request: HttpRequest, pk: int) -> IntegrityRecord:
    return kept_record(request, IntegrityRecord.objects.select_related("unit", "recorded_by"), pk)


@login_required
@require_safe
def integrity_records(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    page = page_of(request, selectors.integrity_records(unit), PER_PAGE)
    # A page above the branches can hold records of units the user keeps and of units
    # they only read; the scope is cached, so asking row by row costs no query.
    for record in page:
        record.can_keep = has_perm(request.user, "keep_ledger", record.unit)
    return render(
        request,
        "ledgers/integrity/integrity.html",
        {
            "unit": unit,
            "page": page,
            "totals": selectors.integrity_totals(unit),
            "can_keep": has_perm(request.user, "keep_ledger", unit),
            "corrections": ledger_corrections(unit, CorrectedLedger.INTEGRITY),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def integrity_record_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "keep_ledger")
    form = IntegrityRecordForm(request.POST or None, initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.integrity_record_create(unit=unit, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已登记廉洁自律情况。"))
            return redirect("ledgers:integrity_records", pk=unit.pk)
    return render(request, "ledgers/integrity/integrity_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def integrity_record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_integrity_record(request, pk)
    form = IntegrityCorrectionForm(
        request.POST or None, initial=IntegrityCorrectionForm.initial_for(record)
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason")
        try:
            _record, changes = services.integrity_record_correct(
                record=record, user=request.user, reason=reason, **values
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            report_correction(request, changes)
            return redirect("ledgers:integrity_records", pk=record.unit_id)
    return render(
        request,
        "ledgers/integrity/integrity_form.html",
        {"form": form, "unit": record.unit, "record": record},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def integrity_record_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_integrity_record(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.integrity_record_delete(
                record=record, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已删除廉洁自律记录:%(record)s。") % {"record": record})
            return redirect("ledgers:integrity_records", pk=record.unit_id)
    return render(
        request,
        "ledgers/integrity/integrity_delete.html",
        {"form": form, "unit": record.unit, "record": record},
    )


urlpatterns = [
    path("units/<int:pk>/integrity/", integrity_records, name="integrity_records"),
    path("units/<int:pk>/integrity/new/", integrity_record_create, name="integrity_record_create"),
    path("integrity/<int:pk>/edit/", integrity_record_edit, name="integrity_record_edit"),
    path("integrity/<int:pk>/delete/", integrity_record_delete, name="integrity_record_delete"),
]

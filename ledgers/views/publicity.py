"""The publicity pages: a unit's checklist of the five items (recording, correcting and
deleting a record), and the overview of a subtree with the empty 宣传栏 first.

"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报。"

Read by all who see the unit and kept by its secretary or the leader above it
(view_ledger / keep_ledger); a correction stays on the list. The checklist costs 10
queries and the overview 7, however many records and units there are
(tests/ledgers/test_publicity.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.corrections import DeletionForm
from ledgers.forms.publicity import PublicityCheckCorrectionForm, PublicityCheckForm
from ledgers.models import CorrectedLedger, PublicityCheck, PublicityItem
from ledgers.selectors import publicity as selectors
from ledgers.services import publicity as services
from ledgers.services.corrections import ledger_corrections
from ledgers.views.corrections import kept_record, report_correction
from units.permissions import has_perm
from units.shortcuts import get_unit

PER_PAGE = 20


@login_required
def publicity_checks(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    can_keep = has_perm(request.user, "keep_ledger", unit)
    if request.method == "POST" and not can_keep:
        raise PermissionDenied
    form = None
    if can_keep:
        form = PublicityCheckForm(request.POST or None, initial={"done_on": timezone.localdate()})
    check = request.method == "POST" and form_save(
        form, services.publicity_check_record, unit=unit, user=request.user
    )
    if check:
        messages.success(request, _("已登记“%(item)s”。") % {"item": check.get_item_display()})
        return redirect("ledgers:publicity_checks", pk=unit.pk)
    records = PublicityCheck.objects.filter(unit=unit).select_related("recorded_by")
    return render(
        request,
        "ledgers/publicity/checks.html",
        {
            "unit": unit,
            "form": form,
            "items": selectors.publicity_latest(unit),
            "records": page_of(request, records.order_by("-done_on", "-pk"), PER_PAGE),
            "can_keep": can_keep,
            "corrections": ledger_corrections(unit, CorrectedLedger.PUBLICITY),
        },
    )


def _kept_check(request: HttpRequest, pk: int) -> PublicityCheck:
    return kept_record(request, PublicityCheck.objects.select_related("unit__parent"), pk)


@login_required
def publicity_check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check = _kept_check(request, pk)
    form = PublicityCheckCorrectionForm(
        request.POST or None,
        initial={name: getattr(check, name) for name in services.PUBLICITY_FIELDS},
    )
    corrected = request.method == "POST" and form_save(
        form, services.publicity_check_correct, check=check, user=request.user
    )
    if corrected:
        _saved, changes = corrected
        report_correction(request, changes)
        return redirect("ledgers:publicity_checks", pk=check.unit_id)
    return render(
        request,
        "ledgers/publicity/check_edit.html",
        {"unit": check.unit, "check": check, "form": form},
    )


@login_required
def publicity_check_delete(request: HttpRequest, pk: int) -> HttpResponse:
    check = _kept_check(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form_save(
        form, services.publicity_check_delete, check=check, user=request.user
    ):
        messages.success(
            request,
            _("已删除“%(item)s”的一条记录,删除前的内容已记入更正记录。")
            % {"item": check.get_item_display()},
        )
        return redirect("ledgers:publicity_checks", pk=check.unit_id)
    return render(
        request,
        "ledgers/publicity/check_delete.html",
        {"unit": check.unit, "check": check, "form": form},
    )


@login_required
def publicity_overview(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    rows = list(selectors.publicity_overview([unit.path]))
    return render(
        request,
        "ledgers/publicity/overview.html",
        {
            "unit": unit,
            "rows": rows,
            "empty_boards": sum(1 for row in rows if row.last_bulletin_board is None),
            "items": PublicityItem.choices,
        },
    )


urlpatterns = [
    path("units/<int:pk>/publicity/", publicity_checks, name="publicity_checks"),
    path("publicity/<int:pk>/edit/", publicity_check_edit, name="publicity_check_edit"),
    path("publicity/<int:pk>/delete/", publicity_check_delete, name="publicity_check_delete"),
    path("units/<int:pk>/publicity/overview/", publicity_overview, name="publicity_overview"),
]

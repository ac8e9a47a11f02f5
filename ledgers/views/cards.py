"""The 五卡 pages of a unit: the cards its subtree gave out and got back of each card type,
the records, and correcting or deleting one.

"通过开展“二三五”主题实践活动,推行“五卡”": the cards are a tab of the unit's 二三五 pages,
with the paths and names they always had (practice/…, practice_card…); the office sets the
card types on the 二三五 settings page (ledgers.views.practice).

Read by everyone whose scope holds the unit; kept (and corrected, with every correction
kept) by the unit's secretary or the leader above it. The list costs the same number of
queries however many records and corrections there are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaign.models import Batch
from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.cards import CardRecordCorrectionForm, CardRecordForm
from ledgers.forms.corrections import DeletionForm
from ledgers.models import CardRecord, CorrectedLedger
from ledgers.selectors import cards as selectors
from ledgers.services import cards as services
from ledgers.services.corrections import ledger_corrections
from ledgers.views.corrections import kept_record, mark_keepable, report_correction
from units.permissions import has_perm, require
from units.shortcuts import get_unit

PER_PAGE = 20


@login_required
def practice_cards(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    batch = Batch.objects.current()
    can_keep = has_perm(request.user, "keep_ledger", unit)
    form = None
    if batch is not None and can_keep:
        form = CardRecordForm(
            request.POST or None, batch=batch, initial={"recorded_on": timezone.localdate()}
        )
    if request.method == "POST":
        require(request.user, "keep_ledger", unit)
        if form is None:
            raise Http404
        record = form_save(form, services.card_record, unit=unit, user=request.user)
        if record is not None:
            messages.success(
                request,
                _("已登记%(card)s:发出%(issued)d张,收回%(returned)d张。")
                % {
                    "card": record.card_type.name,
                    "issued": record.issued,
                    "returned": record.returned,
                },
            )
            return redirect("ledgers:practice_cards", pk=unit.pk)
    totals = selectors.card_totals(unit, batch=batch) if batch else []
    records = selectors.card_records_under(unit, batch=batch).select_related(
        "unit", "card_type", "recorded_by"
    )
    return render(
        request,
        "ledgers/cards/cards.html",
        {
            "unit": unit,
            "batch": batch,
            "totals": totals,
            "page": mark_keepable(request.user, page_of(request, records, PER_PAGE)),
            "corrections": ledger_corrections(unit, CorrectedLedger.CARD),
            "form": form,
            "can_keep": can_keep,
            "tab": "cards",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_card_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = kept_record(request, CardRecord.objects.select_related("unit", "card_type"), pk)
    form = CardRecordCorrectionForm(request.POST or None, record=record)
    if request.method == "POST":
        corrected = form_save(form, services.card_record_correct, record=record, user=request.user)
        if corrected is not None:
            _record, changes = corrected
            report_correction(request, changes)
            return redirect("ledgers:practice_cards", pk=record.unit_id)
    return render(
        request,
        "ledgers/cards/card_form.html",
        {"unit": record.unit, "record": record, "form": form, "tab": "cards"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_card_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = kept_record(
        request, CardRecord.objects.select_related("unit", "card_type", "recorded_by"), pk
    )
    form = DeletionForm(request.POST or None)
    deleted = request.method == "POST" and form_save(
        form, services.card_record_delete, record=record, user=request.user
    )
    if deleted:
        messages.success(
            request,
            _("已删除%(card)s的一条记录:发出%(issued)d张,收回%(returned)d张。")
            % {"card": record.card_type.name, "issued": record.issued, "returned": record.returned},
        )
        return redirect("ledgers:practice_cards", pk=record.unit_id)
    return render(
        request,
        "ledgers/cards/card_delete.html",
        {"unit": record.unit, "record": record, "form": form, "tab": "cards"},
    )


urlpatterns = [
    path("practice/units/<int:pk>/cards/", practice_cards, name="practice_cards"),
    path("practice/cards/<int:pk>/edit/", practice_card_edit, name="practice_card_edit"),
    path("practice/cards/<int:pk>/delete/", practice_card_delete, name="practice_card_delete"),
]

"""What every ledger's correct and delete pages share: the reason fields and the message
that says what was corrected. The rules and the record of the correction are in
campaign.services_corrections."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from common.dates import shown_value
from units.permissions import require


def kept_record(request, queryset, pk):
    """A ledger record the user may correct: its unit's ledgers are theirs to keep (404
    when the unit is unseen, 403 when it is only read)."""
    record = get_object_or_404(queryset, pk=pk)
    require(request.user, "keep_ledger", record.unit)
    return record


def _shown(value):
    # A whole paragraph would drown the message; the correction keeps it whole.
    return Truncator(shown_value(value)).chars(20) if value else _("(空)")


def report_correction(request, changes):
    """「已更正:听课人数 450 → 45。」, or 「没有改动。」 when the form was saved unchanged."""
    if not changes:
        messages.info(request, _("没有改动。"))
        return
    described = ";".join(
        f"{label} {_shown(before)} → {_shown(after)}" for label, (before, after) in changes.items()
    )
    messages.success(request, _("已更正:%(changes)s。") % {"changes": described})

"""What every ledger's correct and delete pages share: the reason fields and the message
that says what was corrected. The rules and the record of the correction are in
campaign.services_corrections."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from campaign.services_corrections import REASON_MAX_LENGTH
from units.permissions import require


def kept_record(request, queryset, pk):
    """A ledger record the user may correct: its unit's ledgers are theirs to keep (404
    when the unit is unseen, 403 when it is only read)."""
    record = get_object_or_404(queryset, pk=pk)
    require(request.user, "keep_ledgers", record.unit)
    return record


def correction_reason(placeholder):
    """The 更正原因 field of a correction form. Not required here: saving unchanged writes
    nothing and needs no reason, so the service, which knows whether anything changed,
    asks for it."""
    return forms.CharField(
        label=_("更正原因"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("有改动时必填,与改动一起记入更正记录。"),
        widget=forms.TextInput(attrs={"placeholder": placeholder}),
        error_messages={"max_length": _("更正原因不超过%(limit_value)d个字。")},
    )


class DeletionForm(forms.Form):
    """删除: what the record said is kept with this reason."""

    reason = forms.CharField(
        label=_("删除原因"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("记入更正记录,删除后仍可查看删了什么、为什么删。"),
        widget=forms.TextInput(attrs={"placeholder": _("如:重复登记")}),
        error_messages={
            "required": _("请写明删除原因,如“重复登记”。"),
            "max_length": _("删除原因不超过%(limit_value)d个字。"),
        },
    )


def _shown(value):
    # A whole paragraph would drown the message; the correction keeps it whole.
    return Truncator(value).chars(20) if value else _("(空)")


def report_correction(request, changes):
    """「已更正:听课人数 450 → 45。」, or 「没有改动。」 when the form was saved unchanged."""
    if not changes:
        messages.info(request, _("没有改动。"))
        return
    described = ";".join(
        f"{label} {_shown(before)} → {_shown(after)}" for label, (before, after) in changes.items()
    )
    messages.success(request, _("已更正:%(changes)s。") % {"changes": described})

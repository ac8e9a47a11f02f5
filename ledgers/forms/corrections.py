"""What every ledger's correct and delete forms share: the 更正原因 field, and the form
that asks why a record is deleted. The rules and the record of the correction are in
ledgers.services.corrections."""

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ledgers.services.corrections import REASON_MAX_LENGTH


def correction_reason(placeholder: Promise) -> forms.CharField:
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

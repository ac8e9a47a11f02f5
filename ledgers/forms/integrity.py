"""Input for the integrity record (廉洁自律), and for correcting one.

The forms check what one field can tell (a date, a number); the record's rules (nothing
refused in the future, a record needs a figure, a voucher value needs the vouchers) live
in ledgers.services.integrity and come back as errors on these fields.
"""

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from ledgers.forms.corrections import correction_reason
from ledgers.forms.rectification import DATE_ERRORS
from ledgers.models import IntegrityRecord


def _count(label: Promise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0"}),
        error_messages={
            "invalid": _("请填写整数。"),
            "min_value": _("不能是负数。"),
        },
    )


def _yuan(label: Promise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "inputmode": "decimal", "placeholder": "0"}
        ),
        error_messages={
            "invalid": _("请填写金额(元),如 4500 或 4500.50。"),
            "min_value": _("不能是负数。"),
            "max_decimal_places": _("金额最多精确到分(两位小数)。"),
            "max_digits": _("金额太大,请核对。"),
            "max_whole_digits": _("金额太大,请核对。"),
        },
    )


class IntegrityRecordForm(forms.Form):
    recorded_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    refused_banquets = _count(_("拒吃请(人次)"))
    refused_vouchers = _count(_("拒收购物券(张)"))
    refused_vouchers_value = _yuan(_("购物券价值(元)"))
    refused_gifts_value = _yuan(_("拒收礼金、信息费(元)"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # A figure left empty is nothing refused, as on a paper form.
        for name in FIGURES:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned


FIGURES = ("refused_banquets", "refused_vouchers", "refused_vouchers_value", "refused_gifts_value")


class IntegrityCorrectionForm(IntegrityRecordForm):
    """The record's own form, filled with what it says, and why it is being corrected.
    The reason is asked for by the service, and only when something did change."""

    reason = correction_reason(_("如:人次录入有误"))

    @staticmethod
    def initial_for(record: IntegrityRecord) -> dict[str, Any]:
        # A figure of nothing shows as the empty field it was most likely left as.
        figures = {name: getattr(record, name) or None for name in FIGURES}
        return {"recorded_on": record.recorded_on, **figures, "note": record.note}

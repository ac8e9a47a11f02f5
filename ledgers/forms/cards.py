"""Input for the 五卡: the office's card types, and a unit's cards given out and got back.

The forms check what one field can tell; the rules (a name used once a batch, not in the
future, cards returned not more than issued) live in ledgers.services.cards and come back
as errors on these fields, on creation and on correction alike.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Batch
from common.forms import DateInput
from ledgers.forms.corrections import correction_reason
from ledgers.forms.practice import REQUIRED_DATE, count_field
from ledgers.models import CardRecord, CardType
from ledgers.services.cards import CARD_FIELDS


class CardTypeForm(forms.Form):
    name = forms.CharField(
        label=_("卡种名称"),
        max_length=50,
        error_messages={
            "required": _("请填写卡种名称,如“联系卡”。"),
            "max_length": _("名称不能超过50个字。"),
        },
    )


class CardCountsForm(forms.Form):
    recorded_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=REQUIRED_DATE)
    issued = count_field(_("发出(张)"))
    returned = count_field(_("收回(张)"))


class CardRecordForm(CardCountsForm):
    field_order = ["card_type"]
    card_type = forms.ModelChoiceField(
        label=_("卡种"),
        queryset=CardType.objects.none(),
        empty_label="———",
        error_messages={
            "required": _("请选择卡种。"),
            "invalid_choice": _("请从列表中选择卡种。"),
        },
    )

    def __init__(self, *args: Any, batch: Batch, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["card_type"].queryset = CardType.objects.filter(batch=batch)


class CardRecordCorrectionForm(CardCountsForm):
    """The date and counts of a 五卡 record; its card type stays (delete the record and
    record it again if the card type was wrong)."""

    reason = correction_reason(_("如:收回张数录入有误"))

    def __init__(self, *args: Any, record: CardRecord, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(record, name) for name in CARD_FIELDS})
        super().__init__(*args, **kwargs)

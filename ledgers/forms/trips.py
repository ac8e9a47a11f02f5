"""Input for the leading cadres' trips: the request, the office's decision, the return.

The forms check what one field can tell; the rules (a leading cadre, asked before leaving,
a reason for every decision, return not before leaving) live in ledgers.services.trips and
come back as errors on these fields.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from ledgers.forms.lectures import CadreChoiceField
from ledgers.models import TripKind
from units.models import Member

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


class TripRequestForm(forms.Form):
    traveller = CadreChoiceField(
        label=_("外出领导干部"),
        queryset=Member.objects.none(),
        error_messages={
            "required": _("请选择外出的领导干部。"),
            "invalid_choice": _("只能为本单位及下级单位的党员领导干部或本人提出申请。"),
        },
    )
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=TripKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择出国出境还是外出参观考察。")},
    )
    destination = forms.CharField(
        label=_("目的地"), max_length=100, error_messages={"required": _("请填写目的地。")}
    )
    purpose = forms.CharField(
        label=_("事由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("只有参加重要会议或签订时限性很强的项目等确需外出的,才可申请。"),
        error_messages={"required": _("请写明确需外出的事由。")},
    )
    leaves_on = forms.DateField(label=_("出发日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    returns_on = forms.DateField(
        label=_("返回日期"), widget=DateInput(), error_messages=DATE_ERRORS
    )

    def __init__(self, *args: Any, travellers: QuerySet[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["traveller"].queryset = travellers


class TripDecisionForm(forms.Form):
    """The office's decision, which can't be taken back: it is confirmed with a tick, and
    with `unmet` rules the tick says they were weighed."""

    approve = forms.TypedChoiceField(
        label=_("审批结果"),
        choices=[("0", _("不同意")), ("1", _("同意"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意还是不同意。")},
    )
    reason = forms.CharField(
        label=_("审批意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("同意或不同意都要写明理由。"),
        error_messages={"required": _("请填写审批意见:同意或不同意都要写明理由。")},
    )
    confirm = forms.BooleanField(
        label=_("我已核对。审批意见提交后不能更改,也不能撤回。"),
        error_messages={"required": _("审批意见提交后不能更改,请核对后勾选确认。")},
    )

    def __init__(self, *args: Any, unmet: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unmet:
            self.fields["confirm"].label = _(
                "以上%(n)s项情况我已核实。审批意见提交后不能更改,也不能撤回。"
            ) % {"n": len(unmet)}

    def missing(self) -> list[str]:
        """The labels of what a refused submission still lacks, named at the top of the
        form: on a phone the errors under each field are a scroll apart."""
        names = {"confirm": _("勾选确认")}
        return [
            str(names.get(name, self.fields[name].label))
            for name in self.fields
            if self.has_error(name)
        ]


class TripReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("实际返回日期"), widget=DateInput(), error_messages=DATE_ERRORS
    )

"""Input for the leading cadres' 党课 and 形势报告, and for correcting one.

The forms check what one field can tell, and offer the leading cadres where the user keeps
the ledgers and the units they see; the rules (a leading cadre, a lecture already given,
an audience) live in ledgers.services.lectures and come back as errors on these fields. A
correction is the same form as the record's, plus its reason.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from ledgers.forms.corrections import correction_reason
from ledgers.models import LectureKind
from units.models import Member, Unit

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


class CadreChoiceField(forms.ModelChoiceField):
    """A leading cadre, shown with position and unit so that namesakes are told apart."""

    def label_from_instance(self, obj: Member) -> str:
        position = f"({obj.position})" if obj.position else ""
        return f"{obj.name}{position} · {obj.unit.name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class LectureForm(forms.Form):
    lecturer = CadreChoiceField(
        label=_("主讲领导干部"),
        queryset=Member.objects.none(),
        error_messages={
            "required": _("请选择主讲的领导干部。"),
            "invalid_choice": _("只能登记本单位及下级单位的党员领导干部。"),
        },
    )
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=LectureKind.choices,
        widget=forms.RadioSelect,
        initial=LectureKind.PARTY_LECTURE,
        error_messages={"required": _("请选择是党课还是形势报告。")},
    )
    unit = UnitChoiceField(
        label=_("授课单位"),
        queryset=Unit.objects.none(),
        help_text=_("在哪个单位上的党课或做的报告。"),
        error_messages={
            "required": _("请选择授课单位。"),
            "invalid_choice": _("只能选择您能看到的单位。"),
        },
    )
    given_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    topic = forms.CharField(
        label=_("题目"), max_length=200, error_messages={"required": _("请填写党课或报告的题目。")}
    )
    audience = forms.IntegerField(
        label=_("听课人数"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("请填写听课人数。"),
            "invalid": _("听课人数应是整数。"),
        },
    )

    def __init__(
        self, *args: Any, cadres: QuerySet[Member], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = cadres
        self.fields["unit"].queryset = units


class LectureCorrectionForm(LectureForm):
    reason = correction_reason(_("如:听课人数录入有误"))

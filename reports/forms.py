"""The request for a 简报: its scope, period and 期号.

The form checks what each field can tell and that the chosen scope has its unit or group;
the rules (period within the campaign, a 期号 not used before) live in
reports.services.briefings and come back as errors on these fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from units.models import TOP_LEVEL_KINDS, SupervisionGroup, Unit

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


class Scope:
    DISTRICT = "district"
    UNIT = "unit"
    GROUP = "group"


class NameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BriefingRequestForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("简报范围"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择简报的范围。")},
    )
    unit = NameChoiceField(
        label=_("党委(党组、工委)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("——请选择——"),
        error_messages={"invalid_choice": _("请在列表中选择党委。")},
    )
    group = NameChoiceField(
        label=_("督导组"),
        queryset=SupervisionGroup.objects.none(),
        required=False,
        empty_label=_("——请选择——"),
        error_messages={"invalid_choice": _("只能为本督导组申请简报。")},
    )
    period_start = forms.DateField(
        label=_("统计起始日期"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    period_end = forms.DateField(
        label=_("统计截止日期"), widget=DateInput(), error_messages=DATE_ERRORS
    )
    issue_number = forms.IntegerField(
        label=_("期号"),
        min_value=1,
        help_text=_("默认为下一期;同一批次的期号不能重复。"),
        error_messages={
            "required": _("请填写期号。"),
            "invalid": _("期号应是整数。"),
            "min_value": _("期号从第1期开始。"),
        },
    )

    copies = forms.IntegerField(
        label=_("印数(份)"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("简报末尾“共印N份”;不填则按报送、分发的单位数计算。"),
        error_messages={
            "invalid": _("印数应是整数。"),
            "min_value": _("印数至少1份。"),
            "max_value": _("印数不超过10000份。"),
        },
    )

    def __init__(self, *args, is_office, groups, **kwargs):
        """`groups`: the supervision groups the user may brief on (all, for the office)."""
        super().__init__(*args, **kwargs)
        if is_office:
            self.fields["scope"].choices = [
                (Scope.DISTRICT, _("全区")),
                (Scope.UNIT, _("一个党委")),
                (Scope.GROUP, _("一个督导组")),
            ]
            self.fields["unit"].queryset = Unit.objects.filter(kind__in=TOP_LEVEL_KINDS)
        else:
            self.fields["scope"].choices = [(Scope.GROUP, _("本督导组"))]
            self.fields["scope"].initial = Scope.GROUP
            del self.fields["unit"]
        self.fields["group"].queryset = groups

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == Scope.UNIT and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", _("请选择党委。"))
        if scope == Scope.GROUP and not data.get("group") and "group" not in self.errors:
            self.add_error("group", _("请选择督导组。"))
        return data

    def scope_kwargs(self, district):
        """The scope as the service takes it: unit= or group=."""
        scope = self.cleaned_data["scope"]
        if scope == Scope.DISTRICT:
            return {"unit": district}
        if scope == Scope.UNIT:
            return {"unit": self.cleaned_data["unit"]}
        return {"group": self.cleaned_data["group"]}

"""Forms for a supervision group's own records: 督查, 重点帮促 units and 先进典型.

The forms collect what was typed and keep the unit within the group's subtree (a unit
outside it is not among the choices); the rules themselves are checked by
supervision.services.groups, whose errors are put back on these forms.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from supervision.models import CaseKind, InspectionFocus
from units.models import Member, SupervisionGroup

UNIT_ERRORS = {
    "required": _("请选择党组织。"),
    "invalid_choice": _("请选择本组督导范围内的党组织。"),
}
# Enough to tell namesakes apart without listing a whole branch.
NAMESAKES_SHOWN = 5


def unit_choices(units, tops, *, blank):
    """The group's units in tree order, indented under their parent; grouped under each
    assigned unit when the group has several."""
    indent = "\u3000"  # an ideographic space: browsers keep it at the start of an option
    groups = []
    for top in tops:
        options = [
            (str(unit.pk), indent * (unit.depth - top.depth) + unit.name)
            for unit in units
            if unit.path.startswith(top.path)
        ]
        groups.append((top.name, options))
    choices = [("", blank)]
    if len(groups) == 1:
        return choices + groups[0][1]
    return choices + groups


class GroupUnitFormMixin:
    """A `unit` field offering the group's subtree; cleans to the Unit itself."""

    unit_blank = _("请选择党组织")

    def set_units(self, units, tops):
        self.units_by_pk = {str(unit.pk): unit for unit in units}
        self.fields["unit"].choices = unit_choices(units, tops, blank=self.unit_blank)

    def clean_unit(self):
        value = self.cleaned_data.get("unit")
        return self.units_by_pk.get(value) if value else None


class InspectionForm(GroupUnitFormMixin, forms.Form):
    inspected_on = forms.DateField(
        label=_("督查日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写督查日期。"), "invalid": _("日期格式不正确。")},
    )
    unit = forms.ChoiceField(label=_("督查单位"), error_messages=UNIT_ERRORS)
    focus = forms.MultipleChoiceField(
        label=_("督查内容"),
        choices=InspectionFocus.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少选择一项督查内容。"),
            "invalid_choice": _("请从列出的督查内容中选择。"),
        },
    )
    findings = forms.CharField(
        label=_("发现的问题和情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写发现的问题和情况。")},
    )
    follow_up = forms.CharField(
        label=_("整改要求和跟踪"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提出的整改要求、限期,以及下次回访时要看的事项。"),
    )

    def __init__(self, *args, units, tops, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["inspected_on"].initial = today
        self.fields["inspected_on"].widget.attrs["max"] = today.isoformat()
        self.set_units(units, tops)


class InspectionFilterForm(GroupUnitFormMixin, forms.Form):
    unit_blank = _("全部单位")

    unit = forms.ChoiceField(
        label=_("按党组织查看(含下级)"),
        required=False,
        error_messages=UNIT_ERRORS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, units, tops, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_units(units, tops)


class KeyUnitForm(GroupUnitFormMixin, forms.Form):
    unit = forms.ChoiceField(label=_("党组织"), error_messages=UNIT_ERRORS)
    reason = forms.CharField(
        label=_("选定理由"),
        max_length=200,
        required=False,
        help_text=_("如:班子重视、学习培训计划扎实、边学边改见实效。"),
        error_messages={"max_length": _("选定理由请控制在200字以内。")},
    )

    def __init__(self, *args, units, tops, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_units(units, tops)


class TypicalCaseForm(GroupUnitFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=CaseKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择典型的类别。"),
            "invalid_choice": _("请选择典型的类别。"),
        },
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=200,
        error_messages={
            "required": _("请填写标题。"),
            "max_length": _("标题请控制在200字以内。"),
        },
    )
    unit = forms.ChoiceField(label=_("所在党组织"), error_messages=UNIT_ERRORS)
    # A name, not a select: a subtree can hold thousands of members. It is looked up
    # within the unit chosen above, so namesakes elsewhere in the district don't clash.
    member = forms.CharField(
        label=_("党员姓名"),
        max_length=50,
        required=False,
        help_text=_("先进典型人物必填;在所选党组织及其下级中查找。"),
    )
    description = forms.CharField(
        label=_("事迹和做法"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写事迹和做法。")},
    )

    def __init__(self, *args, units, tops, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_units(units, tops)

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("member") or "").strip()
        unit = cleaned.get("unit")
        cleaned["member"] = None
        if not name:
            if cleaned.get("kind") == CaseKind.PERSON:
                self.add_error("member", _("先进典型人物请填写党员姓名。"))
            return cleaned
        if unit is None:
            return cleaned
        found = list(
            Member.objects.under(unit)
            .filter(name=name)
            .select_related("unit")
            .order_by("unit__path", "pk")[: NAMESAKES_SHOWN + 1]
        )
        if not found:
            if unit.is_branch:
                message = _("%(unit)s没有名叫“%(name)s”的党员,请核对姓名或所选党组织。")
            else:
                message = _(
                    "%(unit)s及其下级党组织中没有名叫“%(name)s”的党员,请核对姓名或所选党组织。"
                )
            self.add_error("member", message % {"unit": unit.name, "name": name})
        elif len(found) > 1:
            places = list(dict.fromkeys(m.unit.name for m in found[:NAMESAKES_SHOWN]))
            if len(places) == 1:
                message = _(
                    "%(unit)s有不止一名党员叫“%(name)s”,按姓名无法区分,请核对名册后再登记。"
                ) % {"unit": places[0], "name": name}
            else:
                message = _(
                    "%(unit)s有不止一名党员叫“%(name)s”(在%(where)s),"
                    "请在“所在党组织”中选到其所在的党支部。"
                ) % {"unit": unit.name, "name": name, "where": "、".join(places)}
            self.add_error("member", message)
        else:
            cleaned["member"] = found[0]
        return cleaned


class CaseFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("督导组"),
        queryset=SupervisionGroup.objects.order_by("number", "pk"),
        required=False,
        empty_label=_("全部督导组"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("全部类别")), *CaseKind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

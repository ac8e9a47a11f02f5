"""The forms of the unit and member pages: the roster's filter (also applied to the Excel
export), a member's details, and a unit's place in the tree."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import day_text
from common.forms import DateInput
from units.models import BRANCH_KINDS, Member, MemberCategory, Unit, UnitKind

YES_NO_ANY = [("", _("全部")), ("1", _("是")), ("0", _("否"))]

FLAG_FIELDS = {
    "is_leading_cadre": _("党员领导干部"),
    "is_mobile": _("流动党员"),
    "is_infirm": _("年老体弱"),
    "can_write": _("有书写能力"),
}


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("姓名、电话或职务")}),
    )
    category = forms.ChoiceField(
        label=_("人员类别"), required=False, choices=[("", _("全部"))] + MemberCategory.choices
    )
    is_leading_cadre = forms.ChoiceField(
        label=FLAG_FIELDS["is_leading_cadre"], required=False, choices=YES_NO_ANY
    )
    is_mobile = forms.ChoiceField(
        label=FLAG_FIELDS["is_mobile"], required=False, choices=YES_NO_ANY
    )
    is_infirm = forms.ChoiceField(
        label=FLAG_FIELDS["is_infirm"], required=False, choices=YES_NO_ANY
    )
    can_write = forms.ChoiceField(
        label=FLAG_FIELDS["can_write"], required=False, choices=YES_NO_ANY
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for flag, label in FLAG_FIELDS.items():
            self.fields[flag] = forms.ChoiceField(label=label, required=False, choices=YES_NO_ANY)

    def filter(self, members):
        if not self.is_valid():
            return members
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            members = members.filter(
                Q(name__contains=term) | Q(phone__contains=term) | Q(position__contains=term)
            )
        if data["category"]:
            members = members.filter(category=data["category"])
        for flag in FLAG_FIELDS:
            if data[flag]:
                members = members.filter(**{flag: data[flag] == "1"})
        return members

    @property
    def is_filtered(self):
        return self.is_valid() and any(self.cleaned_data.values())


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "unit",
            "gender",
            "id_number",
            "birth_date",
            "joined_on",
            "position",
            "phone",
            "category",
            "is_leading_cadre",
            "is_mobile",
            "is_infirm",
            "can_write",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.filter(kind__in=BRANCH_KINDS).order_by("path")

    def clean(self):
        """Born and joined by today, and joined at eighteen at the earliest: the 党章's
        "年满十八岁的……可以申请加入中国共产党" (1900–2100 is every date field's own check)."""
        data = super().clean()
        birth, joined = data.get("birth_date"), data.get("joined_on")
        today = timezone.localdate()
        if birth and birth > today:
            self.add_error("birth_date", _("出生日期不能晚于今天。"))
            birth = None
        if joined and joined > today:
            self.add_error("joined_on", _("入党日期不能晚于今天。"))
        elif joined and birth:
            try:
                eighteen = birth.replace(year=birth.year + 18)
            except ValueError:  # born on 29 February: eighteen on 1 March of a common year
                eighteen = datetime.date(birth.year + 18, 3, 1)
            if joined < eighteen:
                self.add_error(
                    "joined_on",
                    _(
                        "入党日期不能早于%(date)s:党章规定年满十八岁方可申请入党,"
                        "请核对出生日期和入党日期。"
                    )
                    % {"date": day_text(eighteen)},
                )
        return data


class UnitForm(forms.ModelForm):
    """A unit's name and place in the tree. Not its stage: "检查合格的,同意转入下一阶段",
    a unit moves on by an approved 转段 application, or by the office's recorded
    correction (supervision's 更正阶段); a new unit starts where its parent stands."""

    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "sector", "households"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.exclude(kind=UnitKind.BRANCH).order_by("path")
        if self.instance.pk:
            # A unit's own subtree can't hold its parent; leave it out of the choices too.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents

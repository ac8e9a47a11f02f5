"""Input for the leaders' ledgers, publicity and the 大讨论, and for correcting them.

The forms check what one field can tell; the rules (a date not in the future, a reason for
every decision, return not before leaving) live in campaign.services_leaders and come back
as errors on these fields. A correction is the same form as the record's, plus its reason.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.forms import DateInput
from campaign.ledgers.corrections import correction_reason
from campaign.models import LectureKind, PublicityItem, TripKind
from units.models import Member, Unit

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        position = f"({obj.position})" if obj.position else ""
        return f"{obj.name}{position} · {obj.unit.name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
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

    def __init__(self, *args, cadres, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = cadres
        self.fields["unit"].queryset = units


class LectureCorrectionForm(LectureForm):
    reason = correction_reason(_("如:听课人数录入有误"))


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

    def __init__(self, *args, travellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["traveller"].queryset = travellers


class TripDecisionForm(forms.Form):
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


class TripReturnForm(forms.Form):
    returned_on = forms.DateField(
        label=_("实际返回日期"), widget=DateInput(), error_messages=DATE_ERRORS
    )


class PublicityCheckForm(forms.Form):
    item = forms.ChoiceField(
        label=_("宣传项目"),
        choices=PublicityItem.choices,
        error_messages={"required": _("请选择宣传项目。")},
    )
    done_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    evidence = forms.CharField(
        label=_("佐证情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如:标语内容和悬挂地点、专栏期数、播出的节目和日期、简报期号。"),
        error_messages={"required": _("请写明佐证情况,例如标语内容和悬挂地点。")},
    )


class PublicityCheckCorrectionForm(PublicityCheckForm):
    reason = correction_reason(_("如:日期填错了"))


class RequirementForm(forms.Form):
    text = forms.CharField(
        label=_("具体要求"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("请填写具体要求。")},
    )


class DiscussionSessionForm(forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    participants = forms.CharField(
        label=_("参加人员"),
        max_length=200,
        help_text=_("例如:全体党员23人,群众代表5人。"),
        error_messages={"required": _("请填写参加人员。")},
    )
    summary = forms.CharField(
        label=_("讨论情况"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写讨论情况。")},
    )
    public_opinions = forms.CharField(
        label=_("征求群众意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("“广泛征求群众意见”:群众对具体要求提出的意见和建议。"),
    )

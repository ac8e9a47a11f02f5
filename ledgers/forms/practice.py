"""Input for the 二三五 practice ledgers: the office's settings, a unit's plan, and its
activity log with photos and scans.

The forms check what one field can tell; the rules (dates inside the batch, 贫困户 not
more than households, attachment types and sizes) live in ledgers.services.practice and
come back as errors on these fields, on creation and on correction alike.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from ledgers.forms.corrections import correction_reason
from ledgers.models import ActivityAttachment, ActivityKind, PracticeActivity
from ledgers.services.practice import ACTIVITY_FIELDS

REQUIRED_DATE = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期。")}


def count_field(label: Promise) -> forms.IntegerField:
    """A count of things done (户, 人次, 张): a whole number, 0 when there were none."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("请填写数字,没有就填0。"),
            "invalid": _("请填写整数。"),
            "min_value": _("不能是负数。"),
        },
    )


def _funds(label: Promise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        initial=0,
        help_text=_("单位:万元,可保留两位小数,如 1.25 即一万二千五百元。"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        error_messages={
            "required": _("请填写金额,没有就填0。"),
            "invalid": _("请填写数字,如 1.25。"),
            "min_value": _("投入资金不能是负数。"),
            "max_decimal_places": _("最多保留两位小数(即精确到百元)。"),
            "max_digits": _("金额太大,请核对(单位是万元)。"),
            "max_whole_digits": _("金额太大,请核对(单位是万元)。"),
        },
    )


class DeadlineForm(forms.Form):
    practice_plan_due = forms.DateField(
        label=_("计划报送截止日期"),
        required=False,
        widget=DateInput(),
        help_text=_("讲话要求“3月初前报”;当天24时前报送的不算逾期。留空表示不设截止日期。"),
        error_messages={"invalid": _("请填写正确的日期。")},
    )


class BaselineForm(forms.Form):
    year = forms.IntegerField(
        label=_("上年年份"),
        min_value=1949,
        max_value=2100,
        error_messages={
            "required": _("请填写年份。"),
            "invalid": _("请填写四位年份,如 2004。"),
            "min_value": _("请填写四位年份,如 2004。"),
            "max_value": _("请填写四位年份,如 2004。"),
        },
    )
    households = count_field(_("帮扶走访困难群众(户)"))
    funds = _funds(_("投入资金(万元)"))
    person_times = count_field(_("干群连心活动(人次)"))
    deeds = count_field(_("为民办实事(件次)"))


class PlanForm(forms.Form):
    content = forms.CharField(
        label=_("计划内容"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("写明本单位如何开展“两深入”“创三满意”“五送”:做什么、谁负责、什么时候完成。"),
        error_messages={"required": _("请填写计划内容。")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(
        self, data: UploadedFile | Sequence[UploadedFile] | None, initial: Any = None
    ) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("活动日期"), widget=DateInput(), error_messages=REQUIRED_DATE)
    kind = forms.ChoiceField(
        label=_("活动类别"),
        choices=[("", "———"), *ActivityKind.choices],
        error_messages={"required": _("请选择活动类别。")},
    )
    participants = forms.CharField(
        label=_("参加人员"),
        max_length=200,
        help_text=_("如:支部书记王××带领党员8人"),
        error_messages={
            "required": _("请填写谁参加了活动。"),
            "max_length": _("不能超过200个字,详细情况请写在活动内容里。"),
        },
    )
    description = forms.CharField(
        label=_("活动内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写做了什么。")},
    )
    households = count_field(_("帮扶走访困难群众(户)"))
    poor_households = count_field(_("其中贫困户(户)"))
    funds = _funds(_("投入资金(万元)"))
    person_times = count_field(_("干群连心活动(人次)"))
    deeds = count_field(_("为民办实事(件次)"))
    files = MultipleFileField(
        label=_("照片或扫描件"),
        required=False,
        help_text=_("JPG、PNG照片或PDF扫描件,最多5个,每个不超过5MB。"),
        error_messages={"empty": _("上传的文件是空的。")},
    )


class ActivityCorrectionForm(ActivityForm):
    remove = forms.ModelMultipleChoiceField(
        label=_("删除已有附件"),
        queryset=ActivityAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("要删除的附件已不存在,请刷新页面后再改。")},
    )
    reason = correction_reason(_("如:户数录入有误"))

    def __init__(self, *args: Any, activity: PracticeActivity, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(activity, name) for name in ACTIVITY_FIELDS})
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = activity.attachments.all()
        self.fields["files"].label = _("添加照片或扫描件")

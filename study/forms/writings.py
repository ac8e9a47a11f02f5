"""Forms for 学习笔记/心得体会, their 批改, and the supervision groups' 抽查.

The forms only collect what was typed; the rules (non-empty text, character counts, review
dates) are checked by study.services.writings, whose errors are put back on these forms.
"""

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from study.models import Grade, WritingKind

SPOT_CHECK_SIZES = [3, 5, 10]


class WritingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=WritingKind.choices)
    title = forms.CharField(
        label=_("题目"), max_length=200, error_messages={"required": _("请填写题目。")}
    )
    # strip=False: a Chinese paragraph opens with two full-width spaces, which must be kept.
    text = forms.CharField(
        label=_("正文"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("正文不能为空。")},
        help_text=_("字数按不计空格和换行的字符数统计,标点符号计入字数。"),
    )


class PaperWritingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=WritingKind.choices)
    title = forms.CharField(
        label=_("题目"), max_length=200, error_messages={"required": _("请填写题目。")}
    )
    characters = forms.IntegerField(
        label=_("字数"),
        error_messages={
            "required": _("请填写纸质稿的字数。"),
            "invalid": _("字数请填写整数。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        help_text=_("按纸质稿实际字数填写,党员领导干部的心得体会须达到3000字。"),
    )


class ReviewForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("等次"),
        choices=Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择等次。")},
    )
    comment = forms.CharField(
        label=_("批语"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写批语。")},
    )
    reviewed_on = forms.DateField(
        label=_("批改日期"),
        initial=timezone.localdate,
        widget=DateInput(),
        error_messages={"required": _("请填写批改日期。"), "invalid": _("日期格式不正确。")},
    )


class SpotCheckDrawForm(forms.Form):
    size = forms.TypedChoiceField(
        label=_("抽取篇数"),
        choices=[(n, format_lazy(_("{n}篇"), n=n)) for n in SPOT_CHECK_SIZES],
        coerce=int,
        initial=5,
    )


class SpotCheckResultForm(forms.Form):
    result = forms.CharField(
        label=_("抽查结果"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请填写抽查结果。")},
        help_text=_("如:笔记是否按时批阅、批语是否认真、心得体会的字数和质量是否达到要求。"),
    )

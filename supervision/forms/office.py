"""The office's form for what each 转段 checks. The form reads what the user typed; the
rules (at least one question, rates 0–100) are the service's and come back onto these
fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import StageRequirement

RATE_ERRORS = {
    "required": _("请填写达标率,0到100之间。"),
    "invalid": _("请填写数字,例如 90 或 95.5。"),
    "min_value": _("达标率不能小于0。"),
    "max_value": _("达标率不能超过100。"),
    "max_decimal_places": _("达标率最多保留一位小数。"),
    "max_digits": _("达标率不能超过100。"),
    "max_whole_digits": _("达标率不能超过100。"),
}


class RequirementForm(forms.ModelForm):
    class Meta:
        model = StageRequirement
        fields = [
            "questions",
            "min_completion_rate",
            "max_makeups_owed",
            "require_readings_covered",
            "min_writing_rate",
            "max_open_rectifications",
        ]
        widgets = {
            "questions": forms.Textarea(attrs={"rows": 8}),
            "min_completion_rate": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"}
            ),
            "max_makeups_owed": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "max_open_rectifications": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "min_writing_rate": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"}
            ),
        }
        help_texts = {
            "questions": _(
                "每行一个问题,支部逐条作答。修改后从下一份申请起使用,正在填写的申请仍按原来的问题。"
            ),
            "min_completion_rate": _("党员学习满40学时、集中学习占三分之二以上的比例。"),
            "max_makeups_owed": _("“规定学习时间不缺一课”:填0表示缺课必须全部补上。"),
            "require_readings_covered": _(
                "“必读科目不少一篇”:支部的集中学习要学到每一篇必读科目。"
            ),
            "min_writing_rate": _("按规定完成学习笔记和心得体会的党员所占比例。"),
        }
        error_messages = {
            "questions": {"required": _("请至少填写一个回头看问题,每行一个。")},
            "min_completion_rate": RATE_ERRORS,
            "min_writing_rate": RATE_ERRORS,
            "max_open_rectifications": {
                "invalid": _("请填写整数个数,或留空。"),
                "min_value": _("个数不能是负数。"),
            },
            "max_makeups_owed": {
                "required": _("请填写缺课未补的上限,填0表示不允许。"),
                "invalid": _("请填写整数次数。"),
                "min_value": _("次数不能是负数。"),
            },
        }

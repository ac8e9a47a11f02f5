"""The office's forms: what each 转段 checks, and the correction of a unit's stage. The
forms read what the user typed; the rules (at least one question, rates 0–100, a reason
for a correction) are the services' and come back onto these fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Stage
from common.dates import day_text
from common.forms import DateInput
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


class StageCorrectionForm(forms.Form):
    """更正阶段: the stages offered are those of the unit's campaign batch."""

    stage = forms.ModelChoiceField(
        label=_("更正为阶段"),
        queryset=Stage.objects.none(),
        empty_label=None,
        error_messages={"required": _("请选择阶段。")},
    )
    since = forms.DateField(
        label=_("进入该阶段的日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写日期。"), "invalid": _("请填写正确的日期。")},
    )
    reason = forms.CharField(
        label=_("更正原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如:建档时阶段录错;转段日期录错。更正记入该组织的阶段记录。"),
        error_messages={"required": _("更正阶段必须写明原因。")},
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages

    def clean(self):
        """The date lies inside the chosen stage's batch; not later than today is the
        service's to check."""
        data = super().clean()
        stage, since = data.get("stage"), data.get("since")
        if stage is None or since is None:
            return data
        batch = stage.batch
        if not batch.starts_on <= since <= batch.ends_on:
            self.add_error(
                "since",
                _("进入该阶段的日期应在本批次活动期间(%(first)s至%(last)s)。")
                % {"first": day_text(batch.starts_on), "last": day_text(batch.ends_on)},
            )
        return data

    @classmethod
    def initial_for(cls, unit):
        return {"stage": unit.stage, "since": unit.stage_since or timezone.localdate()}

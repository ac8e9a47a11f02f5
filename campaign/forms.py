"""Input for the plan's edits: a batch, a stage, a step, an extension (延期).

The forms check what a single field can tell; the rules that need the rest of the plan
live in campaign.services.plan and come back as errors on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Batch, Stage, Step, StepExtension
from campaign.services.plan import extension_end_error
from common.forms import DateInput


class BatchForm(forms.ModelForm):
    class Meta:
        model = Batch
        fields = ["name", "targets", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "name": _("例如:第一批"),
            "targets": _("例如:机关和事业单位"),
        }


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "planned_start", "planned_end"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}


class StepForm(forms.ModelForm):
    class Meta:
        model = Step
        fields = ["name", "planned_start", "planned_end"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}


class StepExtendForm(forms.ModelForm):
    class Meta:
        model = StepExtension
        fields = ["new_end", "reason"]
        widgets = {
            "new_end": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reason": _("例如:考虑到春节长假及全国地方两会的因素,按中央及市委要求延长。"),
        }
        error_messages = {
            "new_end": {"required": _("请填写延长后的结束日期。")},
            "reason": {"required": _("请填写延长原因。")},
        }

    shift_later = forms.BooleanField(
        label=_("后续阶段相应顺延"),
        required=False,
        help_text=_("所属阶段因此推迟结束时,后面各阶段、步骤和批次结束日期一并推迟同样的天数。"),
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, instance=StepExtension(step=step), **kwargs)

    def clean(self):
        data = super().clean()
        new_end = data.get("new_end")
        if new_end is not None:
            error = extension_end_error(
                step=self.instance.step, new_end=new_end, shift_later=data.get("shift_later")
            )
            if error:
                self.add_error("new_end", error)
        return data

"""Input for the 转段 application's steps.

The forms check what one field can tell; the workflow's rules (the state each step needs,
a meeting not later than today, a transition not before the submission) live in
supervision.services.transitions and come back as errors on these fields or as a message.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class AnswersForm(forms.Form):
    """回头看: one box per question, named by the question's number."""

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        for answer in answers:
            self.fields[self.field_name(answer.number)] = forms.CharField(
                label=f"{answer.number}. {answer.question}",
                required=False,
                initial=answer.answer,
                # Laid out by hand beside the measured facts, so styled here.
                widget=_textarea(5, **{"class": "form-control"}),
            )

    @staticmethod
    def field_name(number):
        return f"answer_{number}"

    def answers(self):
        """{number: text}, as services.answers_save takes them."""
        return {int(name.removeprefix("answer_")): text for name, text in self.cleaned_data.items()}


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("召开日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写会议日期。"), "invalid": _("请填写正确的日期。")},
    )
    attendees = forms.CharField(
        label=_("参加人员"),
        widget=_textarea(2),
        help_text=_("例如:支部委员5人,党员23人,督导组王明同志到会。"),
        error_messages={"required": _("请填写参加人员。")},
    )
    minutes = forms.CharField(
        label=_("会议记录"),
        widget=_textarea(6),
        help_text=_("对前段工作的总结分析,以及是否可以转段的意见。"),
        error_messages={"required": _("请填写会议记录。")},
    )

    @classmethod
    def initial_for(cls, meeting):
        if meeting is None:
            return {"held_on": timezone.localdate()}
        return {
            "held_on": meeting.held_on,
            "attendees": meeting.attendees,
            "minutes": meeting.minutes,
        }


class EvaluationForm(forms.Form):
    evaluation = forms.CharField(
        label=_("督导组对前段工作的评价"),
        widget=_textarea(5),
        help_text=_("登记后即记为您本人代表督导组到会。"),
        error_messages={"required": _("请填写对前段工作的评价。")},
    )


class OpinionForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("督导组意见"),
        choices=[("yes", _("同意转段")), ("no", _("不同意转段"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不同意。")},
    )
    reasons = forms.CharField(
        label=_("理由"),
        widget=_textarea(4),
        error_messages={"required": _("请写明同意或不同意的理由。")},
    )


class ApproveForm(forms.Form):
    """Shown beside ReturnForm, which also has a `reason`: the ids must differ."""

    transition_date = forms.DateField(
        label=_("转段日期"),
        widget=DateInput(),
        help_text=_("支部自这一天起进入下一阶段;各支部按各自进度,不搞一刀切。"),
        error_messages={"required": _("请填写转段日期。"), "invalid": _("请填写正确的日期。")},
    )
    reason = forms.CharField(label=_("审批意见(可不填)"), required=False, widget=_textarea(2))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_approve_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for_today(cls):
        return {"transition_date": timezone.localdate()}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=_textarea(3),
        error_messages={"required": _("退回补课必须写明原因。")},
    )
    redo_items = forms.CharField(
        label=_("需补课事项"),
        widget=_textarea(4),
        help_text=_("每行一项,例如:组织未参学党员补学《党章》。"),
        error_messages={"required": _("请列出需要补课的事项。")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)

"""Input for the 转段 application's steps.

The forms check what one field can tell; the workflow's rules (the state each step needs,
a meeting not later than today, a transition not before the submission) live in
supervision.services.transitions and come back as errors on these fields or as a message.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Batch
from common.dates import day_text
from common.forms import DateInput


def _textarea(rows=4, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})


class AnswersForm(forms.Form):
    """回头看: one box per question, named by the question's number; after a return, the
    补课情况 first."""

    def __init__(self, *args, answers, makeup_report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if makeup_report is not None:
            self.fields["makeup_report"] = forms.CharField(
                label=_("补课情况"),
                required=False,
                initial=makeup_report,
                help_text=_("对照上一轮的需补课事项,逐条写明补了什么、何时补的。"),
                widget=_textarea(5, **{"class": "form-control"}),
            )
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
        return {
            int(name.removeprefix("answer_")): text
            for name, text in self.cleaned_data.items()
            if name.startswith("answer_")
        }

    def typed_makeup_report(self):
        """The 补课情况 typed, or None when this round doesn't follow a return."""
        return self.cleaned_data.get("makeup_report")


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
    confirm = forms.BooleanField(
        label=_("我已核对。督导组意见签署后即报办公室审批,不能修改。"),
        error_messages={"required": _("督导组意见签署后不能修改,请核对后勾选确认。")},
    )

    def __init__(self, *args, unmet=(), **kwargs):
        """The opinion, given once, is confirmed with a tick; with `unmet` conditions the
        tick says they were checked (the service holds an agreement to it)."""
        super().__init__(*args, **kwargs)
        if unmet:
            self.fields["confirm"].label = _(
                "以上%(n)s项未达到转段条件,我已核实。督导组意见签署后不能修改。"
            ) % {"n": len(unmet)}
            self.fields["confirm"].error_messages["required"] = _(
                "还有%(n)s项未达到转段条件,请核实并勾选确认后再签署意见。"
            ) % {"n": len(unmet)}


class ApproveForm(forms.Form):
    """Shown beside ReturnForm, which also has a `reason`: the ids must differ.

    With `unmet` conditions, the confirmation names them and a reason is required."""

    transition_date = forms.DateField(
        label=_("转段日期"),
        widget=DateInput(),
        help_text=_("支部自这一天起进入下一阶段;各支部按各自进度,不搞一刀切。"),
        error_messages={"required": _("请填写转段日期。"), "invalid": _("请填写正确的日期。")},
    )
    reason = forms.CharField(label=_("审批意见(可不填)"), required=False, widget=_textarea(2))
    confirm = forms.BooleanField(
        label=_("我已核对,确认同意转段。同意后支部即进入下一阶段,不能撤回。"),
        error_messages={"required": _("请勾选确认后再同意转段。")},
    )

    def __init__(self, *args, unmet=(), **kwargs):
        kwargs.setdefault("auto_id", "id_approve_%s")
        super().__init__(*args, **kwargs)
        if unmet:
            self.fields["reason"].label = _("同意理由")
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("写明这些条件未达到、仍可转段的理由。")
            self.fields["reason"].error_messages["required"] = _(
                "有未达到的转段条件,同意转段须写明理由。"
            )
            self.fields["confirm"].label = _(
                "以上%(n)s项未达到转段条件,我已核实,仍同意转段。同意后不能撤回。"
            ) % {"n": len(unmet)}

    def clean(self):
        """A unit moves on inside the campaign's batch; not before the submission is the
        service's to check."""
        data = super().clean()
        day, batch = data.get("transition_date"), Batch.objects.current()
        if day and batch and not batch.starts_on <= day <= batch.ends_on:
            self.add_error(
                "transition_date",
                _("转段日期应在本批次活动期间(%(first)s至%(last)s)。")
                % {"first": day_text(batch.starts_on), "last": day_text(batch.ends_on)},
            )
        return data

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
    redo_meeting = forms.BooleanField(
        label=_("须重新召开转段分析会"),
        required=False,
        help_text=_("不勾选:支部补课后直接重新报送,沿用本轮的转段分析会和督导组评价。"),
    )
    confirm = forms.BooleanField(
        label=_("确认退回补课。退回后本轮结束,支部补课后重新报送。"),
        error_messages={"required": _("请勾选确认后再退回。")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)

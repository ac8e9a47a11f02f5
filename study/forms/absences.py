"""Input for leave, make-ups, self-study and the contact log of mobile members.

The forms check what one field can tell; the ledger's rules (a date inside the current
batch, hours between 0 and 12, one leave per session) live in study.services.absences and
come back as errors on these fields.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Reading
from common.dates import day_time_text
from common.forms import DateInput
from study.models import ContactMethod, MakeUpCorrectionAction, MakeUpMethod, StudySession
from units.models import Member

# The secretary may enter a leave afterwards, for a session of the last month at most.
LEAVE_ENTRY_DAYS = 30


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{day_time_text(obj.starts_at)} {obj.title}"


class MakeUpDoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("补课日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写补课日期。"), "invalid": _("请填写正确的日期。")},
    )
    method = forms.ChoiceField(
        label=_("补课方式"),
        choices=MakeUpMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择补课方式。")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("例如:补学了哪些内容、由谁送课上门。"),
    )


class MakeUpCorrectionForm(MakeUpDoneForm):
    """Take back a make-up recorded by mistake, or put its date, way or note right."""

    action = forms.ChoiceField(
        label=_("怎样更正"),
        choices=MakeUpCorrectionAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择撤销还是更正。")},
    )
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=200,
        help_text=_("例如:登记错了人;补课日期写错了。"),
        error_messages={"required": _("请写明更正原因。")},
    )
    field_order = ["action", "done_on", "method", "note", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("action") == MakeUpCorrectionAction.UNDONE:
            # Taking it back needs only the reason.
            for name in ("done_on", "method"):
                self.fields[name].required = False


class LeaveEntryForm(forms.Form):
    """The secretary enters a leave for a member of the branch (e.g. asked by phone)."""

    member = forms.ModelChoiceField(
        label=_("党员"),
        queryset=Member.objects.none(),
        error_messages={
            "required": _("请选择党员。"),
            "invalid_choice": _("只能为本支部的党员登记请假。"),
        },
    )
    session = SessionChoiceField(
        label=_("请假的学习"),
        queryset=StudySession.objects.none(),
        error_messages={
            "required": _("请选择要请假的学习。"),
            "invalid_choice": _("只能为本支部近30天内或今后的学习登记请假。"),
        },
    )
    reason = forms.CharField(
        label=_("请假事由"), max_length=200, error_messages={"required": _("请填写请假事由。")}
    )
    approve_now = forms.BooleanField(label=_("登记后直接批准"), required=False, initial=True)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.now() - datetime.timedelta(days=LEAVE_ENTRY_DAYS)
        self.fields["member"].queryset = Member.objects.filter(unit=unit).order_by("name", "pk")
        self.fields["session"].queryset = StudySession.objects.filter(
            unit=unit, starts_at__gte=since
        ).order_by("starts_at", "pk")


class MyLeaveForm(forms.Form):
    """A member asks leave, in advance, for a session of their own branch."""

    session = SessionChoiceField(
        label=_("请假的学习"),
        queryset=StudySession.objects.none(),
        error_messages={
            "required": _("请选择要请假的学习。"),
            "invalid_choice": _("这次学习已经开始,不能再请假;如确有原因,请联系支部书记。"),
        },
    )
    reason = forms.CharField(
        label=_("请假事由"),
        max_length=200,
        help_text=_("例如:出差、生病住院。"),
        error_messages={"required": _("请填写请假事由。")},
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = StudySession.objects.filter(
            unit_id=member.unit_id, starts_at__gt=timezone.now()
        ).order_by("starts_at", "pk")


class SelfStudyForm(forms.Form):
    studied_on = forms.DateField(
        label=_("自学日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写自学日期。"), "invalid": _("请填写正确的日期。")},
    )
    # Limits are the service's: it says why 0 or 13 学时 is refused, next to this field.
    hours = forms.DecimalField(
        label=_("学时"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        error_messages={
            "required": _("请填写学时。"),
            "invalid": _("学时应是数字,如 2 或 2.5。"),
        },
    )
    material = forms.CharField(
        label=_("学习内容"),
        max_length=200,
        help_text=_("例如:《保持共产党员先进性教育读本》第三章"),
        error_messages={"required": _("请填写学习了什么。")},
    )
    readings = forms.ModelMultipleChoiceField(
        label=_("涉及必读科目"),
        queryset=Reading.objects.filter(batch__is_current=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ContactForm(forms.Form):
    contacted_on = forms.DateField(
        label=_("联系日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写联系日期。"), "invalid": _("请填写正确的日期。")},
    )
    method = forms.ChoiceField(
        label=_("联系方式"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择联系方式。")},
    )
    note = forms.CharField(
        label=_("情况"),
        max_length=200,
        required=False,
        help_text=_("例如:在外务工情况、近期学习情况、何时返回。"),
    )

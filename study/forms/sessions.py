"""Input for study sessions, the roster and self sign-in.

The forms check what one field can tell (a number, a date); the ledger's rules (hours
between 0 and 12, a date inside the current batch, who may be on a roster) live in
study.services.sessions and come back as errors on these fields.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Batch, Reading, Topic
from common.validation import record_id
from study.models import SessionKind
from study.selectors.topics import session_topics

# The roster posts one radio group per member, named by the member's id.
ROSTER_PREFIX = "status-"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker, a native wheel on phones."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_own:
            return _("自选专题:%(name)s") % {"name": obj.name}
        return _("专题%(number)s:%(name)s") % {"number": obj.number, "name": obj.name}


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("形式"), choices=SessionKind.choices)
    title = forms.CharField(
        label=_("学习内容"),
        max_length=200,
        help_text=_("例如:学习《保持共产党员先进性教育读本》第一章"),
        error_messages={"required": _("请填写学习内容。")},
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=DateTimeLocalInput(),
        error_messages={
            "required": _("请填写开始时间。"),
            "invalid": _("请填写正确的日期和时间。"),
        },
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
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    speaker = forms.CharField(label=_("主讲人"), max_length=50, required=False)
    topic = TopicChoiceField(
        label=_("四加一专题"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("(不属于专题)"),
    )
    readings = forms.ModelMultipleChoiceField(
        label=_("涉及必读科目"),
        queryset=Reading.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        batch = Batch.objects.current()
        if batch is not None:
            self.fields["topic"].queryset = session_topics(
                unit, batch, keep=self.initial.get("topic")
            )
            self.fields["readings"].queryset = Reading.objects.filter(batch=batch)

    @classmethod
    def initial_for(cls, session):
        return {
            "kind": session.kind,
            "title": session.title,
            "starts_at": session.starts_at,
            "hours": session.hours,
            "place": session.place,
            "speaker": session.speaker,
            "topic": session.topic_id,
            "readings": [reading.pk for reading in session.readings.all()],
        }

    @staticmethod
    def initial_for_new():
        """The current hour today: most sessions are entered just before they start."""
        now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        return {"kind": SessionKind.STUDY, "starts_at": now, "hours": 2}


def roster_entries(data):
    """The (member id, status) pairs of a posted roster; rows left blank are skipped.

    Returns (entries, errors). Ids and statuses are only parsed here: whether they belong
    on this roster is the service's to say.
    """
    entries, errors = [], []
    for key in data:
        if not key.startswith(ROSTER_PREFIX):
            continue
        member_id = record_id(key.removeprefix(ROSTER_PREFIX))
        if member_id is None:
            errors.append(_("签到名单中有无法识别的人员,请刷新页面后重新登记。"))
            continue
        for status in data.getlist(key):
            if status:
                entries.append((member_id, status))
    if not entries and not errors:
        errors.append(_("还没有为任何人选择签到情况。"))
    return entries, errors


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=6,
        min_length=6,
        error_messages={
            "required": _("请输入6位签到码。"),
            "min_length": _("签到码是6位数字。"),
            "max_length": _("签到码是6位数字。"),
        },
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("签到码是6位数字。"))
        return code

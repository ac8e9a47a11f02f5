"""Input for the 大讨论: a new draft of a group's specific requirements, and a session
with the opinions gathered from the public.

The forms check what one field can tell; the rules (a session already held, a draft that
says something) live in ledgers.services.discussion and come back as errors on these
fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


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

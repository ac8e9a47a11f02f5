"""The reminder settings form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderSettingsForm(forms.Form):
    weekly_digest = forms.BooleanField(
        label=_("接收每周待办提醒"),
        required=False,
        help_text=_("每周一早上,把您本周要办的事发到“通知”里;填写了电子邮箱的,同时发邮件。"),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )

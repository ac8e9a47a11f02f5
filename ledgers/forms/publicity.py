"""Input for the publicity ledger, and for correcting a record of it.

The forms check what one field can tell; the rules (a date not in the future, evidence
that says something) live in ledgers.services.publicity and come back as errors on these
fields. A correction is the same form as the record's, plus its reason.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from ledgers.forms.corrections import correction_reason
from ledgers.models import PublicityItem

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请填写正确的日期,如 2005-03-08。")}


class PublicityCheckForm(forms.Form):
    item = forms.ChoiceField(
        label=_("宣传项目"),
        choices=PublicityItem.choices,
        error_messages={"required": _("请选择宣传项目。")},
    )
    done_on = forms.DateField(label=_("日期"), widget=DateInput(), error_messages=DATE_ERRORS)
    evidence = forms.CharField(
        label=_("佐证情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如:标语内容和悬挂地点、专栏期数、播出的节目和日期、简报期号。"),
        error_messages={"required": _("请写明佐证情况,例如标语内容和悬挂地点。")},
    )


class PublicityCheckCorrectionForm(PublicityCheckForm):
    reason = correction_reason(_("如:日期填错了"))

"""Input for the 边学边查边改 ledger (filing, editing and filtering its items), for the
public satisfaction survey, and for accepting or setting aside its opinions.

The forms check what one field can tell (a date, a choice); the ledger's rules
(一时还解决不了 needs the explanation given to the public, the measure and the person
responsible; 已整改 is dated) live in ledgers.services.rectification and come back as
errors on these fields.
"""

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.dates import day_text
from common.forms import DateInput
from ledgers.models import (
    RectificationCategory,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
)
from ledgers.services.rectification import (
    DISMISS_REASON_MAX_LENGTH,
    NOT_YET_REQUIRED,
    OPINION_MAX_LENGTH,
    SURVEY_QUESTIONS,
    SURVEY_RATINGS,
)

DATE_ERRORS = {"invalid": _("请填写正确的日期,如 2005-03-01。")}


class RectificationItemForm(forms.Form):
    """A keeper files a problem. `for_supervisor` leaves out what the unit decides (the
    source is 督导检查, the status 待整改); `item` edits one, whose source stays."""

    problem = forms.CharField(
        label=_("存在的问题"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如:窗口服务态度生硬,群众办事要跑多次"),
    )
    source = forms.ChoiceField(label=_("问题来源"), choices=RectificationSource.choices)
    category = forms.ChoiceField(label=_("问题类别"), choices=RectificationCategory.choices)
    measure = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible = forms.CharField(label=_("责任人"), max_length=50, required=False)
    deadline = forms.DateField(
        label=_("整改时限"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    status = forms.ChoiceField(label=_("整改情况"), choices=RectificationStatus.choices)
    public_explanation = forms.CharField(
        label=_("向群众的解释"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选“一时还解决不了”时,向群众的解释、整改措施和责任人三项都要填写。"),
    )

    def __init__(
        self,
        *args: Any,
        for_supervisor: bool = False,
        item: RectificationItem | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        if for_supervisor:
            for name in ("source", "status", "public_explanation"):
                del self.fields[name]
        if item is not None:
            del self.fields["source"]
            # The public's own words stay as they were written.
            if item.source == RectificationSource.PUBLIC:
                del self.fields["problem"]

    def clean(self) -> dict[str, Any]:
        """A deadline is set when a problem is filed or later: not before the day it was
        filed (today, for a new one)."""
        data = super().clean()
        deadline = data.get("deadline")
        if self.item is None:
            filed = timezone.localdate()
        else:
            filed = timezone.localdate(self.item.created_at)
        if deadline and deadline < filed:
            self.add_error(
                "deadline",
                _("整改时限不能早于问题登记的日期(%(date)s)。") % {"date": day_text(filed)},
            )
        return data

    def not_yet_missing(self) -> list[str]:
        """The labels of what an item put off still lacks, after the service refused it:
        the keeper on a phone sees the three at the top, not only at each field."""
        return [
            str(self.fields[name].label)
            for name, message in NOT_YET_REQUIRED.items()
            if str(message) in self.errors.get(name, [])
        ]

    @staticmethod
    def initial_for(item: RectificationItem) -> dict[str, Any]:
        return {
            "problem": item.problem,
            "category": item.category,
            "measure": item.measure,
            "responsible": item.responsible,
            "deadline": item.deadline,
            "status": item.status,
            "public_explanation": item.public_explanation,
        }


class RectificationFilterForm(forms.Form):
    """The list's filters, from the query string; an unknown value is ignored."""

    status = forms.ChoiceField(
        label=_("整改情况"),
        required=False,
        choices=[("", _("全部情况")), *RectificationStatus.choices],
    )
    category = forms.ChoiceField(
        label=_("问题类别"),
        required=False,
        choices=[("", _("全部类别")), *RectificationCategory.choices],
    )
    source = forms.ChoiceField(
        label=_("问题来源"),
        required=False,
        choices=[("", _("全部来源")), *RectificationSource.choices],
    )
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class SurveyForm(forms.Form):
    """群众满意度测评: three ratings and an optional opinion."""

    opinion = forms.CharField(
        label=_("您的意见和建议(可不填)"),
        required=False,
        max_length=OPINION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("意见请不要超过%(limit_value)d字。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SURVEY_QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=SURVEY_RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择一项。")},
            )
        # The ratings first, the opinion last, as the page asks them.
        self.order_fields([name for name, _label in SURVEY_QUESTIONS])

    def questions(self) -> list[BoundField]:
        return [self[name] for name, _label in SURVEY_QUESTIONS]


class OpinionAcceptForm(forms.Form):
    """采纳: the category of the problem it is filed as; the public's words stay as written."""

    category = forms.ChoiceField(
        label=_("问题类别"),
        choices=RectificationCategory.choices,
        initial=RectificationCategory.CONDUCT,
    )


class OpinionDismissForm(forms.Form):
    """不采纳, with the reason if one is given."""

    reason = forms.CharField(
        label=_("不采纳的理由(可不填)"),
        required=False,
        max_length=DISMISS_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如:与本单位无关;已向群众作了解释。"),
    )

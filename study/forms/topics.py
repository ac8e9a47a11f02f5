"""Input for the 四加一 topics and the required readings. The forms check one field at a
time; the rules that need the rest of the list (no two alike) come back from
campaign.services.topics as errors on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Reading, Topic

NAME_LENGTH = Topic._meta.get_field("name").max_length
TITLE_LENGTH = Reading._meta.get_field("title").max_length


class TopicForm(forms.Form):
    name = forms.CharField(
        label=_("专题名称"),
        max_length=NAME_LENGTH,
        error_messages={"required": _("请填写专题名称。")},
    )


class OwnTopicForm(TopicForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.label = _("本单位的“加一”专题")
        name.help_text = _(
            "结合单位及岗位实际,确定一个结合单位特色的专题,如爱岗敬业、创建单位或行业形象的专题。"
        )


def _title_field(label, **kwargs):
    return forms.CharField(
        label=label,
        max_length=TITLE_LENGTH,
        error_messages={"required": _("请填写篇目。")},
        **kwargs,
    )


class ReadingAddForm(forms.Form):
    title = _title_field(
        _("新添篇目"),
        widget=forms.TextInput(attrs={"placeholder": _("新添篇目,如:《公务员法》")}),
    )


class ReadingForm(forms.Form):
    """One reading's row: its title and its place in the list."""

    title = _title_field(_("篇目"))
    number = forms.IntegerField(
        label=_("序号"),
        min_value=1,
        max_value=999,
        error_messages={
            "required": _("请填写序号。"),
            "invalid": _("序号应是整数。"),
            "min_value": _("序号从1开始。"),
            "max_value": _("序号不能超过999。"),
        },
    )

    field_order = ["number", "title"]

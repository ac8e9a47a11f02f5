"""A branch's table of members and their hours, built in Python: the branch's progress is
the page a secretary opens most after the roster, and the template language spent longer
on its rows than the database on the whole page."""

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.templatetags.figures import pk_url

register = template.Library()


def hours_text(value) -> str:
    """12 → "12", 12.5 → "12.5": hours as `floatformat:"-1"` prints them."""
    value = Decimal(value or 0).quantize(Decimal("0.1"))
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


def _badge(text: str) -> str:
    return f'<span class="badge text-bg-light border">{escape(text)}</span>'


@register.simple_tag
def member_rows(members) -> SafeString:
    """One `<tr>` a member: name and flags, total / 集中 / 自学 hours, make-ups owed, notes
    and essays, and what is still missing (`member.shortfall`, set by the view)."""
    link = pk_url("study:member_progress")
    cadre, mobile = _badge(gettext("领导干部")), _badge(gettext("流动"))
    infirm = _badge(gettext("送课"))
    done = f'<span class="badge text-bg-success">{escape(gettext("已达标"))}</span>'
    writing_short = escape(gettext("笔记心得未达要求"))
    rows = []
    for m in members:
        flags = (cadre if m.is_leading_cadre else "") + (mobile if m.is_mobile else "")
        flags += infirm if m.is_infirm else ""
        owed_class = " text-danger" if m.makeups_owed else ""
        writing = f"{int(m.notes)}/{int(m.essays)}"
        if not m.writing_done:
            writing += f' <span class="text-danger" title="{writing_short}">!</span>'
        short = m.shortfall
        if short.done:
            missing = done
        else:
            missing = escape(gettext("还差 %(hours)s 学时") % {"hours": short.hours})
            if short.concentrated:
                of_which = gettext("其中集中学习 %(hours)s 学时") % {"hours": short.concentrated}
                missing += f'<small class="d-block text-body-secondary">{escape(of_which)}</small>'
        rows.append(
            f'<tr><td><a href="{link(m.pk)}">{escape(m.name)}</a> {flags}</td>'
            f'<td class="text-end">{hours_text(m.total_hours)}</td>'
            f'<td class="text-end">{hours_text(m.concentrated_hours)}</td>'
            f'<td class="text-end d-none d-md-table-cell">{hours_text(m.self_study_hours)}</td>'
            f'<td class="text-end{owed_class}">{int(m.makeups_owed)}</td>'
            f'<td class="text-end d-none d-md-table-cell">{writing}</td>'
            f"<td>{missing}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped

"""The roster page's status buttons, built in Python: five per member, forty members a
branch, and each built by the template language cost as much as the rest of the page."""

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

# The buttons of one member differ from another's only by the name, so each language's
# are escaped once per process, not five times a member: the labels are lazy strings,
# and escaping a lazy string costs more than the rest of the button.
_NAME = "\x00"
_CHECKED = "\x01"
_BUTTONS: dict[tuple[str | None, tuple], list[tuple[str, str]]] = {}


def _buttons(choices) -> list[tuple[str, str]]:
    key = (get_language(), tuple((value, colour) for value, _label, colour in choices))
    buttons = _BUTTONS.get(key)
    if buttons is None:
        buttons = [
            (
                value,
                f'<div class="col"><input type="radio" class="btn-check" name="{_NAME}" '
                f'id="{_NAME}-{escape(value)}" value="{escape(value)}" autocomplete="off"'
                f'{_CHECKED}><label class="btn btn-outline-{escape(colour)} btn-sm w-100 '
                f'px-0 py-2 lh-lg text-nowrap" for="{_NAME}-{escape(value)}">'
                f"{escape(label)}</label></div>",
            )
            for value, label, colour in choices
        ]
        _BUTTONS[key] = buttons
    return buttons


@register.simple_tag
def status_radios(member, status: str, choices) -> SafeString:
    """One radio button a status (出席, 迟到 …), the member's current one checked."""
    name = f"status-{int(member.pk)}"
    return mark_safe(
        "".join(
            html.replace(_NAME, name).replace(_CHECKED, " checked" if status == value else "")
            for value, html in _buttons(choices)
        )
    )


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _badge(colour: str, text: str, extra: str = "") -> str:
    return f'<span class="badge text-bg-{colour}{extra}">{escape(text)}</span>'


@register.simple_tag
def roster_items(rows, choices) -> SafeString:
    """The roster's rows, one `<li>` a member: the name, what the secretary should know
    (年老体弱, leave approved, moved away, a sign-in that disagrees with the record) and
    the five status buttons. Built in Python for the same reason as the buttons."""
    infirm = _badge("secondary", gettext("年老体弱")) + (
        f'<span class="small text-body-secondary">{escape(gettext("可送课上门"))}</span>'
    )
    on_leave = _badge("info", gettext("已批准请假"))
    moved = _badge("light", gettext("已不在本支部"), " border")
    self_signed = escape(gettext("本人签到"))
    items = []
    for row in rows:
        member, attendance = row["member"], row["attendance"]
        signed_at = attendance.self_signed_at if attendance is not None else None
        notes = [f'<span class="fw-semibold me-1">{escape(member.name)}</span>']
        if member.is_infirm:
            notes.append(infirm)
        if row["on_leave"]:
            notes.append(on_leave)
        if row.get("moved"):
            notes.append(moved)
        if row.get("conflict"):
            text = gettext("本人 %(time)s 扫码签到,名单记为%(status)s,请核实") % {
                "time": _time(signed_at),
                "status": attendance.get_status_display(),
            }
            notes.append(
                f'<span class="badge text-bg-warning text-wrap" data-conflict>{escape(text)}</span>'
            )
        if signed_at is not None:
            notes.append(
                '<span class="badge text-bg-success ms-auto" data-self-signed>'
                f"{self_signed} {_time(signed_at)}</span>"
            )
        else:
            notes.append(
                '<span class="badge text-bg-success ms-auto" data-self-signed hidden></span>'
            )
        if row.get("moved"):
            choice = f'<div class="small">{escape(attendance.get_status_display())}</div>'
        else:
            label = gettext("%(name)s的签到情况") % {"name": member.name}
            choice = (
                f'<div class="row row-cols-5 g-1" role="radiogroup" aria-label="{escape(label)}">'
                f"{status_radios(member, row['status'], choices)}</div>"
            )
        items.append(
            f'<li class="list-group-item px-2" data-member="{int(member.pk)}">'
            f'<div class="d-flex flex-wrap align-items-center gap-1 mb-1">{"".join(notes)}</div>'
            f"{choice}</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value above is escaped

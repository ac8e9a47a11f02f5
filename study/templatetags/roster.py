"""The roster page's status buttons, built in Python: five per member, forty members a
branch, and each built by the template language cost as much as the rest of the page."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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

"""The roster page's status buttons, built in Python: five per member, forty members a
branch, and each built by the template language cost as much as the rest of the page."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def status_radios(member, status: str, choices) -> SafeString:
    """One radio button a status (出席, 迟到 …), the member's current one checked."""
    name = f"status-{member.pk}"
    return format_html_join(
        "",
        '<div class="col"><input type="radio" class="btn-check" name="{}" id="{}-{}" '
        'value="{}" autocomplete="off"{}><label class="btn btn-outline-{} btn-sm w-100 '
        'px-0 py-2 lh-lg text-nowrap" for="{}-{}">{}</label></div>',
        (
            (
                name,
                name,
                value,
                value,
                mark_safe(" checked") if status == value else "",
                colour,
                name,
                value,
                label,
            )
            for value, label, colour in choices
        ),
    )

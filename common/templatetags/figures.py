"""How the pages print figures: a rate in percent, a dash where there is none."""

from django import template

register = template.Library()


@register.filter
def percent(value):
    """12.5 → "12.5%"; None (no members to take a rate of) → "—". A filter rather than an
    included template: a 党委's table prints hundreds of them."""
    if value is None:
        return "—"
    return f"{value}%"

"""The one way a page writes a date: `{{ value|day }}` → 2005年3月1日, and
`{{ value|day_time }}` → 2005年3月1日 14:30 in Beijing time; `{{ value|shown }}` writes a
value a correction or change history stored (ISO dates among them) as people read it
(see common.dates)."""

import datetime

from django import template

from common.dates import day_text, day_time_text, shown_value

register = template.Library()


@register.filter
def day(value: datetime.date | None) -> str:
    return day_text(value)


@register.filter
def day_time(value: datetime.datetime | None) -> str:
    return day_time_text(value)


@register.filter
def shown(value: object) -> object:
    return shown_value(value)

"""The one way a date is written for people: 2005年3月1日, and with a time 2005年3月1日 14:30
(Beijing time). The same in pages, messages, Excel titles and cells, and briefings; only
form inputs keep the ISO form (2005-03-01) the browser's date picker reads and writes.

Templates use the `day` and `day_time` filters of `{% load days %}`; Excel writers give
their date cells the number format EXCEL_DAY.
"""

import datetime
import re

from django.utils import timezone


def day_text(day: datetime.date | None) -> str:
    """date(2026, 1, 5) → "2026年1月5日"; None → ""."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def day_time_text(moment: datetime.datetime | None) -> str:
    """An aware datetime in Beijing time: "2026年1月5日 14:30"; None → ""."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{day_text(moment.date())} {moment:%H:%M}"


# Excel's number format for the same: the cell stays a date, which sorts and filters, and
# reads 2005年3月1日 (openpyxl's default shows 2005-03-01). No export writes a time of day.
EXCEL_DAY = 'yyyy"年"m"月"d"日"'


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown_value(value: object) -> object:
    """A stored record value as people read it: a date kept in ISO form (as corrections
    and change histories store them, so they sort and compare) in the one date format;
    anything else as it is."""
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return day_text(datetime.date.fromisoformat(value))
    return value


def days_ago(days: int, today: datetime.date | None = None) -> datetime.date:
    """The date `days` days before `today` (Beijing time, by default today)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=days)

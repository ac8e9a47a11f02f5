"""Checks the services of several apps make on a value before they write it. Each raises
`ValidationError` keyed by the form field at fault, with the message the user reads."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def not_in_future(day: datetime.date | None, field: str, message: str) -> None:
    """A record of something done is dated today at the latest (Beijing time)."""
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: message})


def required_text(value: str | None, field: str, message: str) -> str:
    """The text with its surrounding space trimmed; refused when nothing is left."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text

"""Checks the services of several apps make on a value before they write it. Each raises
`ValidationError` keyed by the form field at fault, with the message the user reads.

And the checks every form field makes, whichever form it is on (`install_field_checks`)."""

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import day_text
from common.text import strip_control_characters


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


# The largest id a row can have (DEFAULT_AUTO_FIELD is a BigAutoField).
LARGEST_ID = 2**63 - 1


def record_id(text: str) -> int | None:
    """The id of a record that `text` (a hidden field, a query parameter) names, or None
    when it names none: not plain digits — isdigit() holds for "²", which int() refuses,
    and for "١٢", which it reads as 12 — or a number past any id, which the database
    can't even compare."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


# Every form's fields ----------------------------------------------------------------------

# The dates a form takes: wide enough for the oldest member's birth, narrow enough to refuse
# 0001 and 9999, which the date picker's year wheel and a slipped keyboard both produce.
EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def day_in_range(day: datetime.date | None, label: object) -> None:
    """A date (or a date and time) between EARLIEST_DAY and LATEST_DAY; `label` names the
    field in the message."""
    if day is None:
        return
    if isinstance(day, datetime.datetime):
        day = day.date()
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("%(field)s应在%(earliest)s至%(latest)s之间,请核对年份。")
            % {
                "field": label or _("日期"),
                "earliest": day_text(EARLIEST_DAY),
                "latest": day_text(LATEST_DAY),
            },
            code="date_range",
        )


def install_field_checks() -> None:
    """Make every form field check what it is given, once for all forms (CommonConfig.ready).

    Django's own fields are changed, not our forms: the admin's forms, the login and
    password forms and every ModelForm's fields are built by Django from the models, and a
    mixin on our form classes would miss them (and any form written later without it).
    Every text input — the admin's, the public survey's, a form's own CharField and its
    subclasses that don't replace `to_python` (EmailField, SlugField, URLField) — becomes
    text in `CharField.to_python`; every date input is checked in `DateField.validate`
    and `DateTimeField.validate` (the admin's date-and-time input is a DateField and a
    TimeField).

    - Text loses its C0 control characters (common.text): the pages show them as nothing,
      the Excel exports can't write them. A password is left as typed: it is never shown
      or exported, and changing it would lock out whoever chose one before.
    - A date lies between 1900 and 2100 (`day_in_range`). A form narrows that where its
      field says more (a birth not in the future, a deadline not before filing) in its
      own clean().
    - Text is no longer than its field's `max_length`, also where a form sets that after
      building the field, which Django's own check misses: the login form's user name,
      which django-axes then recorded in a column of 255 that PostgreSQL refuses to
      overfill (a 500 instead of "wrong password").
    - The ids ticked in a multiple choice of records (必读科目, attachments to remove) are
      numbers their column can hold: Django looks them all up in one `pk IN (...)`,
      which SQLite can't even run with a number past 64 bits (OverflowError, a 500).
    """
    if getattr(forms.CharField.to_python, "checks_installed", False):
        return
    forms.CharField.to_python = _text_without_controls(forms.CharField.to_python)
    forms.CharField.validate = _length_checked(forms.CharField.validate)
    forms.DateField.validate = _day_in_range(forms.DateField.validate)
    forms.DateTimeField.validate = _day_in_range(forms.DateTimeField.validate)
    forms.ModelMultipleChoiceField._check_values = _ids_in_range(
        forms.ModelMultipleChoiceField._check_values
    )


def _text_without_controls(to_python: Callable[[forms.Field, Any], Any]) -> Callable:
    @functools.wraps(to_python)
    def text(field: forms.Field, value: Any) -> Any:
        if isinstance(value, str) and not isinstance(field.widget, forms.PasswordInput):
            value = strip_control_characters(value)
        return to_python(field, value)

    text.checks_installed = True
    return text


def _length_checked(validate: Callable[[forms.Field, Any], None]) -> Callable:
    @functools.wraps(validate)
    def checked(field: forms.CharField, value: Any) -> None:
        validate(field, value)
        # The validator Django adds when max_length is given to the field, else this one.
        if value in field.empty_values or field.max_length is None:
            return
        if not any(
            isinstance(validator, validators.MaxLengthValidator) for validator in field.validators
        ):
            validators.MaxLengthValidator(field.max_length)(value)

    return checked


def _day_in_range(validate: Callable[[forms.Field, Any], None]) -> Callable:
    @functools.wraps(validate)
    def checked(field: forms.Field, value: Any) -> None:
        validate(field, value)
        day_in_range(value, field.label)

    return checked


def _ids_in_range(check_values: Callable[[forms.Field, Any], Any]) -> Callable:
    @functools.wraps(check_values)
    def checked(field: forms.ModelMultipleChoiceField, value: Any) -> Any:
        model = field.queryset.model
        key = (
            model._meta.pk
            if field.to_field_name is None
            else model._meta.get_field(field.to_field_name)
        )
        if isinstance(key, models.IntegerField) and isinstance(value, (list, tuple)):
            low, high = connections[field.queryset.db].ops.integer_field_range(
                key.get_internal_type()
            )
            for item in value:
                try:
                    number = key.get_prep_value(item)
                except (TypeError, ValueError):
                    continue  # not a number at all: Django's own check says so
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        field.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return check_values(field, value)

    return checked

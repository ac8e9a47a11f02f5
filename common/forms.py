"""What every app's forms and form views share: the date input, and how a form hands its
data to a service and takes the service's rule errors back.

The forms check what one field can tell; the rules that need the database live in the
services, which raise `ValidationError` keyed by the form field at fault. `form_save`
puts those errors back on the form, which stays bound to what the user typed.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

Result = TypeVar("Result")


class DateInput(forms.DateInput):
    """The browser's own date picker, which phones show as a native wheel."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's `ValidationError` on the form: on a field where the form has that
    field, at the top of the form otherwise (a service may name a field this form lacks)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_save(form: forms.BaseForm, service: Callable[..., Result], **kwargs: Any) -> Result | None:
    """Run `service` with the form's cleaned data and `kwargs`.

    Returns what the service returned, or None when the form is invalid or the service
    refused: the form then shows why, and still holds what the user typed.
    """
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return None

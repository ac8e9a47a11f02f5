"""What every ledger's correct and delete pages share: the record the user may correct,
which rows of a list they may correct, and the message that says what was corrected. The
rules and the record of the correction are in ledgers.services.corrections."""

from collections.abc import Iterable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from common.dates import shown_value
from ledgers.services.corrections import Changes
from units.permissions import has_perm, require

Record = TypeVar("Record", bound=Model)
Rows = TypeVar("Rows", bound=Iterable[Model])


def kept_record(request: HttpRequest, queryset: QuerySet[Record], pk: int) -> Record:
    """A ledger record the user may correct: its unit's ledgers are theirs to keep (404
    when the unit is unseen, 403 when it is only read)."""
    record = get_object_or_404(queryset, pk=pk)
    require(request.user, "keep_ledger", record.unit)
    return record


def mark_keepable(user: AbstractBaseUser, page: Rows) -> Rows:
    """Which rows of a page the user may correct (`can_keep`): a committee's page lists its
    branches' records, and a user may keep some units of a page and not others. The scope
    is cached, so asking row by row costs no query."""
    for record in page:
        record.can_keep = has_perm(user, "keep_ledger", record.unit)
    return page


def _shown(value: object) -> str | Promise:
    # A whole paragraph would drown the message; the correction keeps it whole.
    return Truncator(shown_value(value)).chars(20) if value else _("(空)")


def report_correction(request: HttpRequest, changes: Changes) -> None:
    """「已更正:听课人数 450 → 45。」, or 「没有改动。」 when the form was saved unchanged."""
    if not changes:
        messages.info(request, _("没有改动。"))
        return
    described = ";".join(
        f"{label} {_shown(before)} → {_shown(after)}" for label, (before, after) in changes.items()
    )
    messages.success(request, _("已更正:%(changes)s。") % {"changes": described})

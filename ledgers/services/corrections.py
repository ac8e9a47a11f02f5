"""Correcting or deleting a record of a unit's ledger, with the correction kept.

The ledgers' own services decide what may change and check the new values (`validate`);
this module locks the row, compares before and after field by field, and writes the
`LedgerCorrection` in the same transaction as the change. A ledger's page lists its
latest corrections (`ledger_corrections`).
"""

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ledgers.models import CorrectedLedger, CorrectionAction, LedgerCorrection
from units.models import Unit

REASON_MAX_LENGTH = 200

# What a correction says changed: {field label: [before, after]} in display values.
Changes = dict[str, list[str]]

# A record of one of the ledgers: a model with a `unit`.
Record = TypeVar("Record", bound=models.Model)


def display_value(record: models.Model, name: str) -> str:
    """A field's value as the correction keeps it: a choice's label, a date in ISO form
    (common.dates.shown_value writes it for people), "" for nothing, a decimal without
    trailing zeros."""
    value = getattr(record, name)
    field = record._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, datetime.date):
        # Stored in ISO form, which sorts and compares; pages show it as 2005年3月1日.
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return str(value)


def _label(record: models.Model, name: str) -> str:
    return str(record._meta.get_field(name).verbose_name)


def clean_reason(reason: str | None) -> str:
    """The reason a correction needs, stripped; ValidationError on `reason` if missing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明更正原因。")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("更正原因不超过%(max)s个字。") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


def ledger_record_update(
    *,
    record: Record,
    ledger: CorrectedLedger,
    fields: Sequence[str],
    values: dict[str, Any],
    user: AbstractBaseUser,
    reason: str | None,
    validate: Callable[[Record], None] | None = None,
    extra: Callable[[Record], Changes] | None = None,
) -> tuple[Record, Changes]:
    """Change `values` ({name: value}, only names in `fields`) on `record` and keep the
    correction. `validate(locked_record)` raises ValidationError for what the ledger's
    rules forbid; `extra(locked_record)` makes the changes that are not fields (an
    activity's files) and returns them as {label: [before, after]}. Returns (saved
    record, {label: [before, after]}); when nothing changed nothing is written and the
    changes are empty.

    The row is locked so that two keepers correcting at once are each recorded against
    what the other saved."""
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"not correctable: {', '.join(sorted(unknown))}")
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise ValidationError(_("这条记录已被删除。"))
        before = {name: display_value(locked, name) for name in fields}
        for name, value in values.items():
            setattr(locked, name, value)
        if validate:
            validate(locked)
        locked.full_clean()
        changed = [name for name in fields if before[name] != display_value(locked, name)]
        more = extra(locked) if extra else {}
        more = {label: pair for label, pair in more.items() if pair[0] != pair[1]}
        if not changed and not more:
            return locked, {}
        reason = clean_reason(reason)
        if changed:
            locked.save(update_fields=changed)
        changes = {
            _label(locked, name): [before[name], display_value(locked, name)] for name in changed
        }
        changes.update(more)
        _keep(locked, ledger, CorrectionAction.CHANGED, changes, reason, user)
    return locked, changes


def ledger_record_delete(
    *,
    record: Record,
    ledger: CorrectedLedger,
    fields: Sequence[str],
    user: AbstractBaseUser,
    reason: str | None,
    before_delete: Callable[[Record], Changes | None] | None = None,
) -> LedgerCorrection:
    """Delete `record`, keeping what its `fields` held in the correction.
    `before_delete(locked_record)` runs inside the transaction, e.g. to remove files, and
    may return more of what the record held as {label: [before, ""]}."""
    reason = clean_reason(reason)
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise ValidationError(_("这条记录已被删除。"))
        held = {_label(locked, name): [display_value(locked, name), ""] for name in fields}
        if before_delete:
            held.update(before_delete(locked) or {})
        # What was empty was not lost.
        changes = {label: pair for label, pair in held.items() if pair[0]}
        correction = _keep(locked, ledger, CorrectionAction.DELETED, changes, reason, user)
        locked.delete()
    return correction


def _keep(
    record: models.Model,
    ledger: CorrectedLedger,
    action: CorrectionAction,
    changes: Changes,
    reason: str,
    user: AbstractBaseUser,
) -> LedgerCorrection:
    return LedgerCorrection.objects.create(
        unit=record.unit,
        ledger=ledger,
        record_id=record.pk,
        record=str(record)[:200],
        action=action,
        changes=changes,
        reason=reason,
        changed_by=user,
    )


def ledger_corrections(
    unit: Unit, ledger: CorrectedLedger, limit: int = 20
) -> list[LedgerCorrection]:
    """The latest corrections of one ledger in a unit and the units below it (a 党委's page
    lists its branches' records, so it shows their corrections too), one query."""
    corrections = LedgerCorrection.objects.filter(
        unit__path__startswith=unit.path, ledger=ledger
    ).select_related("unit", "changed_by")
    return list(corrections[:limit])

"""Every write to the integrity record (廉洁自律): what a unit's people refused.

"坚持廉洁自律……拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元":
a record's figures go into the briefings, so a mistyped one is corrected or deleted through
ledgers.services.corrections, which keeps the correction.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledgers.models import CorrectedLedger, IntegrityRecord, LedgerCorrection
from ledgers.services.corrections import Changes, ledger_record_delete, ledger_record_update
from units.models import Unit

# What a keeper may correct on an integrity record; also what a deletion keeps.
INTEGRITY_FIELDS = (
    "recorded_on",
    "refused_banquets",
    "refused_vouchers",
    "refused_vouchers_value",
    "refused_gifts_value",
    "note",
)


def integrity_record_check(record: IntegrityRecord, *, today: datetime.date | None = None) -> None:
    """The integrity record's rules, the same when it is recorded and when it is corrected:
    nothing refused in the future, a voucher value counts vouchers, and a record says
    what was refused."""
    today = today or timezone.localdate()
    if record.recorded_on > today:
        raise ValidationError({"recorded_on": _("日期不能晚于今天。")})
    if record.refused_vouchers_value and not record.refused_vouchers:
        raise ValidationError({"refused_vouchers": _("填写了购物券价值,请同时填写张数。")})
    figures = (
        record.refused_banquets,
        record.refused_vouchers,
        record.refused_vouchers_value,
        record.refused_gifts_value,
    )
    if not any(figures):
        raise ValidationError(_("请至少填写一项:拒吃请、拒收购物券或拒收礼金、信息费。"))


def integrity_record_create(
    *,
    unit: Unit,
    user: AbstractBaseUser,
    recorded_on: datetime.date,
    refused_banquets: int = 0,
    refused_vouchers: int = 0,
    refused_vouchers_value: Decimal = Decimal("0"),
    refused_gifts_value: Decimal = Decimal("0"),
    note: str = "",
    today: datetime.date | None = None,
) -> IntegrityRecord:
    record = IntegrityRecord(
        unit=unit,
        recorded_on=recorded_on,
        refused_banquets=refused_banquets,
        refused_vouchers=refused_vouchers,
        refused_vouchers_value=refused_vouchers_value,
        refused_gifts_value=refused_gifts_value,
        note=note,
        recorded_by=user,
    )
    integrity_record_check(record, today=today)
    record.full_clean()
    record.save()
    return record


def integrity_record_correct(
    *,
    record: IntegrityRecord,
    user: AbstractBaseUser,
    reason: str | None,
    today: datetime.date | None = None,
    **values: Any,
) -> tuple[IntegrityRecord, Changes]:
    """Correct a record's figures; returns (record, {label: [before, after]}), empty when
    nothing changed. The unit and who recorded it stay."""
    return ledger_record_update(
        record=record,
        ledger=CorrectedLedger.INTEGRITY,
        fields=INTEGRITY_FIELDS,
        values=values,
        user=user,
        reason=reason,
        validate=lambda locked: integrity_record_check(locked, today=today),
    )


def integrity_record_delete(
    *, record: IntegrityRecord, user: AbstractBaseUser, reason: str | None
) -> LedgerCorrection:
    return ledger_record_delete(
        record=record,
        ledger=CorrectedLedger.INTEGRITY,
        fields=INTEGRITY_FIELDS,
        user=user,
        reason=reason,
    )

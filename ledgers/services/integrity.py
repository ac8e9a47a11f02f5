"""Writes of the 边学边查边改 ledger, the integrity record and the public satisfaction survey.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚":
an item is rectified (and dated) or explained to the public; every change to it is
recorded with who made it and what the fields were before and after. An integrity
record's figure goes into the briefings, so a mistyped one is corrected or deleted
through campaign.services_corrections, which keeps the correction.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledgers.models import (
    CorrectedLedger,
    IntegrityRecord,
)
from ledgers.services.corrections import ledger_record_delete, ledger_record_update

# What a keeper may correct on an integrity record; also what a deletion keeps.
INTEGRITY_FIELDS = (
    "recorded_on",
    "refused_banquets",
    "refused_vouchers",
    "refused_vouchers_value",
    "refused_gifts_value",
    "note",
)


# The integrity record ----------------------------------------------------------------------


def integrity_record_check(record, *, today=None):
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
    unit,
    user,
    recorded_on,
    refused_banquets=0,
    refused_vouchers=0,
    refused_vouchers_value=Decimal("0"),
    refused_gifts_value=Decimal("0"),
    note="",
    today=None,
):
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


def integrity_record_correct(*, record, user, reason, today=None, **values):
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


def integrity_record_delete(*, record, user, reason):
    return ledger_record_delete(
        record=record,
        ledger=CorrectedLedger.INTEGRITY,
        fields=INTEGRITY_FIELDS,
        user=user,
        reason=reason,
    )

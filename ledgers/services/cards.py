"""Every write to the 五卡: the office's card types, and the cards each unit records as
given out and got back, with the corrections of those records.

What a unit got back of a card type never exceeds what it gave out, counting every record:
each write holds the unit's lock while it checks. Each function raises `ValidationError`
(keyed by form field where one is at fault) before anything is written.
"""

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from ledgers.models import CardRecord, CardType, CorrectedLedger, LedgerCorrection
from ledgers.services.corrections import Changes, ledger_record_delete, ledger_record_update
from units.models import Unit

# What a keeper may correct; the unit, who recorded it and the card type stay.
CARD_FIELDS = ["recorded_on", "issued", "returned"]


# Card types ------------------------------------------------------------------------------


def _card_name_taken(batch: Batch | int, name: str, exclude_pk: int | None = None) -> bool:
    return CardType.objects.filter(batch=batch, name=name).exclude(pk=exclude_pk).exists()


def card_type_add(*, batch: Batch, name: str) -> CardType:
    name = name.strip()
    if _card_name_taken(batch, name):
        raise ValidationError({"name": _("已有名为“%(name)s”的卡种。") % {"name": name}})
    try:
        with transaction.atomic():
            last = CardType.objects.filter(batch=batch).aggregate(n=Max("number"))["n"]
            card_type = CardType(batch=batch, name=name, number=(last or 0) + 1)
            card_type.full_clean(validate_constraints=False)
            card_type.save()
    except IntegrityError as error:
        # Another office user added the same name a moment ago.
        raise ValidationError({"name": _("已有名为“%(name)s”的卡种。") % {"name": name}}) from error
    return card_type


def card_type_rename(*, card_type: CardType, name: str) -> CardType:
    name = name.strip()
    if _card_name_taken(card_type.batch_id, name, exclude_pk=card_type.pk):
        raise ValidationError({"name": _("已有名为“%(name)s”的卡种。") % {"name": name}})
    card_type.name = name
    card_type.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            card_type.save(update_fields=["name"])
    except IntegrityError as error:
        raise ValidationError({"name": _("已有名为“%(name)s”的卡种。") % {"name": name}}) from error
    return card_type


# Card records ----------------------------------------------------------------------------


def _lock_unit(unit_id: int) -> None:
    """One writer of a unit's 五卡 at a time, so that two records cannot both pass the
    check of what was returned against what was issued."""
    Unit.objects.select_for_update().filter(pk=unit_id).first()


def _cards_so_far(record: CardRecord) -> tuple[int, int]:
    """What the record's unit issued and got back of its card type, not counting it."""
    records = CardRecord.objects.filter(unit_id=record.unit_id, card_type_id=record.card_type_id)
    if record.pk:
        records = records.exclude(pk=record.pk)
    totals = records.aggregate(
        issued=Coalesce(Sum("issued"), 0), returned=Coalesce(Sum("returned"), 0)
    )
    return totals["issued"], totals["returned"]


def card_record_check(record: CardRecord) -> None:
    """The 五卡 rules, the same when cards are recorded and when a record is corrected:
    something was counted, not in the future, and what the unit got back of a card type
    never exceeds what it gave out, counting every record. The caller holds the unit's
    lock (`_lock_unit`)."""
    if not record.issued and not record.returned:
        raise ValidationError(_("请填写发出或收回的张数。"))
    if record.recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("日期不能晚于今天。")})
    issued, returned = _cards_so_far(record)
    issued_total = issued + record.issued
    returned_total = returned + record.returned
    if returned_total > issued_total:
        raise ValidationError(
            {
                "returned": _("%(card)s累计收回%(returned)d张,多于累计发出的%(issued)d张,请核对。")
                % {
                    "card": record.card_type.name,
                    "returned": returned_total,
                    "issued": issued_total,
                }
            }
        )


def card_record(
    *,
    unit: Unit,
    card_type: CardType,
    recorded_on: datetime.date,
    issued: int,
    returned: int,
    user: AbstractBaseUser,
) -> CardRecord:
    """Record cards issued and returned by `unit`."""
    record = CardRecord(
        unit=unit,
        card_type=card_type,
        recorded_on=recorded_on,
        issued=issued,
        returned=returned,
        recorded_by=user,
    )
    with transaction.atomic():
        _lock_unit(unit.pk)
        card_record_check(record)
        record.full_clean()
        record.save()
    return record


def card_record_correct(
    *, record: CardRecord, user: AbstractBaseUser, reason: str | None, **values: Any
) -> tuple[CardRecord, Changes]:
    """Correct the date or the counts of a 五卡 record. Returns (record,
    {label: [before, after]}), empty when nothing changed."""
    with transaction.atomic():
        _lock_unit(record.unit_id)
        return ledger_record_update(
            record=record,
            ledger=CorrectedLedger.CARD,
            fields=CARD_FIELDS,
            values=values,
            user=user,
            reason=reason,
            validate=card_record_check,
        )


def _card_record_may_go(record: CardRecord) -> None:
    issued, returned = _cards_so_far(record)
    if returned > issued:
        raise ValidationError(
            _(
                "删除这条记录后,%(card)s累计收回%(returned)d张,多于累计发出的%(issued)d张。"
                "请先更正收回的记录。"
            )
            % {"card": record.card_type.name, "returned": returned, "issued": issued}
        )


def card_record_delete(
    *, record: CardRecord, user: AbstractBaseUser, reason: str | None
) -> LedgerCorrection:
    """Delete a 五卡 record unless the unit would then have got back more than it gave out."""
    with transaction.atomic():
        _lock_unit(record.unit_id)
        return ledger_record_delete(
            record=record,
            ledger=CorrectedLedger.CARD,
            fields=["card_type", *CARD_FIELDS],
            user=user,
            reason=reason,
            before_delete=_card_record_may_go,
        )

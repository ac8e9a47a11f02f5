"""Reads of the 五卡: what a unit's subtree gave out and got back of each card type, and
its records.

`card_totals` is one query however many records or units there are.
"""

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from campaign.models import Batch
from ledgers.models import CardRecord, CardType
from units.models import Unit


def card_totals(unit: Unit, *, batch: Batch) -> QuerySet[CardType]:
    """Every card type of the batch with the cards issued and returned in `unit`'s
    subtree, in one query (types with no record show zeros)."""
    below = Q(records__unit__path__startswith=unit.path)
    return (
        CardType.objects.filter(batch=batch)
        .annotate(
            issued_total=Coalesce(Sum("records__issued", filter=below), 0),
            returned_total=Coalesce(Sum("records__returned", filter=below), 0),
        )
        .annotate(outstanding=F("issued_total") - F("returned_total"))
    )


def card_records_under(unit: Unit, *, batch: Batch | None) -> QuerySet[CardRecord]:
    """The records of `unit`'s subtree for the batch's card types (none without a batch)."""
    return CardRecord.objects.filter(unit__path__startswith=unit.path, card_type__batch=batch)

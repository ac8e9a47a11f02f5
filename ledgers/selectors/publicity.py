"""Reads of the publicity ledger: when each of the five items was last done, for a unit
and for every unit of a subtree.

"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报"

Each is one query whatever the number of units or records.
"""

import datetime

from django.db.models import Case, IntegerField, Max, Q, QuerySet, Value, When
from django.utils.functional import Promise

from ledgers.models import PublicityItem
from units.models import Unit
from units.selectors import under_any


def _last_done(item: str) -> Max:
    return Max("publicity_checks__done_on", filter=Q(publicity_checks__item=item))


def publicity_latest(unit: Unit) -> list[tuple[str, Promise, datetime.date | None]]:
    """The date each of the five items was last recorded for the unit (None: not yet)."""
    row = Unit.objects.filter(pk=unit.pk).aggregate(
        **{item: _last_done(item) for item in PublicityItem.values}
    )
    return [(item, label, row[item]) for item, label in PublicityItem.choices]


def publicity_overview(paths: list[str]) -> QuerySet[Unit]:
    """Each unit of these subtrees with the date each item was last done; the units whose
    宣传栏 is still empty first ("部分单位的宣传橱窗、宣传栏里至今还没有先进性教育活动的内容")."""
    board_empty_first = Case(
        When(last_bulletin_board__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Unit.objects.filter(under_any(paths))
        .annotate(**{f"last_{item}": _last_done(item) for item in PublicityItem.values})
        .order_by(board_empty_first, "path")
    )

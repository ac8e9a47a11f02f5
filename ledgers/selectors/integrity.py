"""Reads of the integrity record (廉洁自律): a unit's subtree's records and totals, and
the totals written as the speech writes them ("拒吃请30余人次,拒收购物券15张价值4500余元,
拒收信息费、礼金45000余元").

`integrity_totals` is one aggregate over the subtree (materialized-path prefix), whatever
the number of records or units; the briefings read `integrity_sentence`.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from ledgers.models import IntegrityRecord
from units.models import Unit


def integrity_records(unit: Unit) -> QuerySet[IntegrityRecord]:
    return (
        IntegrityRecord.objects.filter(unit__path__startswith=unit.path)
        .select_related("unit", "recorded_by")
        .order_by("-recorded_on", "-pk")
    )


@dataclass
class IntegrityTotals:
    banquets: int = 0
    vouchers: int = 0
    vouchers_value: Decimal = Decimal("0.00")
    gifts_value: Decimal = Decimal("0.00")

    @property
    def sentence(self) -> str:
        return integrity_sentence(
            banquets=self.banquets,
            vouchers=self.vouchers,
            vouchers_value=self.vouchers_value,
            gifts_value=self.gifts_value,
        )


def _money(value: Decimal | float | None) -> Decimal:
    # SQLite sums decimals as floats; amounts are kept to the fen.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def integrity_totals(unit: Unit) -> IntegrityTotals:
    """The subtree's totals: one query."""
    row = IntegrityRecord.objects.filter(unit__path__startswith=unit.path).aggregate(
        banquets=Sum("refused_banquets"),
        vouchers=Sum("refused_vouchers"),
        vouchers_value=Sum("refused_vouchers_value"),
        gifts_value=Sum("refused_gifts_value"),
    )
    return IntegrityTotals(
        banquets=row["banquets"] or 0,
        vouchers=row["vouchers"] or 0,
        vouchers_value=_money(row["vouchers_value"]),
        gifts_value=_money(row["gifts_value"]),
    )


def approximately(value: Decimal | int) -> str:
    """A figure the way the speech writes it: 34 → "30余", 30 → "30", 4537.5 → "4530余".

    Not a round figure: floored to the ten with 余 ("30余人次"); round (or under ten):
    exact. Amounts in 元 drop their 角 and 分 once 余 says the figure is approximate.
    """
    value = Decimal(value)
    if value < 10:
        return f"{value.normalize():f}"
    tens = (value / 10).to_integral_value(rounding=ROUND_FLOOR) * 10
    if tens == value:
        return f"{tens:.0f}"
    return _("%(figure)s余") % {"figure": f"{tens:.0f}"}


def integrity_sentence(
    *, banquets: int, vouchers: int, vouchers_value: Decimal, gifts_value: Decimal
) -> str:
    """ "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元": the
    clauses with a figure, joined by commas; "" when nothing was refused."""
    clauses = []
    if banquets:
        clauses.append(_("拒吃请%(n)s人次") % {"n": approximately(banquets)})
    if vouchers and vouchers_value:
        clauses.append(
            _("拒收购物券%(n)s张价值%(value)s元")
            % {"n": vouchers, "value": approximately(vouchers_value)}
        )
    elif vouchers:
        clauses.append(_("拒收购物券%(n)s张") % {"n": vouchers})
    elif vouchers_value:
        clauses.append(_("拒收购物券价值%(value)s元") % {"value": approximately(vouchers_value)})
    if gifts_value:
        clauses.append(_("拒收信息费、礼金%(value)s元") % {"value": approximately(gifts_value)})
    return ",".join(clauses)

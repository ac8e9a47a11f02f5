"""Reads that aggregate over the unit tree: subtree totals, a unit's children and
ancestors, the composition of its members, and the prefix condition other apps filter
subtrees with. Each is a fixed number of queries however deep the tree (stated on each).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, StrIndex, Substr

from units.models import PATH_SEPARATOR, Unit, UnitKind
from units.tallies import TALLY_FIELDS


def child_key(unit: Unit, field: str) -> Case:
    """The id, as text, of the child of `unit` whose subtree holds a row, read off the
    materialized path in `field` ('/1/4/17/' under '/1/' → '4'); '' for `unit` itself.
    Rows are grouped by it in one pass over the subtree, however many children."""
    rest = Substr(field, len(unit.path) + 1)
    return Case(
        When(**{field: unit.path}, then=Value("")),
        default=Substr(rest, 1, StrIndex(rest, Value(PATH_SEPARATOR)) - 1),
        output_field=CharField(),
    )


def assigned_key(units: Iterable[Unit], field: str) -> Case:
    """The id, as text, of the unit of `units` whose subtree holds a row ('' for none).
    Where one listed unit lies inside another, the deeper one takes the row."""
    deepest_first = sorted(units, key=lambda u: len(u.path), reverse=True)
    return Case(
        *[When(**{f"{field}__startswith": u.path}, then=Value(str(u.pk))) for u in deepest_first],
        default=Value(""),
        output_field=CharField(),
    )


def _totals_by(key: Case, units: Iterable[Unit]) -> dict[str, tuple[int, int]]:
    """{key: (members, branches)} of the units under any of `units`, in one grouped query
    over the units and their tallies: the cost follows the number of units in the
    subtrees, not the number of members."""
    rows = (
        Unit.objects.filter(under_any(units))
        .annotate(key=key)
        .values("key")
        .annotate(
            members=Coalesce(Sum("tally__members"), 0),
            branches=Count("pk", filter=Q(kind=UnitKind.BRANCH)),
        )
        .order_by()
    )
    return {row["key"]: (row["members"], row["branches"]) for row in rows}


def _with_totals(units: list[Unit], totals: dict[str, tuple[int, int]]) -> list[Unit]:
    for unit in units:
        # A unit listed inside another listed one counts in both: its own subtree is in it.
        inside = [u for u in units if u.path.startswith(unit.path)]
        unit.member_total = sum(totals.get(str(u.pk), (0, 0))[0] for u in inside)
        unit.branch_total = sum(totals.get(str(u.pk), (0, 0))[1] for u in inside)
    return units


def units_with_totals(units: Iterable[Unit]) -> list[Unit]:
    """The units, each with `member_total` and `branch_total` of its whole subtree: one
    query for the totals, grouped (and one for the units if given a queryset; select their
    stage with them). Meant for the few units a home page lists; a unit's children are
    `unit_children`."""
    units = list(units)
    if not units:
        return units
    return _with_totals(units, _totals_by(assigned_key(units, "path"), units))


def unit_children(unit: Unit, children: Iterable[Unit] | None = None) -> list[Unit]:
    """The unit's children (or those of them given, e.g. one page of them), each with
    `member_total` and `branch_total` of its subtree: two queries, the second one pass
    over the units of the unit's subtree and their tallies, grouped by child."""
    if children is None:
        children = children_in_order(unit)
    children = list(children)
    if not children:
        return children
    totals = _totals_by(child_key(unit, "path"), [unit])
    for child in children:
        child.member_total, child.branch_total = totals.get(str(child.pk), (0, 0))
    return children


def children_in_order(unit: Unit) -> QuerySet[Unit]:
    # Creation order: the order the office set the district up in, e.g. 党政机关 first.
    return unit.children.select_related("stage").order_by("pk")


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, the district first, in one query."""
    return list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).exclude(pk=unit.pk).order_by("depth")
    )


def member_breakdown(unit: Unit) -> dict[str, int]:
    """The composition of the members under `unit`, in one query summing the tallies of
    the units of its subtree."""
    sums = {
        ("total" if name == "members" else name): Coalesce(Sum(f"tally__{name}"), 0)
        for name in TALLY_FIELDS
    }
    return Unit.objects.subtree_of(unit).aggregate(**sums)


def units_per_stage(units: QuerySet[Unit]) -> list[dict[str, Any]]:
    """(stage name or None, count) for the given units, in one query."""
    return list(
        units.values("stage__number", "stage__name")
        .annotate(count=Count("pk"))
        .order_by("stage__number")
    )


def district_root() -> Unit | None:
    """The district itself (区委): the root of the unit tree, in one query."""
    return Unit.objects.filter(parent__isnull=True).select_related("stage").order_by("path").first()


def under_any(tops: Iterable[Unit | str], field: str = "path") -> Q:
    """Rows whose unit path (in `field`) lies in the subtree of one of `tops`, given as
    units or as their paths: one OR of prefix matches, whatever the size of the subtrees.
    A condition for another query's filter; it runs none itself."""
    condition = Q(pk__in=[])
    for top in tops:
        path = top if isinstance(top, str) else top.path
        # An empty path would match every unit; only a unit mid-insert has one.
        if path:
            condition |= Q(**{f"{field}__startswith": path})
    return condition

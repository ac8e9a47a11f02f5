"""Reads that aggregate over the unit tree: subtree totals, a unit's children and
ancestors, the composition of its members, and the prefix condition other apps filter
subtrees with. Each is a fixed number of queries however deep the tree (stated on each).
"""

from collections.abc import Iterable
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from units.models import SubtreeStanding, SubtreeTally, Unit, UnitKind
from units.subtree import TALLY_FIELDS


def _subtree_totals(units: list[Unit]) -> dict[int, tuple[int, int]]:
    """{unit id: (members, branches)} of each unit's whole subtree: one query reading
    each unit's stored subtree sums, however large the subtrees."""
    return {
        pk: (members, branches)
        for pk, members, branches in SubtreeTally.objects.filter(
            unit_id__in=[unit.pk for unit in units]
        ).values_list("unit_id", "members", "branches")
    }


def units_with_totals(units: Iterable[Unit]) -> list[Unit]:
    """The units, each with `member_total` and `branch_total` of its whole subtree: one
    query for the totals (and one for the units if given a queryset; select their stage
    with them)."""
    units = list(units)
    if not units:
        return units
    totals = _subtree_totals(units)
    for unit in units:
        unit.member_total, unit.branch_total = totals.get(unit.pk, (0, 0))
    return units


def unit_children(unit: Unit, children: Iterable[Unit] | None = None) -> list[Unit]:
    """The unit's children (or those of them given, e.g. one page of them), each with
    `member_total` and `branch_total` of its subtree: two queries, the second reading one
    stored row per child listed."""
    if children is None:
        children = children_in_order(unit)
    return units_with_totals(children)


def children_in_order(unit: Unit) -> QuerySet[Unit]:
    # Creation order: the order the office set the district up in, e.g. 党政机关 first.
    return unit.children.select_related("stage").order_by("pk")


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, the district first, in one query."""
    return list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).exclude(pk=unit.pk).order_by("depth")
    )


def member_breakdown(unit: Unit) -> dict[str, int]:
    """The composition of the members under `unit`: one query reading its stored subtree
    sums."""
    row = SubtreeTally.objects.filter(unit=unit).values(*TALLY_FIELDS).first() or {}
    return {("total" if name == "members" else name): row.get(name, 0) for name in TALLY_FIELDS}


def branches_per_stage(top: Unit) -> list[dict[str, Any]]:
    """{"stage__number", "stage__name", "count"} of the 党支部 in `top`'s subtree a stage
    (None for branches without one), in stage order, in one query: read off `top`'s few
    stored rows (SubtreeStanding), not counted over the district's 13,870 branches on each
    visit of the office's home page (3–5 ms of the database at scale 190)."""
    # The stage's table through the field: campaign sits above units.
    stage = Unit._meta.get_field("stage").related_model._meta.db_table
    standing = SubtreeStanding._meta.db_table
    with connections[Unit.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT s.number, s.name, t.units FROM {standing} t "  # noqa: S608 - our tables
            f"LEFT JOIN {stage} s ON s.id = t.stage "
            "WHERE t.unit_id = %s AND t.kind = %s AND t.units > 0 ORDER BY s.number",
            [top.pk, UnitKind.BRANCH],
        )
        return [
            {"stage__number": number, "stage__name": name, "count": count}
            for number, name, count in cursor.fetchall()
        ]


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

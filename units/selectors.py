"""Reads that aggregate over the unit tree: subtree totals, a unit's children and
ancestors, the composition of its members, and the prefix condition other apps filter
subtrees with. Each is a fixed number of queries however deep the tree (stated on each).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from units.models import Member, MemberCategory, Unit, UnitKind


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, usable in annotate() on any database."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _members_below(outer_path: str = "path") -> QuerySet[Member]:
    return Member.objects.filter(unit__path__startswith=OuterRef(outer_path)).values("pk")


def _branches_below(outer_path: str = "path") -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=OuterRef(outer_path), kind=UnitKind.BRANCH).values(
        "pk"
    )


def units_with_totals(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with the members and branches of its whole subtree: still one
    query, with two correlated subqueries."""
    return queryset.select_related("stage").annotate(
        member_total=SubqueryCount(_members_below()),
        branch_total=SubqueryCount(_branches_below()),
    )


def unit_children(unit: Unit) -> QuerySet[Unit]:
    """The unit's children with their subtree totals, in one query."""
    # Creation order: the order the office set the district up in, e.g. 党政机关 first.
    return units_with_totals(unit.children.order_by("pk"))


def unit_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, the district first, in one query."""
    return list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).exclude(pk=unit.pk).order_by("depth")
    )


def member_breakdown(unit: Unit) -> dict[str, int]:
    """The composition of the members under `unit`, in one query."""
    return Member.objects.under(unit).aggregate(
        total=Count("pk"),
        leading_cadres=Count("pk", filter=Q(is_leading_cadre=True)),
        retired=Count("pk", filter=Q(category=MemberCategory.RETIRED)),
        mobile=Count("pk", filter=Q(is_mobile=True)),
        infirm=Count("pk", filter=Q(is_infirm=True)),
        cannot_write=Count("pk", filter=Q(can_write=False)),
    )


def units_per_stage(units: QuerySet[Unit]) -> list[dict[str, Any]]:
    """(stage name or None, count) for the given units, in one query."""
    return list(
        units.values("stage__number", "stage__name")
        .annotate(count=Count("pk"))
        .order_by("stage__number")
    )


def district_root() -> Unit | None:
    """The district itself (区委): the root of the unit tree, in one query."""
    return (
        Unit.objects.filter(parent__isnull=True)
        .select_related("stage", "parent")
        .order_by("path")
        .first()
    )


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

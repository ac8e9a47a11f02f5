"""Reads that aggregate over the unit tree; each is a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery

from units.models import Member, MemberCategory, Unit, UnitKind


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, usable in annotate() on any database."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def _members_below(outer_path="path"):
    return Member.objects.filter(unit__path__startswith=OuterRef(outer_path)).values("pk")


def _branches_below(outer_path="path"):
    return Unit.objects.filter(path__startswith=OuterRef(outer_path), kind=UnitKind.BRANCH).values(
        "pk"
    )


def units_with_totals(queryset):
    """Annotate each unit with the members and branches of its whole subtree."""
    return queryset.select_related("stage").annotate(
        member_total=SubqueryCount(_members_below()),
        branch_total=SubqueryCount(_branches_below()),
    )


def unit_children(unit):
    # Creation order: the order the office set the district up in, e.g. 党政机关 first.
    return units_with_totals(unit.children.order_by("pk"))


def unit_ancestors(unit):
    return list(
        Unit.objects.filter(pk__in=unit.ancestor_ids()).exclude(pk=unit.pk).order_by("depth")
    )


def member_breakdown(unit):
    """The composition of the members under `unit`, in one query."""
    return Member.objects.under(unit).aggregate(
        total=Count("pk"),
        leading_cadres=Count("pk", filter=Q(is_leading_cadre=True)),
        retired=Count("pk", filter=Q(category=MemberCategory.RETIRED)),
        mobile=Count("pk", filter=Q(is_mobile=True)),
        infirm=Count("pk", filter=Q(is_infirm=True)),
        cannot_write=Count("pk", filter=Q(can_write=False)),
    )


def units_per_stage(units):
    """(stage name or None, count) for the given units, in one query."""
    return list(
        units.values("stage__number", "stage__name")
        .annotate(count=Count("pk"))
        .order_by("stage__number")
    )


def district_root():
    """The district itself (区委): the root of the unit tree."""
    return (
        Unit.objects.filter(parent__isnull=True)
        .select_related("stage", "parent")
        .order_by("path")
        .first()
    )


def under_any(tops, field="path"):
    """Rows whose unit path (in `field`) lies in the subtree of one of `tops`, given as
    units or as their paths: one OR of prefix matches, whatever the size of the subtrees."""
    condition = Q(pk__in=[])
    for top in tops:
        path = top if isinstance(top, str) else top.path
        # An empty path would match every unit; only a unit mid-insert has one.
        if path:
            condition |= Q(**{f"{field}__startswith": path})
    return condition

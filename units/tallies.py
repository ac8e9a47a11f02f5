"""Each unit's tally of the members it keeps itself (`UnitTally`), kept with the roster,
and the sums of its subtree beside it (`SubtreeTally`, units.subtree).

Every write of members goes through `members_written` in its own transaction: a member
saved or deleted one at a time (the forms, the admin) by the receivers in units/apps.py,
an uploaded roster by units.roster_import. It recounts the tallies of the units the
members left or joined, adds the change to the units' subtrees, then sends
`members_changed` so that the apps above bring what they store per member and per unit
up to date before the transaction commits.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Count, Model, Q

from units.models import Member, MemberCategory, Unit, UnitKind, UnitTally
from units.signals import members_changed
from units.subtree import TALLY_FIELDS, TALLY_SUM, own_changes, rollups_lock, subtree_add

__all__ = ["TALLY_FIELDS", "in_chunks", "lock_rows", "members_written", "unit_tallies_refresh"]

# SQLite allows 999 parameters per statement; stay well under it.
CHUNK = 500


def tally_aggregates() -> dict[str, Count]:
    return {
        "members": Count("pk"),
        "leading_cadres": Count("pk", filter=Q(is_leading_cadre=True)),
        "retired": Count("pk", filter=Q(category=MemberCategory.RETIRED)),
        "mobile": Count("pk", filter=Q(is_mobile=True)),
        "infirm": Count("pk", filter=Q(is_infirm=True)),
        "cannot_write": Count("pk", filter=Q(can_write=False)),
    }


def in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in order, CHUNK at a time: rows locked along the way are then always
    locked in the same order, by every writer."""
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def lock_rows(model: type[Model], unit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Make sure `model` has a row for each unit and hold them until the transaction ends;
    what they held until now, by unit.

    A recount reads members other transactions may be changing at the same moment; taking
    the unit's row first makes the second writer wait and recount after the first commits,
    so neither overwrites the other's members with what it saw before. The lock of all
    stored sums comes first (units.subtree), then the rows in the order of their ids, so
    two writers never wait on each other in a circle."""
    rollups_lock()
    model.objects.bulk_create([model(unit_id=pk) for pk in unit_ids], ignore_conflicts=True)
    return {
        row["unit_id"]: row
        for row in model.objects.select_for_update()
        .filter(unit_id__in=unit_ids)
        .order_by("unit_id")
        .values()
    }


def unit_tallies_refresh(*, unit_ids: Iterable[int]) -> None:
    """Recount the members of these units, and add what changed to their subtrees' sums
    (four queries per 500 units, and one or two per chain of units that changed)."""
    fields = TALLY_SUM.fields
    with transaction.atomic(savepoint=False):
        units = {
            pk: (path, kind)
            for pk, path, kind in Unit.objects.filter(pk__in=set(unit_ids)).values_list(
                "pk", "path", "kind"
            )
        }
        for ids in in_chunks(units):
            before = lock_rows(UnitTally, ids)
            counted = {
                row["unit_id"]: row
                for row in Member.objects.filter(unit_id__in=ids)
                .values("unit_id")
                .annotate(**tally_aggregates())
                .order_by()
            }
            after = {
                pk: {
                    **{f: counted.get(pk, {}).get(f, 0) for f in TALLY_FIELDS},
                    "branches": int(units[pk][1] == UnitKind.BRANCH),
                }
                for pk in ids
            }
            UnitTally.objects.bulk_create(
                [UnitTally(unit_id=pk, **values) for pk, values in after.items()],
                update_conflicts=True,
                unique_fields=["unit"],
                update_fields=list(fields),
            )
            subtree_add(
                TALLY_SUM,
                own_changes(
                    TALLY_SUM,
                    {(pk, ()): row for pk, row in before.items()},
                    {(pk, ()): row for pk, row in after.items()},
                ),
                {pk: units[pk][0] for pk in ids},
            )


def unit_tallies_rebuild() -> None:
    """Recount every unit's tally from the members (`manage.py rollups_rebuild`)."""
    unit_tallies_refresh(unit_ids=Unit.objects.values_list("pk", flat=True))


def members_written(*, member_ids: Iterable[int], unit_ids: Iterable[int]) -> None:
    """Members were added, changed, moved or removed: recount the tallies of `unit_ids`
    (every unit a member left or joined) and tell the apps above, in the caller's
    transaction."""
    member_ids, unit_ids = set(member_ids), set(unit_ids)
    with transaction.atomic(savepoint=False):
        unit_tallies_refresh(unit_ids=unit_ids)
        members_changed.send(sender=Member, member_ids=member_ids, unit_ids=unit_ids)

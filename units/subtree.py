"""Sums over a unit's whole subtree, stored per unit, so that a 党委's or the district's
figures are one row and a page listing children reads one row per child, whatever the
number of units below them.

Each stored subtree sum (`SubtreeTally` and `SubtreeStanding` here; the apps above
register their own) is an own-sums table (`UnitTally`: the members a unit keeps itself;
`UnitStanding`: the unit itself, by kind and stage) added up over the unit and every unit
below it. What keeps it true, in the transaction of the write:
- a write of units' own rows hands the change to `subtree_add`, which adds it to each
  unit's row and to those of all its ancestors (the path names them: no query);
- a unit moved to another parent, or deleted, recounts the rows of the ancestors it left
  and joined (`subtree_recount`; rare edits of the office, whose cost is the subtree's
  units);
- `manage.py rollups_rebuild` recomputes every row from the own sums (`subtree_rebuild`)
  and `--check` compares.

Locking. Two writers adding to the same ancestor (the district's row takes every change)
must not interleave, and a transaction that writes twice must never wait on a writer that
waits on it. So every writer of stored sums first takes `rollups_lock`, the root's
`SubtreeTally` row, before any other row of stored sums: writers of sums queue there, one
at a time from that point until they commit, and no cycle of waits can form among them.
The wait is the rest of one write's transaction, a few milliseconds.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Model, Sum

from units.models import (
    PATH_SEPARATOR,
    SubtreeStanding,
    SubtreeTally,
    Unit,
    UnitStanding,
    UnitTally,
)

Number = int | Decimal


# Own rows recounted from their source: {(unit id, key values): {field: value}}.
Recount = Callable[[list[int]], dict[tuple[int, tuple], dict[str, Number]]]


@dataclass(frozen=True)
class SubtreeSum:
    """A stored subtree sum: `subtree` holds, per unit (and per `key`, e.g. a batch), the
    `fields` of `own` added up over the unit's subtree. `recount`, when given, counts the
    own rows of some units afresh from the ledger they sum (`own_refresh`). A `ranked`
    sum's subtree rows also keep the unit's parent (`parent`), so that an index on the
    parent and the figures hands over a page of a unit's children ranked, without
    sorting all of them."""

    own: type[Model]
    subtree: type[Model]
    fields: tuple[str, ...]
    key: tuple[str, ...] = ()
    recount: Recount | None = None
    ranked: bool = False


TALLY_FIELDS = ("members", "leading_cadres", "retired", "mobile", "infirm", "cannot_write")
TALLY_SUM = SubtreeSum(UnitTally, SubtreeTally, (*TALLY_FIELDS, "branches"))


def _standings(unit_ids: list[int]) -> dict[tuple[int, tuple], dict[str, Number]]:
    return {
        (pk, (kind, stage_id or 0)): {"units": 1}
        for pk, kind, stage_id in Unit.objects.filter(pk__in=unit_ids).values_list(
            "pk", "kind", "stage_id"
        )
    }


STANDING_SUM = SubtreeSum(
    UnitStanding, SubtreeStanding, ("units",), key=("kind", "stage"), recount=_standings
)

# Every stored subtree sum; apps above units register theirs in their ready().
REGISTERED: list[SubtreeSum] = [TALLY_SUM, STANDING_SUM]


def register(spec: SubtreeSum) -> None:
    if spec not in REGISTERED:
        REGISTERED.append(spec)


def path_ids(path: str) -> list[int]:
    """The ids on a materialized path, the root first and the unit itself last."""
    return [int(part) for part in path.split(PATH_SEPARATOR) if part]


def _parents(paths: Iterable[str]) -> dict[int, int | None]:
    """Each unit's parent, read off the paths (a path holds every ancestor's)."""
    parents: dict[int, int | None] = {}
    for path in paths:
        chain = path_ids(path)
        for position, unit_id in enumerate(chain):
            parents[unit_id] = chain[position - 1] if position else None
    return parents


# Set while a writer holds the lock, inside its transaction: the writers it calls (a roster
# save refreshes progress, which refreshes its own rows) don't ask for it again.
_lock_held: ContextVar[bool] = ContextVar("rollups_lock_held", default=False)


def rollups_lock() -> None:
    """Take the lock every writer of stored sums takes first: the `SubtreeTally` row of
    each root (there is one, the district). No query when a caller already holds it
    (`rollups_held`); SQLite lets one writer at a time anyway."""
    if _lock_held.get():
        return
    list(
        SubtreeTally.objects.select_for_update(of=("self",))
        .filter(unit__parent__isnull=True)
        .order_by("unit_id")
        .values_list("pk", flat=True)
    )


@contextmanager
def rollups_held() -> Iterator[None]:
    """Take the lock (once) for the block inside; use within the transaction that writes,
    which keeps the lock until it ends."""
    if _lock_held.get():
        yield
        return
    rollups_lock()
    token = _lock_held.set(True)
    try:
        yield
    finally:
        _lock_held.reset(token)


# Changes of own rows -------------------------------------------------------------------

# Set while every own row is recounted: the subtrees are recomputed once at the end, and
# a change from an own row stored wrong would only carry the error up the tree.
_suspended: ContextVar[bool] = ContextVar("subtree_sums_suspended", default=False)


@contextmanager
def subtrees_rebuilt_after() -> Iterator[None]:
    """Recount own rows inside without adding their changes to the subtrees, then
    recompute every subtree row from them (once, however nested)."""
    if _suspended.get():
        yield
        return
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)
    subtree_rebuild()


Change = Mapping[str, Number]


def subtree_add(
    spec: SubtreeSum, changes: Mapping[tuple[int, tuple], Change], paths: Mapping[int, str]
) -> None:
    """Add each change of a unit's own row — {(unit id, key values): {field: change}} — to
    the unit's subtree row and its ancestors' (`paths` gives each unit's path). A change
    confined to one branch is one UPDATE over its chain of units (and an INSERT where a
    row is new). The caller holds `rollups_lock`, as every writer of own rows does."""
    if _suspended.get():
        return
    totals: dict[tuple[int, tuple], dict[str, Number]] = defaultdict(dict)
    for (unit_id, key), change in changes.items():
        if not any(change.values()):
            continue
        for ancestor in path_ids(paths[unit_id]):
            total = totals[ancestor, key]
            for name, value in change.items():
                total[name] = total.get(name, 0) + value
    if not totals:
        return
    # Rows that take the same change (a branch's whole chain, usually) in one UPDATE.
    same_change: dict[tuple, list[int]] = defaultdict(list)
    for (unit_id, key), total in totals.items():
        values = tuple(total.get(name, 0) for name in spec.fields)
        if any(values):
            same_change[key, values].append(unit_id)
    for (key, values), unit_ids in same_change.items():
        match = dict(zip(spec.key, key, strict=True))
        rows = spec.subtree.objects.filter(unit_id__in=sorted(unit_ids), **match)
        added = {name: value for name, value in zip(spec.fields, values, strict=True) if value}
        if rows.update(**{name: F(name) + value for name, value in added.items()}) < len(unit_ids):
            # A row not there yet held zeros: it starts at the change.
            there = set(rows.values_list("unit_id", flat=True))
            parents = _parents(paths.values()) if spec.ranked else {}
            spec.subtree.objects.bulk_create(
                spec.subtree(
                    unit_id=unit_id,
                    **match,
                    **added,
                    **({"parent_id": parents[unit_id]} if spec.ranked else {}),
                )
                for unit_id in sorted(set(unit_ids) - there)
            )


def own_changes(
    spec: SubtreeSum,
    before: Mapping[tuple[int, tuple], Mapping[str, Number]],
    after: Mapping[tuple[int, tuple], Mapping[str, Number]],
) -> dict[tuple[int, tuple], dict[str, Number]]:
    """{(unit id, key): {field: after − before}} for every own row written, a row absent
    on one side counting as zeros."""
    return {
        row: {
            name: (after.get(row, {}).get(name) or 0) - (before.get(row, {}).get(name) or 0)
            for name in spec.fields
        }
        for row in set(before) | set(after)
    }


def own_refresh(spec: SubtreeSum, unit_ids: Iterable[int]) -> None:
    """Count the own rows of these units afresh (`spec.recount`) and add what changed to
    their subtrees (three queries per 500 units, and one or two per chain of units that
    changed): for sums of a ledger whose writes call it, e.g. from receivers."""
    with transaction.atomic(savepoint=False), rollups_held():
        paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
        ids = sorted(paths)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            stored = spec.own.objects.filter(unit_id__in=chunk)
            before = {
                (row["unit_id"], tuple(row[k] for k in spec.key)): row
                for row in stored.values("unit_id", *spec.key, *spec.fields)
            }
            after = spec.recount(chunk)
            stored.delete()
            spec.own.objects.bulk_create(
                spec.own(unit_id=unit_id, **dict(zip(spec.key, key, strict=True)), **values)
                for (unit_id, key), values in after.items()
            )
            subtree_add(spec, own_changes(spec, before, after), paths)


def stored_sums_rebuild() -> None:
    """Count every unit's own rows afresh for each sum that can (`recount`), then every
    subtree row (`manage.py rollups_rebuild`)."""
    with transaction.atomic(savepoint=False), subtrees_rebuilt_after():
        units = list(Unit.objects.values_list("pk", flat=True))
        for spec in REGISTERED:
            if spec.recount is not None:
                own_refresh(spec, units)


def subtree_rows_ensure(unit_ids: Iterable[int]) -> None:
    """Give new units their rows of zeros in every sum that has one row a unit, so that
    a page ranking a unit's children finds every child (one query per such sum)."""
    ids = sorted(set(unit_ids))
    parents = {}
    if any(spec.ranked for spec in REGISTERED):
        parents = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
    for spec in REGISTERED:
        if not spec.key:
            spec.subtree.objects.bulk_create(
                [
                    spec.subtree(unit_id=pk, **({"parent_id": parents[pk]} if spec.ranked else {}))
                    for pk in ids
                    if not spec.ranked or pk in parents
                ],
                ignore_conflicts=True,
            )


def subtree_parent_set(unit: Unit) -> None:
    """A moved unit's rows in the ranked sums under its new parent."""
    for spec in REGISTERED:
        if spec.ranked:
            spec.subtree.objects.filter(unit_id=unit.pk).update(parent_id=unit.parent_id)


# Units moved or deleted ----------------------------------------------------------------


def subtree_recount(unit_ids: Iterable[int]) -> None:
    """Recompute, for each of these units that still exists, every registered subtree
    row from the own rows under it (one grouped query per unit and sum): after a unit
    moved or went, for the ancestors it left and joined."""
    units = list(Unit.objects.filter(pk__in=set(unit_ids)).order_by("depth", "pk"))
    if not units:
        return
    with transaction.atomic(savepoint=False), rollups_held():
        for spec in REGISTERED:
            for unit in units:
                under = spec.own.objects.filter(unit__path__startswith=unit.path)
                sums = {name: Sum(name) for name in spec.fields}
                if not spec.key:
                    _replace(
                        spec,
                        {(unit.pk, ()): under.aggregate(**sums)},
                        parents={unit.pk: unit.parent_id},
                    )
                    continue
                rows = under.values(*spec.key).annotate(**sums).order_by()
                _replace(
                    spec,
                    {(unit.pk, tuple(row[k] for k in spec.key)): row for row in rows},
                    unit_ids=[unit.pk],
                )


def _replace(
    spec: SubtreeSum,
    rows: Mapping[tuple[int, tuple], Mapping],
    unit_ids: Iterable[int] = (),
    parents: Mapping[int, int | None] | None = None,
) -> None:
    """Write these subtree rows (missing fields as zeros) over what is stored for their
    units; a keyed sum loses the units' rows of keys not given. A ranked sum's rows take
    their unit's parent from `parents`."""
    ranked = spec.ranked
    objects = [
        spec.subtree(
            unit_id=unit_id,
            **dict(zip(spec.key, key, strict=True)),
            **{name: row.get(name) or 0 for name in spec.fields},
            **({"parent_id": parents[unit_id]} if ranked else {}),
        )
        for (unit_id, key), row in sorted(rows.items())
    ]
    if spec.key:
        # A unit whose subtree now holds nothing of a key keeps no row of it.
        unit_ids = {*unit_ids, *(unit_id for unit_id, _key in rows)}
        keep = set(rows)
        existing = spec.subtree.objects.filter(unit_id__in=unit_ids).values_list(
            "pk", "unit_id", *spec.key
        )
        gone = [pk for pk, unit_id, *key in existing if (unit_id, tuple(key)) not in keep]
        spec.subtree.objects.filter(pk__in=gone).delete()
    spec.subtree.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["unit", *[k.removesuffix("_id") for k in spec.key]],
        update_fields=[*spec.fields, *(["parent"] if ranked else [])],
    )


def subtree_rebuild() -> None:
    """Recompute every registered subtree row from the own rows (`manage.py
    rollups_rebuild`): one pass over each own table, added up the paths in Python."""
    with transaction.atomic(savepoint=False), rollups_held():
        paths = dict(Unit.objects.values_list("pk", "path"))
        for spec in REGISTERED:
            totals: dict[tuple[int, tuple], dict[str, Number]] = defaultdict(dict)
            if not spec.key:
                for unit_id in paths:
                    totals[unit_id, ()] = {}
            for row in spec.own.objects.values("unit_id", *spec.key, *spec.fields).iterator(
                chunk_size=5000
            ):
                key = tuple(row[k] for k in spec.key)
                for ancestor in path_ids(paths[row["unit_id"]]):
                    total = totals[ancestor, key]
                    for name in spec.fields:
                        total[name] = total.get(name, 0) + (row[name] or 0)
            if spec.key:
                spec.subtree.objects.all().delete()
            _replace(spec, totals, parents=_parents(paths.values()))

"""Each member's stored progress (`MemberProgress`), recomputed from the ledger, the two
rules it is measured by, and the per-unit sums kept beside it (`UnitProgress`,
`ReadingCoverage`) that the dashboards add up.

"每位党员的学习培训的时间不能少于40个学时,集中学习的时间要占三分之二以上"; "党员领导干部
至少要写出两篇3000字以上的心得体会文章。有书写能力的党员都要作好学习笔记,……至少写出一篇
质量较高的心得体会文章". Every write of the ledger that changes a member's figures calls
`progress_refresh` in its own transaction, and so do the app's receiver of
`units.signals.members_changed` and `manage.py progress_refresh`; the sums of the members'
units follow in the same transaction. `manage.py rollups_rebuild` recomputes everything
stored, and with `--check` says what differed.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.utils import timezone

from study.models import (
    CONCENTRATED_SHARE,
    CREDITED_STATUSES,
    LEADING_CADRE_ESSAYS,
    LONG_ESSAY_CHARACTERS,
    REQUIRED_HOURS,
    Attendance,
    MakeUp,
    MemberProgress,
    ReadingCoverage,
    ReviewBacklog,
    SelfStudy,
    StudySession,
    SubtreeCoverage,
    SubtreeProgress,
    UnitProgress,
    Writing,
    WritingKind,
)
from study.selectors.progress import UNIT_FIGURES, member_aggregates
from study.sums import REVIEW_BACKLOG, review_week_starts
from units.models import Member, Unit, UnitKind
from units.subtree import (
    SubtreeSum,
    own_changes,
    own_refresh,
    rollups_held,
    stored_sums_rebuild,
    subtree_add,
    subtrees_rebuilt_after,
)
from units.tallies import in_chunks, lock_rows, unit_tallies_rebuild

# Progress ------------------------------------------------------------------------------


def writing_requirement_met(
    *, is_leading_cadre: bool, can_write: bool, notes: int, essays: int, long_essays: int
) -> bool:
    """Members who can write: notes and one 心得体会 ("有书写能力的党员都要作好学习笔记……
    至少写出一篇"); 党员领导干部 besides: two 心得体会 of 3000+ characters. Others owe none."""
    if is_leading_cadre and long_essays < LEADING_CADRE_ESSAYS:
        return False
    if can_write or is_leading_cadre:
        return notes >= 1 and essays >= 1
    return True


def hours_requirement_met(*, concentrated: Decimal, total: Decimal) -> bool:
    """At least 40 学时, of which 集中学习 at least two thirds."""
    numerator, denominator = CONCENTRATED_SHARE
    return total >= REQUIRED_HOURS and concentrated * denominator >= total * numerator


def progress_refresh(
    *, member_ids: Iterable[int], unit_ids: Iterable[int] = (), reviews: bool = True
) -> set[int]:
    """Recompute the stored progress of these members from the ledger (a fixed number of
    grouped queries per 500 members), then the sums of their units and of `unit_ids`
    (units members have left); the ids of those units. `reviews` false: the write changed
    no writing or review (a roster, a make-up), so the week of 批阅 stays where it was."""
    units = set(unit_ids)
    # Before the members' rows: every writer of stored sums queues here first.
    with transaction.atomic(savepoint=False), rollups_held():
        for ids in in_chunks(set(member_ids)):
            units |= _refresh_chunk(ids)
        unit_progress_refresh(unit_ids=units, reviews=reviews)
    return units


def _grouped(
    queryset: QuerySet, ids: list[int], **aggregates: Aggregate
) -> dict[int, dict[str, Any]]:
    rows = queryset.filter(member_id__in=ids).values("member_id").annotate(**aggregates)
    return {row["member_id"]: row for row in rows.order_by()}


def _hours(total: Decimal | float | None) -> Decimal:
    """A summed number of hours, exact to 0.1: SQLite sums decimals as floats."""
    return Decimal(str(total or 0)).quantize(Decimal("0.1"))


def _refresh_chunk(ids: list[int]) -> set[int]:
    """Recompute these members' progress; the ids of their units."""
    attended = _grouped(
        Attendance.objects.filter(status__in=CREDITED_STATUSES),
        ids,
        hours=Sum("session__hours"),
        sessions=Count("pk"),
    )
    makeups = _grouped(
        MakeUp.objects.all(),
        ids,
        done_hours=Sum("hours", filter=Q(done_on__isnull=False)),
        owed=Count("pk", filter=Q(done_on__isnull=True)),
    )
    self_study = _grouped(SelfStudy.objects.all(), ids, hours=Sum("hours"))
    writings = _grouped(
        Writing.objects.all(),
        ids,
        notes=Count("pk", filter=Q(kind=WritingKind.NOTE)),
        essays=Count("pk", filter=Q(kind=WritingKind.ESSAY)),
        long_essays=Count(
            "pk", filter=Q(kind=WritingKind.ESSAY, characters__gte=LONG_ESSAY_CHARACTERS)
        ),
    )
    rows = []
    units = set()
    for member_id, unit_id, is_leading_cadre, can_write in Member.objects.filter(
        pk__in=ids
    ).values_list("pk", "unit_id", "is_leading_cadre", "can_write"):
        units.add(unit_id)
        concentrated = _hours(attended.get(member_id, {}).get("hours")) + _hours(
            makeups.get(member_id, {}).get("done_hours")
        )
        self_hours = _hours(self_study.get(member_id, {}).get("hours"))
        total = concentrated + self_hours
        written = writings.get(member_id, {})
        counts = {key: written.get(key, 0) for key in ("notes", "essays", "long_essays")}
        rows.append(
            MemberProgress(
                member_id=member_id,
                concentrated_hours=concentrated,
                self_study_hours=self_hours,
                total_hours=total,
                is_complete=hours_requirement_met(concentrated=concentrated, total=total),
                sessions_attended=attended.get(member_id, {}).get("sessions", 0),
                makeups_owed=makeups.get(member_id, {}).get("owed", 0),
                writing_done=writing_requirement_met(
                    is_leading_cadre=is_leading_cadre, can_write=can_write, **counts
                ),
                updated_at=timezone.now(),
                **counts,
            )
        )
    MemberProgress.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=[
            "concentrated_hours",
            "self_study_hours",
            "total_hours",
            "is_complete",
            "sessions_attended",
            "makeups_owed",
            "notes",
            "essays",
            "long_essays",
            "writing_done",
            "updated_at",
        ],
    )
    return units


# What a unit's own sums add to its subtree's (units.subtree); registered in study.apps.
PROGRESS_SUM = SubtreeSum(UnitProgress, SubtreeProgress, tuple(UNIT_FIGURES), ranked=True)
COVERAGE_SUM = SubtreeSum(ReadingCoverage, SubtreeCoverage, ("readings",), key=("batch_id",))


def _keeps_ledger(kind: str, members: int) -> bool:
    """A 党支部, and a 党总支 that keeps members directly: each holds sessions for its own
    members and owes every required reading."""
    return kind == UnitKind.BRANCH or (kind == UnitKind.GENERAL_BRANCH and members > 0)


def unit_progress_refresh(*, unit_ids: Iterable[int], reviews: bool = True) -> None:
    """Sum the stored progress of each unit's own members into its `UnitProgress`, and add
    what changed to the subtrees' `SubtreeProgress` (six queries per 500 units, and one or
    two per chain of units that changed); recount the review backlog of the branches whose
    week of 批阅 now runs from another day (study.sums). A member without a progress row
    counts as having done nothing, as on every page."""
    hours = ("total_hours", "concentrated_hours", "self_study_hours")
    with transaction.atomic(savepoint=False):
        units = {
            pk: (path, kind)
            for pk, path, kind in Unit.objects.filter(pk__in=set(unit_ids)).values_list(
                "pk", "path", "kind"
            )
        }
        for ids in in_chunks(units):
            before = lock_rows(UnitProgress, ids)
            summed = {
                row["unit_id"]: row
                for row in Member.objects.filter(unit_id__in=ids)
                .values("unit_id")
                .annotate(**member_aggregates())
                .order_by()
            }
            after = {}
            for pk in ids:
                row = summed.get(pk, {})
                values = {name: row.get(name) or 0 for name in UNIT_FIGURES}
                for name in hours:
                    values[name] = _hours(values[name])
                values["branches"] = int(_keeps_ledger(units[pk][1], values["members"]))
                after[pk] = values
            UnitProgress.objects.bulk_create(
                [UnitProgress(unit_id=pk, **values) for pk, values in after.items()],
                update_conflicts=True,
                unique_fields=["unit"],
                update_fields=UNIT_FIGURES,
            )
            subtree_add(
                PROGRESS_SUM,
                own_changes(
                    PROGRESS_SUM,
                    {(pk, ()): row for pk, row in before.items()},
                    {(pk, ()): row for pk, row in after.items()},
                ),
                {pk: units[pk][0] for pk in ids},
            )
            if not reviews:
                continue
            # A new writing or review, or a member gone elsewhere with theirs, may have
            # moved the day the branch's week of 批阅 runs from.
            backlog = ReviewBacklog.objects.filter(unit_id__in=ids)
            stored = dict(backlog.values_list("unit_id", "waiting_since"))
            week_starts = review_week_starts(ids)
            moved = [pk for pk in ids if stored.get(pk) != week_starts.get(pk)]
            if moved:
                own_refresh(REVIEW_BACKLOG, moved)


def reading_coverage_refresh(*, unit_ids: Iterable[int]) -> None:
    """Count, per batch, the required readings each unit's own sessions have taken up,
    and add what changed to the subtrees' `SubtreeCoverage` (four queries per 500 units,
    and one or two per chain of units that changed)."""
    taken = StudySession.readings.through.objects
    with transaction.atomic(savepoint=False):
        paths = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"))
        for ids in in_chunks(paths):
            # The same lock as the unit's study figures: two sessions saved at once in one
            # branch count one after the other.
            lock_rows(UnitProgress, ids)
            before = {
                (row["unit_id"], (row["batch_id"],)): row
                for row in ReadingCoverage.objects.filter(unit_id__in=ids).values(
                    "unit_id", "batch_id", "readings"
                )
            }
            counted = (
                taken.filter(studysession__unit_id__in=ids)
                .values("studysession__unit_id", "reading__batch_id")
                .annotate(readings=Count("reading_id", distinct=True))
                .order_by()
            )
            after = {
                (row["studysession__unit_id"], (row["reading__batch_id"],)): row for row in counted
            }
            ReadingCoverage.objects.filter(unit_id__in=ids).delete()
            ReadingCoverage.objects.bulk_create(
                ReadingCoverage(unit_id=unit_id, batch_id=key[0], readings=row["readings"])
                for (unit_id, key), row in after.items()
            )
            subtree_add(COVERAGE_SUM, own_changes(COVERAGE_SUM, before, after), paths)


def rollups_rebuild() -> None:
    """Recompute everything stored from the roster and the ledger: the units' tallies,
    every member's progress, the units' sums and their readings
    (`manage.py rollups_rebuild`)."""
    with transaction.atomic(savepoint=False), subtrees_rebuilt_after():
        unit_tallies_rebuild()
        units = list(Unit.objects.values_list("pk", flat=True))
        progress_refresh(
            member_ids=Member.objects.values_list("pk", flat=True).iterator(chunk_size=5000),
            unit_ids=units,
        )
        reading_coverage_refresh(unit_ids=units)
        # The other ledgers' sums; then every subtree's, recomputed from the own sums.
        stored_sums_rebuild()

"""Each member's stored progress (`MemberProgress`), recomputed from the ledger, and the
two rules it is measured by.

"每位党员的学习培训的时间不能少于40个学时,集中学习的时间要占三分之二以上"; "党员领导干部
至少要写出两篇3000字以上的心得体会文章。有书写能力的党员都要作好学习笔记,……至少写出一篇
质量较高的心得体会文章". Every write of the ledger that changes a member's figures calls
`progress_refresh` in its own transaction, and so do the app's receiver of
`units.signals.members_changed` and `manage.py progress_refresh`.
"""

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

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
    SelfStudy,
    Writing,
    WritingKind,
)
from units.models import Member

# SQLite allows 999 parameters per statement; stay well under it.
CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


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


def progress_refresh(*, member_ids: Iterable[int]) -> None:
    """Recompute the stored progress of these members from the ledger (a fixed number of
    grouped queries per 500 members)."""
    for ids in _chunks(set(member_ids)):
        _refresh_chunk(ids)


def _grouped(
    queryset: QuerySet, ids: list[int], **aggregates: Aggregate
) -> dict[int, dict[str, Any]]:
    rows = queryset.filter(member_id__in=ids).values("member_id").annotate(**aggregates)
    return {row["member_id"]: row for row in rows.order_by()}


def _hours(total: Decimal | float | None) -> Decimal:
    """A summed number of hours, exact to 0.1: SQLite sums decimals as floats."""
    return Decimal(str(total or 0)).quantize(Decimal("0.1"))


def _refresh_chunk(ids: list[int]) -> None:
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
    for member_id, is_leading_cadre, can_write in Member.objects.filter(pk__in=ids).values_list(
        "pk", "is_leading_cadre", "can_write"
    ):
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

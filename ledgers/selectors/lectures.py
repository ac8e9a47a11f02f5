"""Reads of the leading cadres' 党课 and 形势报告: who lectured where, and the counts the
supervision groups and the office keep ("督导组和先进性教育办公室要进行统计").

Each is one query whatever the number of units, cadres or lectures.
"""

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from campaign.models import Batch
from ledgers.models import LeaderLecture, LectureKind
from units.models import Member, Unit
from units.permissions import Scope
from units.selectors import under_any


def managed_paths(scope: Scope) -> list[str]:
    """Where the user keeps the ledgers: a secretary's branch, a leader's subtree."""
    return scope.leader_paths + scope.secretary_paths


def leading_cadres_under(paths: list[str]) -> QuerySet[Member]:
    return (
        Member.objects.filter(under_any(paths, "unit__path"), is_leading_cadre=True)
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


def in_batch(batch: Batch | None, field: str = "given_on") -> Q:
    """Lectures of a batch: those given between its first and last day (a cadre lectures
    again in every batch, and each batch's 统计 counts its own)."""
    if batch is None:
        return Q()
    return Q(**{f"{field}__range": (batch.starts_on, batch.ends_on)})


def lectures_of(unit: Unit, *, batch: Batch | None) -> QuerySet[LeaderLecture]:
    """Lectures given at the unit's subtree, or by a cadre of it wherever they spoke."""
    return LeaderLecture.objects.filter(
        Q(unit__path__startswith=unit.path) | Q(lecturer__unit__path__startswith=unit.path),
        in_batch(batch),
    ).select_related("lecturer__unit", "unit", "recorded_by")


def lecture_totals(lectures: QuerySet[LeaderLecture]) -> dict[str, int | None]:
    return lectures.aggregate(
        party_lectures=Count("pk", filter=Q(kind=LectureKind.PARTY_LECTURE)),
        situation_reports=Count("pk", filter=Q(kind=LectureKind.SITUATION_REPORT)),
        audience=Sum("audience"),
    )


def _by_kind(relation: str, batch: Batch | None) -> dict[str, Any]:
    batch = in_batch(batch, f"{relation}__given_on")
    return {
        "party_lectures": Count(
            relation, filter=batch & Q(**{f"{relation}__kind": LectureKind.PARTY_LECTURE})
        ),
        "situation_reports": Count(
            relation, filter=batch & Q(**{f"{relation}__kind": LectureKind.SITUATION_REPORT})
        ),
        "lecture_count": Count(relation, filter=batch),
    }


def lecture_counts_per_cadre(paths: list[str], *, batch: Batch | None) -> QuerySet[Member]:
    """The leading cadres of these subtrees with how many 党课 and 形势报告 each has given
    (anywhere) in the batch; those with none first, since they are the ones to be asked
    about."""
    return (
        leading_cadres_under(paths)
        .annotate(**_by_kind("lectures", batch))
        .order_by("lecture_count", "unit__path", "name", "pk")
    )


def lecture_counts_per_unit(paths: list[str], *, batch: Batch | None) -> QuerySet[Unit]:
    """The units of these subtrees with the lectures given at each in the batch, in tree
    order."""
    return (
        Unit.objects.filter(under_any(paths))
        .annotate(
            **_by_kind("leader_lectures", batch),
            audience=Sum(
                "leader_lectures__audience",
                filter=in_batch(batch, "leader_lectures__given_on"),
            ),
        )
        .order_by("path")
    )

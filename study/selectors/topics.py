"""Reads of the 四加一 topics and the required readings (必读科目) against the study
ledger: which readings and topics a branch's sessions covered, and how many records name
each reading.

"必读科目不少一篇"; "专题设置总体上可以按照'四加一'的格局来考虑". Each is one query,
whatever the number of sessions: the coverage and the counts are subqueries.
"""

from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from campaign.models import Batch, Reading, Topic
from campaign.selectors import readings
from study.models import SelfStudy, StudySession
from units.models import Unit


def _count_of(through: type[Model], **filters: Any) -> Coalesce:
    rows = through.objects.filter(**filters).order_by().values("reading").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")), Value(0), output_field=IntegerField())


def readings_with_uses(batch: Batch) -> QuerySet[Reading]:
    """The readings, each with `uses`: how many study sessions and self-study entries name
    it. Subqueries rather than two joins, which would multiply the rows."""
    return readings(batch).annotate(
        uses=_count_of(StudySession.readings.through, reading=OuterRef("pk"))
        + _count_of(SelfStudy.readings.through, reading=OuterRef("pk"))
    )


def readings_with_coverage(branch: Unit, batch: Batch | None) -> QuerySet[Reading]:
    """The batch's 必读科目, each annotated `covered`: some session of the branch took
    it. Only sessions count — self-study is each member's own; the speech asks the
    branch's organised study not to skip a reading ("必读科目不少一篇")."""
    if batch is None:
        return Reading.objects.none()
    taken = StudySession.objects.filter(unit=branch, readings=OuterRef("pk"))
    return Reading.objects.filter(batch=batch).annotate(covered=Exists(taken))


def topics_with_coverage(branch: Unit, batch: Batch | None) -> QuerySet[Topic]:
    """The four fixed topics and the branch's own (四加一), each annotated `covered`:
    some session of the branch was on it."""
    if batch is None:
        return Topic.objects.none()
    held = StudySession.objects.filter(unit=branch, topic=OuterRef("pk"))
    return (
        Topic.objects.filter(batch=batch)
        .filter(Q(unit__isnull=True) | Q(unit=branch))
        .annotate(covered=Exists(held))
        .order_by(F("unit_id").asc(nulls_first=True), "number", "pk")
    )

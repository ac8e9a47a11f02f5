"""Reads of the 四加一 topics and the required readings (必读科目) against the study
ledger: a unit's "加一" topic, which readings and topics a branch's sessions covered, and
how many records name each reading.

"必读科目不少一篇"; "专题设置总体上可以按照'四加一'的格局来考虑". Each is one query,
whatever the number of sessions: the coverage and the counts are subqueries.

"各单位、各党组织要结合单位及岗位实际,确定一个结合单位特色的专题": the topic a 党委 sets
is its branches' too, unless a branch sets its own. A unit's topic is its own, else the
one of the nearest unit above it that set one.
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


def _own_topics_up_the_tree(unit: Unit, batch: Batch) -> QuerySet[Topic]:
    """The "加一" topics of the unit and the units above it, the nearest first."""
    return Topic.objects.filter(batch=batch, unit_id__in=unit.ancestor_ids()).order_by(
        F("unit__depth").desc(), "pk"
    )


def own_topic_for(unit: Unit, batch: Batch | None) -> Topic | None:
    """The unit's "加一" topic: its own, else the nearest one set above it (with its `unit`,
    which says who set it), else None."""
    if batch is None:
        return None
    return _own_topics_up_the_tree(unit, batch).select_related("unit").first()


def session_topics(unit: Unit, batch: Batch, keep: int | None = None) -> QuerySet[Topic]:
    """The topics a session of `unit` may be on: the four fixed ones and the unit's "加一"
    (its own, else the one set above it), and `keep`, the topic a session being edited
    already has, even if the "加一" changed since."""
    nearest = _own_topics_up_the_tree(unit, batch).values("pk")[:1]
    return Topic.objects.filter(batch=batch).filter(
        Q(unit__isnull=True) | Q(pk=Subquery(nearest)) | Q(pk=keep)
    )


def own_topic_in(unit: Unit, own_topics: list[Topic]) -> Topic | None:
    """As own_topic_for, from the batch's own topics already at hand (campaign.selectors.
    own_topics): for pages listing several units, without a query each."""
    by_unit = {topic.unit_id: topic for topic in own_topics}
    for unit_id in reversed(unit.ancestor_ids()):
        if unit_id in by_unit:
            return by_unit[unit_id]
    return None


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
    """The four fixed topics and the branch's "加一" (its own, else the one set above it:
    own_topic_for), each annotated `covered`: some session of the branch was on it."""
    if batch is None:
        return Topic.objects.none()
    held = StudySession.objects.filter(unit=branch, topic=OuterRef("pk"))
    nearest = _own_topics_up_the_tree(branch, batch).values("pk")[:1]
    return (
        Topic.objects.filter(batch=batch)
        .filter(Q(unit__isnull=True) | Q(pk=Subquery(nearest)))
        .annotate(covered=Exists(held))
        .order_by(F("unit_id").asc(nulls_first=True), "number", "pk")
    )

"""Reads of the plan for the plan page, its edit pages and the topics page: a fixed number
of queries however long the plan (`plan_stages` three, each of the others one), and the
study content the office sets (the 四加一 topics, the required readings)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from campaign.models import Batch, Reading, Stage, Step, StepExtension, Topic
from units.models import Unit
from units.permissions import Scope


def current_batch() -> Batch | None:
    return Batch.objects.current()


def plan_stages(batch: Batch) -> list[Stage]:
    """The batch's stages in order, each with its steps and their extension history
    (newest first), in three queries."""
    extensions = StepExtension.objects.select_related("extended_by")
    steps = Step.objects.order_by("number").prefetch_related(
        Prefetch("extensions", queryset=extensions)
    )
    stages = list(
        batch.stages.order_by("number").prefetch_related(Prefetch("steps", queryset=steps))
    )
    for stage in stages:
        for step in stage.steps.all():
            step.extended_days = sum(extension.days for extension in step.extensions.all())
    return stages


def unit_counts_by_stage() -> dict[int | None, int]:
    """{stage id (None for branches not yet placed): number of 党支部 in it}, in one query.

    Branches, because the 转段 is decided branch by branch ("各支部要召开转段分析会")."""
    rows = Unit.objects.branches().order_by().values("stage").annotate(count=Count("pk"))
    return {row["stage"]: row["count"] for row in rows}


def current_stages() -> QuerySet[Stage]:
    """Stages the office may still edit: a finished batch's plan stays as it was."""
    return Stage.objects.filter(batch__is_current=True).select_related("batch")


def current_steps() -> QuerySet[Step]:
    return Step.objects.filter(stage__batch__is_current=True).select_related(
        "stage", "stage__batch"
    )


# The study content: the 四加一 topics and the required readings ----------------------


def fixed_topics(batch: Batch | int) -> QuerySet[Topic]:
    return Topic.objects.filter(batch=batch, unit=None).order_by("number", "pk")


def own_topics(batch: Batch, scope: Scope) -> QuerySet[Topic]:
    """The "加一" topics the user has business with, with their unit, in the order of the
    tree: those of the units in `scope`, and those of the units above them and above the
    member's own branch, whose topic a branch follows when it sets none. A unit's own topic
    is not every role's in the district."""
    topics = Topic.objects.filter(batch=batch, unit__isnull=False)
    if not scope.is_office:
        paths = list(scope.paths)
        if scope.member_id is not None:
            paths.append(scope.member.unit.path)
        above = {pk for path in paths for pk in Unit(path=path).ancestor_ids()}
        topics = topics.filter(Q(unit__in=scope.units()) | Q(unit_id__in=above))
    return topics.select_related("unit").order_by("unit__path", "pk")


def readings(batch: Batch | int) -> QuerySet[Reading]:
    return Reading.objects.filter(batch=batch).order_by("number", "pk")


def own_topic_of(*, unit: Unit, batch: Batch) -> Topic | None:
    return Topic.objects.filter(batch=batch, unit=unit).order_by("pk").first()


def reading_uses(reading: Reading) -> int:
    """How many records name the reading: study sessions and self-study entries.

    Read through the reverse relations, so that the plan needn't know the ledgers that
    cite its readings (they live in apps above it)."""
    return sum(
        relation.related_model._default_manager.filter(**{relation.field.name: reading}).count()
        for relation in Reading._meta.related_objects
        if relation.many_to_many
    )

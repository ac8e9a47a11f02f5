"""Reads of the campaign plan for the plan page and its edit pages: a fixed number of
queries however long the plan (`plan_stages` three, each of the others one)."""

from django.db.models import Count, Prefetch, QuerySet

from campaign.models import Batch, Stage, Step, StepExtension
from units.models import Unit


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

"""The campaign itself: its batches, stages and steps, and the study content the office sets
(四加一 topics, required readings)."""

from campaign.models.plan import (
    Batch,
    BatchQuerySet,
    PlannedPeriod,
    Stage,
    Step,
    StepExtension,
)
from campaign.models.topics import Reading, Topic

__all__ = [
    "Batch",
    "BatchQuerySet",
    "PlannedPeriod",
    "Reading",
    "Stage",
    "Step",
    "StepExtension",
    "Topic",
]

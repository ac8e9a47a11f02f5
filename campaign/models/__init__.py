"""The campaign's plan and the ledgers every unit keeps besides study (split by subject)."""

from .plan import Campaign, CampaignQuerySet, PlannedPeriod, Stage, Step, StepExtension

__all__ = ["Campaign", "CampaignQuerySet", "PlannedPeriod", "Stage", "Step", "StepExtension"]

"""The campaign's plan and the ledgers every unit keeps besides study (split by subject)."""

from .briefing import Briefing, BriefingState
from .corrections import CorrectedLedger, CorrectionAction, LedgerCorrection
from .leaders import LeaderLecture, LectureKind, TripKind, TripRequest, TripState
from .plan import Campaign, CampaignQuerySet, PlannedPeriod, Stage, Step, StepExtension
from .practice import (
    ActivityAttachment,
    ActivityKind,
    CardRecord,
    CardType,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
    SurveyResponse,
)
from .publicity import (
    DiscussionGroup,
    DiscussionRequirement,
    DiscussionSession,
    PublicityCheck,
    PublicityItem,
)
from .rectification import (
    IntegrityRecord,
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
)

__all__ = [
    "ActivityAttachment",
    "ActivityKind",
    "Briefing",
    "BriefingState",
    "Campaign",
    "CampaignQuerySet",
    "CardRecord",
    "CardType",
    "CorrectedLedger",
    "CorrectionAction",
    "DiscussionGroup",
    "DiscussionRequirement",
    "DiscussionSession",
    "IntegrityRecord",
    "LeaderLecture",
    "LedgerCorrection",
    "LectureKind",
    "PlannedPeriod",
    "PracticeActivity",
    "PracticeBaseline",
    "PracticePlan",
    "PublicityCheck",
    "PublicityItem",
    "RectificationCategory",
    "RectificationChange",
    "RectificationItem",
    "RectificationSource",
    "RectificationStatus",
    "Stage",
    "Step",
    "StepExtension",
    "SurveyResponse",
    "TripKind",
    "TripRequest",
    "TripState",
]

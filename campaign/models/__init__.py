"""The campaign's plan and the ledgers every unit keeps besides study (split by subject)."""

from campaign.models.briefing import Briefing, BriefingState
from campaign.models.corrections import CorrectedLedger, CorrectionAction, LedgerCorrection
from campaign.models.leaders import LeaderLecture, LectureKind, TripKind, TripRequest, TripState
from campaign.models.plan import (
    Campaign,
    CampaignQuerySet,
    PlannedPeriod,
    Stage,
    Step,
    StepExtension,
)
from campaign.models.practice import (
    ActivityAttachment,
    ActivityKind,
    CardRecord,
    CardType,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
    SurveyResponse,
)
from campaign.models.publicity import (
    DiscussionGroup,
    DiscussionRequirement,
    DiscussionSession,
    PublicityCheck,
    PublicityItem,
)
from campaign.models.rectification import (
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

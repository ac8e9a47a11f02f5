"""The units' ledgers besides study, one module a subject: 二三五 practice, the 五卡,
rectification (with the public survey), integrity, leaders' lectures, trips, publicity,
the 大讨论, and the corrections of them all."""

from ledgers.models.cards import CardRecord, CardType
from ledgers.models.corrections import CorrectedLedger, CorrectionAction, LedgerCorrection
from ledgers.models.discussion import DiscussionGroup, DiscussionRequirement, DiscussionSession
from ledgers.models.integrity import IntegrityRecord
from ledgers.models.lectures import LeaderLecture, LectureKind
from ledgers.models.practice import (
    ActivityAttachment,
    ActivityKind,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
)
from ledgers.models.publicity import PublicityCheck, PublicityItem
from ledgers.models.rectification import (
    OpinionStatus,
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
    SurveyOpinion,
    SurveyResponse,
)
from ledgers.models.sums import (
    NO_DEADLINE,
    OpenProblems,
    PracticeDay,
    SubtreeOpenProblems,
    SubtreePlansFiled,
    SubtreePracticeDay,
    UnitPlansFiled,
)
from ledgers.models.trips import TripKind, TripRequest, TripState

__all__ = [
    "NO_DEADLINE",
    "OpenProblems",
    "PracticeDay",
    "SubtreeOpenProblems",
    "SubtreePlansFiled",
    "SubtreePracticeDay",
    "UnitPlansFiled",
    "ActivityAttachment",
    "ActivityKind",
    "CardRecord",
    "CardType",
    "CorrectedLedger",
    "CorrectionAction",
    "DiscussionGroup",
    "DiscussionRequirement",
    "DiscussionSession",
    "IntegrityRecord",
    "LeaderLecture",
    "LectureKind",
    "LedgerCorrection",
    "OpinionStatus",
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
    "SurveyOpinion",
    "SurveyResponse",
    "TripKind",
    "TripRequest",
    "TripState",
]

"""The supervision groups' work: the 转段 workflow, and their inspections, key units and typical
cases."""

from supervision.models.groups import CaseKind, Inspection, InspectionFocus, KeyUnit, TypicalCase
from supervision.models.transitions import (
    DEFAULT_QUESTIONS,
    AnalysisMeeting,
    ApplicationEvent,
    ApplicationState,
    SelfCheckAnswer,
    StageCorrection,
    StageRequirement,
    TransitionApplication,
)

__all__ = [
    "AnalysisMeeting",
    "ApplicationEvent",
    "ApplicationState",
    "CaseKind",
    "DEFAULT_QUESTIONS",
    "Inspection",
    "InspectionFocus",
    "KeyUnit",
    "SelfCheckAnswer",
    "StageCorrection",
    "StageRequirement",
    "TransitionApplication",
    "TypicalCase",
]

"""The supervision app in Django admin: the 转段 record is read there, never changed; the
office's 转段条件 and the groups' own records can be corrected."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    Inspection,
    KeyUnit,
    SelfCheckAnswer,
    StageCorrection,
    StageRequirement,
    TransitionApplication,
    TypicalCase,
)


@admin.register(StageRequirement)
class StageRequirementAdmin(admin.ModelAdmin):
    list_display = ["stage", "min_completion_rate", "max_makeups_owed", "min_writing_rate"]


class SelfCheckAnswerInline(ReadOnlyInline):
    model = SelfCheckAnswer


class ApplicationEventInline(SelfCheckAnswerInline):
    model = ApplicationEvent


@admin.register(TransitionApplication)
class TransitionApplicationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "from_stage", "round", "state", "submitted_at", "decided_at"]
    list_filter = ["state", "from_stage"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "from_stage"]
    inlines = [SelfCheckAnswerInline, ApplicationEventInline]


@admin.register(SelfCheckAnswer)
class SelfCheckAnswerAdmin(ReadOnlyAdmin):
    list_display = ["application", "number"]


@admin.register(AnalysisMeeting)
class AnalysisMeetingAdmin(ReadOnlyAdmin):
    list_display = ["application", "held_on", "supervisor", "evaluated_at"]


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["application", "action", "user", "at"]
    list_select_related = ["application__unit", "user"]


@admin.register(StageCorrection)
class StageCorrectionAdmin(ReadOnlyAdmin):
    """Made on the unit's page ("更正阶段"), which changes the stage and records why."""

    list_display = ["unit", "from_stage", "to_stage", "to_since", "corrected_by", "corrected_at"]
    list_select_related = ["unit", "from_stage", "to_stage", "corrected_by"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["unit", "group", "inspected_on", "recorded_by"]
    list_filter = ["group"]
    # 登记人 last, as on the group's own form: the fields inherited from Recorded come first.
    fields = ["group", "unit", "inspected_on", "focus", "findings", "follow_up", "recorded_by"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "group", "recorded_by"]


@admin.register(KeyUnit)
class KeyUnitAdmin(admin.ModelAdmin):
    list_display = ["unit", "group", "chosen_at"]
    autocomplete_fields = ["unit"]


@admin.register(TypicalCase)
class TypicalCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "group", "unit", "recorded_at"]
    list_filter = ["kind", "group"]
    fields = ["group", "kind", "title", "unit", "member", "description", "recorded_by"]
    autocomplete_fields = ["unit", "member"]

from django.contrib import admin

from campaign.models import (
    ActivityAttachment,
    Briefing,
    Campaign,
    CardRecord,
    CardType,
    DiscussionRequirement,
    DiscussionSession,
    IntegrityRecord,
    LeaderLecture,
    LedgerCorrection,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
    PublicityCheck,
    RectificationChange,
    RectificationItem,
    Stage,
    Step,
    StepExtension,
    SurveyResponse,
    TripRequest,
)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["number", "name", "planned_start", "planned_end"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ["number", "name", "planned_start", "planned_end"]


class StepExtensionInline(admin.TabularInline):
    """The step's 延期记录, for reading: extensions are made on the plan page."""

    model = StepExtension
    extra = 0
    fields = ["previous_end", "new_end", "reason", "extended_by", "extended_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "targets", "starts_on", "ends_on", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name", "targets"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "planned_start", "planned_end"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "number", "planned_start", "planned_end"]
    list_filter = ["stage__campaign", "stage"]
    list_select_related = ["stage"]
    inlines = [StepExtensionInline]


@admin.register(StepExtension)
class StepExtensionAdmin(admin.ModelAdmin):
    """An audit record: made only by `services.step_extend`, which also moves the dates,
    and never changed or removed afterwards."""

    list_display = ["step", "previous_end", "new_end", "extended_by", "extended_at"]
    list_filter = ["step__stage__campaign"]
    list_select_related = ["step", "step__stage", "extended_by"]
    search_fields = ["reason", "step__name"]
    fields = ["step", "previous_end", "new_end", "reason", "extended_by", "extended_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordAdmin(admin.ModelAdmin):
    """The units' ledgers: searchable by unit, newest first."""

    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    search_fields = ["unit__name"]


@admin.register(PracticePlan)
class PracticePlanAdmin(RecordAdmin):
    list_display = ["unit", "submitted_at", "is_late"]


class ActivityAttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(PracticeActivity)
class PracticeActivityAdmin(RecordAdmin):
    list_display = ["unit", "held_on", "kind", "households", "funds", "person_times", "deeds"]
    list_filter = ["kind"]
    inlines = [ActivityAttachmentInline]


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "activity", "size", "uploaded_at"]
    raw_id_fields = ["activity"]


@admin.register(PracticeBaseline)
class PracticeBaselineAdmin(admin.ModelAdmin):
    list_display = ["campaign", "year", "households", "funds"]


@admin.register(CardType)
class CardTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "number"]


@admin.register(CardRecord)
class CardRecordAdmin(RecordAdmin):
    list_display = ["unit", "card_type", "recorded_on", "issued", "returned"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(RecordAdmin):
    list_display = ["unit", "answered_at", "office_rating", "organisation_rating", "members_rating"]


class RectificationChangeInline(admin.TabularInline):
    model = RectificationChange
    extra = 0
    can_delete = False
    readonly_fields = ["changed_by", "changed_at", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RectificationItem)
class RectificationItemAdmin(RecordAdmin):
    list_display = ["__str__", "unit", "source", "category", "status", "deadline"]
    list_filter = ["status", "source", "category"]
    inlines = [RectificationChangeInline]


@admin.register(RectificationChange)
class RectificationChangeAdmin(admin.ModelAdmin):
    list_display = ["item", "changed_by", "changed_at"]
    raw_id_fields = ["item"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(RecordAdmin):
    list_display = ["unit", "recorded_on", "refused_banquets", "refused_vouchers"]


@admin.register(LeaderLecture)
class LeaderLectureAdmin(RecordAdmin):
    list_display = ["lecturer", "kind", "given_on", "unit", "audience"]
    list_filter = ["kind"]
    autocomplete_fields = ["unit", "lecturer"]


@admin.register(TripRequest)
class TripRequestAdmin(admin.ModelAdmin):
    list_display = ["traveller", "kind", "destination", "leaves_on", "returns_on", "state"]
    list_filter = ["state", "kind"]
    autocomplete_fields = ["traveller"]
    raw_id_fields = ["makeup"]


@admin.register(PublicityCheck)
class PublicityCheckAdmin(RecordAdmin):
    list_display = ["unit", "item", "done_on"]
    list_filter = ["item"]


@admin.register(DiscussionRequirement)
class DiscussionRequirementAdmin(RecordAdmin):
    list_display = ["unit", "group", "version", "is_adopted"]
    list_filter = ["group", "is_adopted"]


@admin.register(DiscussionSession)
class DiscussionSessionAdmin(RecordAdmin):
    list_display = ["unit", "held_on", "participants"]


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "group", "state", "progress", "requested_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "progress", "error", "file", "requested_at", "finished_at"]


@admin.register(LedgerCorrection)
class LedgerCorrectionAdmin(RecordAdmin):
    """Read only: a correction is the record of a change, not something to change."""

    list_display = ["unit", "ledger", "action", "record", "changed_by", "changed_at"]
    list_filter = ["ledger", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

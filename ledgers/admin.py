"""The ledgers in the Django admin, for the system administrator: every model, the units'
records searchable by unit, and read only. A ledger record is corrected on the app's own
pages, which keep the correction with its reason (更正记录); an edit here would change what
briefings report with no trace. The settings of the campaign (baselines, card types) are
edited here.
"""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from ledgers.models import (
    ActivityAttachment,
    CardRecord,
    CardType,
    DiscussionRequirement,
    DiscussionSession,
    IntegrityRecord,
    LeaderLecture,
    LedgerCorrection,
    OpenProblems,
    PracticeActivity,
    PracticeBaseline,
    PracticeDay,
    PracticePlan,
    PublicityCheck,
    RectificationChange,
    RectificationItem,
    SubtreeOpenProblems,
    SubtreePlansFiled,
    SubtreePracticeDay,
    SurveyOpinion,
    SurveyResponse,
    TripRequest,
    UnitPlansFiled,
)


class RecordAdmin(ReadOnlyAdmin):
    """The units' ledgers: searchable by unit, read only."""

    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    search_fields = ["unit__name"]


@admin.register(PracticePlan)
class PracticePlanAdmin(RecordAdmin):
    list_display = ["unit", "submitted_at", "is_late"]


class ActivityAttachmentInline(ReadOnlyInline):
    model = ActivityAttachment
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(PracticeActivity)
class PracticeActivityAdmin(RecordAdmin):
    list_display = ["unit", "held_on", "kind", "households", "funds", "person_times", "deeds"]
    list_filter = ["kind"]
    inlines = [ActivityAttachmentInline]
    # 登记人 last, as on the ledger's own form: the fields inherited from Recorded come first.
    fields = [
        "unit",
        "held_on",
        "kind",
        "participants",
        "description",
        "households",
        "poor_households",
        "funds",
        "person_times",
        "deeds",
        "recorded_by",
    ]


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "activity", "size", "uploaded_at"]
    raw_id_fields = ["activity"]


@admin.register(PracticeBaseline)
class PracticeBaselineAdmin(admin.ModelAdmin):
    list_display = ["batch", "year", "households", "funds"]


@admin.register(CardType)
class CardTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "batch", "number"]


@admin.register(CardRecord)
class CardRecordAdmin(RecordAdmin):
    list_display = ["unit", "card_type", "recorded_on", "issued", "returned"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(RecordAdmin):
    list_display = ["unit", "answered_at", "office_rating", "organisation_rating", "members_rating"]


@admin.register(SurveyOpinion)
class SurveyOpinionAdmin(RecordAdmin):
    list_display = ["__str__", "unit", "created_at", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["unit", "decided_by"]


class RectificationChangeInline(ReadOnlyInline):
    model = RectificationChange
    readonly_fields = ["changed_by", "changed_at", "changes"]


@admin.register(RectificationItem)
class RectificationItemAdmin(RecordAdmin):
    list_display = ["__str__", "unit", "source", "category", "status", "deadline"]
    list_filter = ["status", "source", "category"]
    inlines = [RectificationChangeInline]


@admin.register(RectificationChange)
class RectificationChangeAdmin(ReadOnlyAdmin):
    list_display = ["item", "changed_by", "changed_at"]


@admin.register(IntegrityRecord)
class IntegrityRecordAdmin(RecordAdmin):
    list_display = ["unit", "recorded_on", "refused_banquets", "refused_vouchers"]


@admin.register(LeaderLecture)
class LeaderLectureAdmin(RecordAdmin):
    list_display = ["lecturer", "kind", "given_on", "unit", "audience"]
    list_filter = ["kind"]
    autocomplete_fields = ["unit", "lecturer"]


@admin.register(TripRequest)
class TripRequestAdmin(ReadOnlyAdmin):
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


@admin.register(LedgerCorrection)
class LedgerCorrectionAdmin(RecordAdmin):
    """A correction is the record of a change, not something to change."""

    list_display = ["unit", "ledger", "action", "record", "changed_by", "changed_at"]
    list_filter = ["ledger", "action"]


class StoredSumsAdmin(admin.ModelAdmin):
    """Sums kept by the ledgers' writes (ledgers.sums); `manage.py rollups_rebuild`
    recounts them. Read-only: an edit here would make them disagree with the ledger."""

    search_fields = ["unit__name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OpenProblems, SubtreeOpenProblems)
class OpenProblemsAdmin(StoredSumsAdmin):
    list_display = ["unit", "deadline", "items"]


@admin.register(PracticeDay, SubtreePracticeDay)
class PracticeDayAdmin(StoredSumsAdmin):
    list_display = ["unit", "held_on", "activities", "households", "funds"]


@admin.register(UnitPlansFiled, SubtreePlansFiled)
class PlansFiledAdmin(StoredSumsAdmin):
    list_display = ["unit", "batch", "plans", "late"]
    list_select_related = ["unit", "batch"]

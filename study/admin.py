"""The study ledger in the Django admin, for the system administrator: read only.

The ledger is corrected on the app's pages, which keep each correction (who, when, why,
before → after) and bring the members' stored progress up to date in the same
transaction; an edit here would do neither. Roster changes and make-up corrections are
the audit trail, and the stored progress is computed.
"""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline
from study.models import (
    Attendance,
    AttendanceChange,
    ContactLog,
    EssayFingerprint,
    LeaveRequest,
    MakeUp,
    MakeUpCorrection,
    MemberProgress,
    MobileContacts,
    ReadingCoverage,
    Review,
    ReviewBacklog,
    SelfStudy,
    SpotCheck,
    StudySession,
    SubtreeCoverage,
    SubtreeMobileContacts,
    SubtreeProgress,
    SubtreeReviewBacklog,
    UnitProgress,
    Writing,
)


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    autocomplete_fields = ["member"]
    readonly_fields = ["self_signed_at", "updated_by", "updated_at"]


@admin.register(StudySession)
class StudySessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "kind", "starts_at", "hours"]
    list_filter = ["kind"]
    search_fields = ["title", "unit__name"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["checkin_code", "created_by", "created_at"]
    list_select_related = ["unit"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["member", "session", "status", "self_signed_at"]
    list_filter = ["status"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member", "session"]
    list_select_related = ["member", "session"]


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(ReadOnlyAdmin):
    list_display = ["attendance", "old_status", "new_status", "changed_by", "changed_at"]
    list_select_related = ["attendance__member", "changed_by"]


@admin.register(MemberProgress)
class MemberProgressAdmin(ReadOnlyAdmin):
    list_display = ["member", "total_hours", "concentrated_hours", "is_complete", "makeups_owed"]
    list_filter = ["is_complete", "writing_done"]
    search_fields = ["member__name"]
    list_select_related = ["member"]


@admin.register(UnitProgress)
class UnitProgressAdmin(ReadOnlyAdmin):
    """Sums kept by the ledger's writes; `manage.py rollups_rebuild` recomputes them."""

    list_display = ["unit", "members", "complete", "total_hours", "makeups_owed", "writing_done"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(ReadingCoverage)
class ReadingCoverageAdmin(ReadOnlyAdmin):
    list_display = ["unit", "batch", "readings"]
    list_filter = ["batch"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "batch"]


@admin.register(SubtreeProgress)
class SubtreeProgressAdmin(UnitProgressAdmin):
    """A unit's and its subtree's sums, kept with every write of a unit's own sums."""


@admin.register(SubtreeCoverage)
class SubtreeCoverageAdmin(ReadingCoverageAdmin):
    pass


@admin.register(MobileContacts, SubtreeMobileContacts)
class MobileContactsAdmin(ReadOnlyAdmin):
    """Counts kept with the roster and the contact log (study.sums)."""

    list_display = ["unit", "last_contacted_on", "members"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(ReviewBacklog, SubtreeReviewBacklog)
class ReviewBacklogAdmin(ReadOnlyAdmin):
    """Counts kept with the writings and their reviews (study.sums)."""

    list_display = ["unit", "waiting_since", "branches"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]


@admin.register(MakeUpCorrection)
class MakeUpCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["makeup", "action", "reason", "changed_by", "changed_at"]
    list_select_related = ["makeup__member", "changed_by"]


@admin.register(EssayFingerprint)
class EssayFingerprintAdmin(ReadOnlyAdmin):
    list_display = ["writing", "hash"]
    list_select_related = ["writing__member"]


@admin.register(MakeUp)
class MakeUpAdmin(ReadOnlyAdmin):
    list_display = ["member", "reason", "hours", "done_on", "method"]
    list_filter = ["method"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    raw_id_fields = ["attendance"]
    list_select_related = ["member"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["member", "session", "status", "requested_at"]
    list_filter = ["status"]
    autocomplete_fields = ["member", "session"]
    list_select_related = ["member", "session"]


@admin.register(SelfStudy)
class SelfStudyAdmin(ReadOnlyAdmin):
    list_display = ["member", "studied_on", "hours", "material"]
    # 登记人 last, as in the ledger: the fields inherited from Recorded would come first.
    fields = ["member", "studied_on", "hours", "material", "readings", "recorded_by"]
    autocomplete_fields = ["member"]
    list_select_related = ["member"]


@admin.register(ContactLog)
class ContactLogAdmin(ReadOnlyAdmin):
    list_display = ["member", "contacted_on", "method"]
    list_filter = ["method"]
    autocomplete_fields = ["member"]
    list_select_related = ["member"]


class ReviewInline(ReadOnlyInline):
    model = Review


@admin.register(Writing)
class WritingAdmin(ReadOnlyAdmin):
    list_display = ["title", "member", "kind", "characters", "is_paper", "submitted_at"]
    list_filter = ["kind", "is_paper"]
    search_fields = ["title", "member__name"]
    autocomplete_fields = ["member"]
    inlines = [ReviewInline]
    list_select_related = ["member"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["writing", "reviewer", "grade", "reviewed_on"]
    list_filter = ["grade"]
    raw_id_fields = ["writing"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["unit", "drawn_by", "drawn_at", "recorded_at"]
    raw_id_fields = ["writings"]
    list_select_related = ["unit", "drawn_by"]

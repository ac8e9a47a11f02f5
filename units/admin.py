"""The admin of the units app: units, members, supervision groups, role assignments (also
on each user's own page) and the roster uploads, which are kept read-only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from units.models import (
    Member,
    RoleAssignment,
    RosterImport,
    SubtreeStanding,
    SubtreeTally,
    SupervisionGroup,
    Unit,
    UnitStanding,
    UnitTally,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "parent", "stage", "households"]
    list_filter = ["kind", "sector", "stage"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "stage"]

    def get_readonly_fields(self, request, obj=None):
        """A new unit is placed in a stage; after that its stage moves only by an approved
        转段 or the office's 更正阶段 on the unit's page, which record why."""
        if obj is None:
            return ["path", "depth"]
        return ["path", "depth", "stage", "stage_since", "completed_on"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "category", "is_leading_cadre", "is_mobile", "is_infirm"]
    list_filter = ["category", "is_leading_cadre", "is_mobile", "is_infirm", "can_write"]
    # A 身份证号 is found whole, never by a fragment of it.
    search_fields = ["name", "phone", "unit__name", "=id_number"]
    autocomplete_fields = ["unit", "user"]
    list_select_related = ["unit"]


@admin.register(UnitTally)
class UnitTallyAdmin(admin.ModelAdmin):
    """Counts kept by the roster's writes; `manage.py rollups_rebuild` recounts them."""

    list_display = ["unit", "members", "leading_cadres", "retired", "mobile", "infirm"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    filter_horizontal = ["units", "members"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "unit", "uploaded_by", "uploaded_at", "applied_at"]
    list_select_related = ["unit", "uploaded_by"]
    readonly_fields = [
        "unit",
        "file",
        "original_name",
        "uploaded_by",
        "uploaded_at",
        "applied_at",
        "applied_by",
        "created_count",
        "updated_count",
    ]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


# Roles are given where users are created, so the admin doesn't hunt across two pages.
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithRolesAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]


@admin.register(UnitStanding, SubtreeStanding)
class StandingAdmin(UnitTallyAdmin):
    """Units by kind and stage, kept with every save of a unit (units.apps)."""

    list_display = ["unit", "kind", "stage", "units"]
    list_filter = ["kind"]


@admin.register(SubtreeTally)
class SubtreeTallyAdmin(UnitTallyAdmin):
    """A unit's and its subtree's counts, kept with every write of a tally."""

    list_display = ["unit", "members", "branches", "leading_cadres", "retired", "mobile"]

"""The campaign plan in the Django admin, for the system administrator.

The plan is kept on the plan page; here the extension records (延期记录) are read-only, and a
required reading a study record names cannot be deleted.
"""

from django.contrib import admin

from campaign.models import Batch, Reading, Stage, Step, StepExtension, Topic


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


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ["name", "targets", "starts_on", "ends_on", "is_current"]
    list_filter = ["is_current"]
    search_fields = ["name", "targets"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "batch", "planned_start", "planned_end"]
    list_filter = ["batch"]
    list_select_related = ["batch"]
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "number", "planned_start", "planned_end"]
    list_filter = ["stage__batch", "stage"]
    list_select_related = ["stage"]
    inlines = [StepExtensionInline]


@admin.register(StepExtension)
class StepExtensionAdmin(admin.ModelAdmin):
    """An audit record: made only by `campaign.services.plan.step_extend`, which also moves
    the dates, and never changed or removed afterwards."""

    list_display = ["step", "previous_end", "new_end", "extended_by", "extended_at"]
    list_filter = ["step__stage__batch"]
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


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "batch", "unit", "number"]
    list_filter = ["batch"]
    autocomplete_fields = ["unit"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "batch", "number"]
    list_filter = ["batch"]

    def has_delete_permission(self, request, obj=None):
        # Deleting would silently drop it from every session that covered it.
        if obj is not None and (obj.sessions.exists() or obj.self_studies.exists()):
            return False
        return super().has_delete_permission(request, obj)

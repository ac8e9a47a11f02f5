"""The 简报 in Django admin; its state, progress and file are the job's, shown read-only."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from reports.models import Briefing, BriefingSweep


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "group", "state", "progress", "requested_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "progress", "error", "file", "requested_at", "finished_at"]


@admin.register(BriefingSweep)
class BriefingSweepAdmin(ReadOnlyAdmin):
    """When beat's sweep of the briefings last ran: the briefings page warns after an hour."""

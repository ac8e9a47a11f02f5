"""The 简报 in Django admin; its state, progress and file are the job's, shown read-only."""

from django.contrib import admin

from reports.models import Briefing


@admin.register(Briefing)
class BriefingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "unit", "group", "state", "progress", "requested_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "progress", "error", "file", "requested_at", "finished_at"]

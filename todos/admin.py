"""The admin of the reminder preferences."""

from django.contrib import admin

from todos.models import ReminderPreference


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_digest", "last_digest_at"]
    list_filter = ["weekly_digest"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

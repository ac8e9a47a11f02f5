"""The admin of the in-app notices."""

from django.contrib import admin

from common.models import Notification, OutboxMessage, Submission


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    list_select_related = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as written: read here, changed only through the app's own pages (a
    correction with its reason), never added, edited or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Jobs waiting for the broker (common.outbox): beat sends them; nothing to edit."""

    list_display = ["task", "args", "created_at", "tries", "last_error"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """The last minute's form submissions (common.submissions)."""

    list_display = ["key", "created_at", "redirect_to"]

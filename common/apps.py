"""The common app, below every other: what all apps share (who recorded a ledger entry,
in-app notices, the date format, the pager, form and value-check helpers)."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "通知"

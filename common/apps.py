"""The common app, below every other: what all apps share (who recorded a ledger entry,
in-app notices, the date format, the pager, form and value-check helpers)."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "通知"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from common.middleware import session_stamp
        from common.validation import install_field_checks

        user_logged_in.connect(session_stamp, dispatch_uid="common.session_stamp")
        install_field_checks()

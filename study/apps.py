"""The study app (学习培训): the branches' study ledger and each member's progress.

It keeps one receiver: when the roster changes members' flags (units.signals.members_changed),
what they owe changes with them, so their stored progress is recomputed in the same
transaction.
"""

from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = "学习培训"

    def ready(self):
        from study.services.progress import progress_refresh
        from units.signals import members_changed

        def refresh(sender, *, member_ids, **kwargs):
            progress_refresh(member_ids=member_ids)

        # A roster change decides what the members owe: their progress follows at once.
        members_changed.connect(refresh, weak=False, dispatch_uid="study.progress_refresh")

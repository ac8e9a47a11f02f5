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

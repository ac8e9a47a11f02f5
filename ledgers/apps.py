"""The units' ledgers besides study. Its receivers keep the stored sums of problems and
activities (ledgers.sums) with every save or delete, from the forms, the admin or a
shell, in the same transaction."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = "各单位台账"

    def ready(self):
        from ledgers.models import PracticeActivity, RectificationItem
        from ledgers.sums import OPEN_PROBLEMS, PRACTICE_DAYS
        from units.subtree import own_refresh, register

        register(OPEN_PROBLEMS)
        register(PRACTICE_DAYS)

        for model, spec in ((RectificationItem, OPEN_PROBLEMS), (PracticeActivity, PRACTICE_DAYS)):

            def remember_unit(sender, instance, raw=False, **kwargs):
                instance._unit_before = (
                    None
                    if raw or instance.pk is None
                    else sender.objects.filter(pk=instance.pk)
                    .values_list("unit_id", flat=True)
                    .first()
                )

            def written(sender, instance, raw=False, spec=spec, **kwargs):
                if raw:
                    return
                before = getattr(instance, "_unit_before", None)
                own_refresh(spec, {instance.unit_id, before} - {None})

            label = model._meta.label_lower
            pre_save.connect(
                remember_unit, sender=model, weak=False, dispatch_uid=f"{label}.sums_before"
            )
            post_save.connect(written, sender=model, weak=False, dispatch_uid=f"{label}.sums")
            post_delete.connect(
                written, sender=model, weak=False, dispatch_uid=f"{label}.sums_deleted"
            )

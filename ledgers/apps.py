"""The units' ledgers besides study. Its receivers keep the stored sums of problems,
activities and plans (ledgers.sums) with every save or delete, from the forms, the admin or a
shell, in the same transaction; and recount a returned trip's make-up when a study
session of its dates is entered or moved (study sits below ledgers and can't call it)."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = "各单位台账"

    def ready(self):
        from ledgers.models import PracticeActivity, PracticePlan, RectificationItem
        from ledgers.sums import OPEN_PROBLEMS, PLANS_FILED, PRACTICE_DAYS
        from units.subtree import own_refresh, register

        self._connect_trip_recount()

        register(OPEN_PROBLEMS)
        register(PRACTICE_DAYS)
        register(PLANS_FILED)

        for model, spec in (
            (RectificationItem, OPEN_PROBLEMS),
            (PracticeActivity, PRACTICE_DAYS),
            (PracticePlan, PLANS_FILED),
        ):

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

    @staticmethod
    def _connect_trip_recount():
        """A session entered after a cadre's return, dated within the trip, is one more the
        trip owes ("党员干部外出返回后,必须采取有效措施进行补课"); one moved, or whose hours
        change, may owe more or less."""
        from django.utils import timezone

        from ledgers.services.trips import trips_session_recount
        from study.models import StudySession

        def held(unit_id, starts_at):
            return unit_id, timezone.localdate(starts_at)

        def remember_session(sender, instance, raw=False, **kwargs):
            instance._held_before = (
                None
                if raw or instance.pk is None
                else sender.objects.filter(pk=instance.pk)
                .values_list("unit_id", "starts_at", "hours")
                .first()
            )

        def session_written(sender, instance, created, raw=False, **kwargs):
            if raw:
                return
            before = getattr(instance, "_held_before", None)
            now = (instance.unit_id, instance.starts_at, instance.hours)
            if not created and before == now:
                return
            days = [held(*now[:2])] + ([held(*before[:2])] if before else [])
            # Who moved a session isn't known here; who entered a new one is.
            trips_session_recount(held=days, user=instance.created_by if created else None)

        pre_save.connect(
            remember_session, sender=StudySession, weak=False, dispatch_uid="ledgers.trip_session"
        )
        post_save.connect(
            session_written,
            sender=StudySession,
            weak=False,
            dispatch_uid="ledgers.trip_recount",
        )

"""The units app: the district's tree of 党组织, its 党员, the 督导组 and users' roles, and
who may see and do what. It sits right above common; every other app builds on it."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "组织与党员"

    def ready(self):
        from units.models import Member
        from units.tallies import members_written

        # A member saved on its own (a form, the admin, the shell) keeps the tallies of the
        # unit it left and the one it joined; bulk writes call members_written themselves.
        def remember_unit(sender, instance, raw=False, **kwargs):
            instance._unit_before = (
                None
                if raw or instance.pk is None
                else Member.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
            )

        def saved(sender, instance, raw=False, **kwargs):
            if raw:
                return
            before = getattr(instance, "_unit_before", None)
            members_written(member_ids=[instance.pk], unit_ids={instance.unit_id, before} - {None})

        def deleted(sender, instance, **kwargs):
            members_written(member_ids=[instance.pk], unit_ids=[instance.unit_id])

        pre_save.connect(
            remember_unit, sender=Member, weak=False, dispatch_uid="units.tally_before"
        )
        post_save.connect(saved, sender=Member, weak=False, dispatch_uid="units.tally_saved")
        post_delete.connect(deleted, sender=Member, weak=False, dispatch_uid="units.tally_deleted")

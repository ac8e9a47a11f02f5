"""The units app: the district's tree of 党组织, its 党员, the 督导组 and users' roles, and
who may see and do what. It sits right above common; every other app builds on it."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "组织与党员"

    def ready(self):
        from units.models import Member, Unit
        from units.signals import unit_moved
        from units.subtree import (
            REGISTERED,
            STANDING_SUM,
            own_refresh,
            path_ids,
            subtree_parent_set,
            subtree_recount,
            subtree_rows_ensure,
        )
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

        # A unit's own sums follow its kind (a 党支部 counts as one) and its stage (the
        # district's branches per stage); a unit moved or deleted takes its subtree's sums
        # away from the ancestors it left.
        def remember_place(sender, instance, raw=False, **kwargs):
            instance._place_before = (
                None
                if raw or instance.pk is None
                else Unit.objects.filter(pk=instance.pk)
                .values_list("path", "kind", "stage_id")
                .first()
            )

        def unit_saved(sender, instance, raw=False, **kwargs):
            # Unit.save inserts with an empty path, then writes the path holding its id.
            if raw or not instance.path:
                return
            before = getattr(instance, "_place_before", None)
            if before is None or not before[0]:
                subtree_rows_ensure([instance.pk])
                members_written(member_ids=(), unit_ids=[instance.pk])
                own_refresh(STANDING_SUM, [instance.pk])
            elif before[1] != instance.kind or before[2] != instance.stage_id:
                if before[0] != instance.path:
                    # Moved as well: its new ancestors' sums don't hold its subtree until
                    # the move's recount (unit_moved_here); the change of kind comes after.
                    instance._retyped_in_move = True
                elif before[1] != instance.kind:
                    _retyped(instance)
                else:
                    own_refresh(STANDING_SUM, [instance.pk])

        def _retyped(unit):
            members_written(member_ids=(), unit_ids=[unit.pk])
            # What a unit counts for may follow its kind (a 党支部's review backlog).
            for spec in REGISTERED:
                if spec.recount is not None:
                    own_refresh(spec, [unit.pk])

        def unit_moved_here(sender, unit, old_path, **kwargs):
            subtree_parent_set(unit)
            subtree_recount([*path_ids(old_path)[:-1], *path_ids(unit.path)[:-1]])
            if getattr(unit, "_retyped_in_move", False):
                unit._retyped_in_move = False
                _retyped(unit)

        def unit_deleted(sender, instance, **kwargs):
            subtree_recount(path_ids(instance.path)[:-1])

        pre_save.connect(remember_place, sender=Unit, weak=False, dispatch_uid="units.place")
        post_save.connect(unit_saved, sender=Unit, weak=False, dispatch_uid="units.unit_saved")
        post_delete.connect(
            unit_deleted, sender=Unit, weak=False, dispatch_uid="units.unit_deleted"
        )
        unit_moved.connect(unit_moved_here, weak=False, dispatch_uid="units.unit_moved")

"""The study app (学习培训): the branches' study ledger and each member's progress.

Its receivers keep what it stores in step with writes made elsewhere, in the same
transaction: when the roster changes members (units.signals.members_changed), what they owe
and the sums of their units follow; when a session's required readings change or a
session or reading goes, the units' counts of readings taken (and a deleted session's
attendees' hours) follow.
"""

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete


class StudyConfig(AppConfig):
    name = "study"
    verbose_name = "学习培训"

    def ready(self):
        from campaign.models import Reading
        from study.models import ContactLog, ReadingCoverage, StudySession
        from study.services.progress import (
            COVERAGE_SUM,
            PROGRESS_SUM,
            progress_refresh,
            reading_coverage_refresh,
        )
        from study.sums import MOBILE_CONTACTS, REVIEW_BACKLOG
        from units.models import Member
        from units.signals import members_changed
        from units.subtree import own_refresh, register

        register(PROGRESS_SUM)
        register(COVERAGE_SUM)
        register(MOBILE_CONTACTS)
        register(REVIEW_BACKLOG)

        def contacted(sender, instance, raw=False, **kwargs):
            if raw:
                return
            units = Member.objects.filter(pk=instance.member_id).values_list("unit_id", flat=True)
            own_refresh(MOBILE_CONTACTS, list(units))

        post_save.connect(contacted, sender=ContactLog, weak=False, dispatch_uid="study.contact")
        post_delete.connect(
            contacted, sender=ContactLog, weak=False, dispatch_uid="study.contact_deleted"
        )

        def members(sender, *, member_ids, unit_ids=(), **kwargs):
            units = progress_refresh(member_ids=member_ids, unit_ids=unit_ids)
            # Who is a mobile member, and where, follows the roster too.
            own_refresh(MOBILE_CONTACTS, units)

        members_changed.connect(members, weak=False, dispatch_uid="study.progress_refresh")

        def readings_set(sender, instance, action, reverse, pk_set, **kwargs):
            if action == "pre_clear" and reverse:
                instance._sessions_cleared = list(instance.sessions.values_list("pk", flat=True))
                return
            if action not in ("post_add", "post_remove", "post_clear"):
                return
            if not reverse:
                units = [instance.unit_id]
            else:
                sessions = pk_set if action != "post_clear" else instance._sessions_cleared
                units = StudySession.objects.filter(pk__in=sessions).values_list(
                    "unit_id", flat=True
                )
            reading_coverage_refresh(unit_ids=list(units))

        m2m_changed.connect(
            readings_set,
            sender=StudySession.readings.through,
            weak=False,
            dispatch_uid="study.readings_set",
        )

        # No page deletes a session; the admin or a shell may, and its sign-ins go with it.
        def session_deleting(sender, instance, **kwargs):
            instance._attendees = list(instance.attendances.values_list("member_id", flat=True))

        def session_deleted(sender, instance, **kwargs):
            progress_refresh(
                member_ids=getattr(instance, "_attendees", ()), unit_ids=[instance.unit_id]
            )
            reading_coverage_refresh(unit_ids=[instance.unit_id])

        pre_delete.connect(
            session_deleting, sender=StudySession, weak=False, dispatch_uid="study.session_deleting"
        )
        post_delete.connect(
            session_deleted, sender=StudySession, weak=False, dispatch_uid="study.session_deleted"
        )

        def reading_deleted(sender, instance, **kwargs):
            units = ReadingCoverage.objects.filter(batch_id=instance.batch_id).values_list(
                "unit_id", flat=True
            )
            reading_coverage_refresh(unit_ids=list(units))

        post_delete.connect(
            reading_deleted, sender=Reading, weak=False, dispatch_uid="study.reading_deleted"
        )

"""Reads of one member's study sessions, for the member's page: each session of their
branch, and any other they were signed in to, with their own 签到 and 补课. One query,
whatever the number of sessions: the member's status and make-up are subqueries.
"""

from django.db.models import OuterRef, QuerySet, Subquery

from study.models import Attendance, MakeUp, StudySession
from units.models import Member


def member_session_history(member: Member) -> QuerySet[StudySession]:
    """The sessions of the member's branch, and any other the member was signed in to,
    oldest first; each annotated with the member's `status` (None: not on the roster)
    and the date the make-up was done (`makeup_done_on`)."""
    signed = Attendance.objects.filter(member=member)
    makeup = MakeUp.objects.filter(attendance__session=OuterRef("pk"), member=member)
    # A UNION of the two id lists, each read through its own index: an OR of the two
    # conditions made the database read every session of the district to return a few.
    ids = (
        StudySession.objects.filter(unit_id=member.unit_id)
        .order_by()
        .values("pk")
        .union(signed.order_by().values("session_id"))
    )
    return (
        StudySession.objects.filter(pk__in=ids)
        .annotate(
            status=Subquery(signed.filter(session=OuterRef("pk")).values("status")[:1]),
            makeup_done_on=Subquery(makeup.values("done_on")[:1]),
        )
        .order_by("starts_at", "pk")
    )

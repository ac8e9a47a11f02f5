"""A roster nobody has saved yet, saved twice at the same moment (a double tap, the
secretary and the ledger keeper at once) while a member signs in on their phone: every
save goes through, and each member has one sign-in.

Real concurrent connections (tests.concurrency.race); that needs PostgreSQL, and CI runs
the suite there.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from study.models import Attendance, AttendanceStatus, StudySession
from study.services.sessions import roster_save, self_check_in
from tests.concurrency import race
from tests.factories import make_session

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def test_a_new_roster_saved_twice_at_once_while_a_member_signs_in(live_district):
    d = live_district
    members = list(d.school1.members.order_by("pk"))
    signing_in = d.member1
    for _round in range(ROUNDS):
        session = make_session(d.school1, d.users["secretary1"])
        entries = [(m.pk, AttendanceStatus.PRESENT) for m in members]

        def save(user, entries=entries):
            return lambda s: roster_save(session=s, entries=entries, user=user)

        outcomes = race(
            lambda pk=session.pk: StudySession.objects.get(pk=pk),
            save(d.users["secretary1"]),
            save(d.users["leader1"]),
            lambda s: self_check_in(member=signing_in, code=s.checkin_code),
        )

        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert Attendance.objects.filter(session=session).count() == len(members)
    # The sums kept beside the sign-ins came out as a recount gives them.
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())

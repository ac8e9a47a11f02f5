"""A roster nobody has saved yet, saved twice at the same moment (a double tap, the
secretary and the ledger keeper at once) while a member signs in on their phone: every
save goes through, and each member has one sign-in.

Real concurrent connections, one per thread, released together, as in
tests/ledgers/test_trips_concurrency.py; that needs PostgreSQL (CI runs the suite there).
"""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from study.models import Attendance, AttendanceStatus, StudySession
from study.services.sessions import roster_save, self_check_in
from tests.factories import make_session

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def race(*acts):
    barrier = threading.Barrier(len(acts))
    outcomes = [None] * len(acts)

    def run(index, act):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = act()
        except Exception as error:
            barrier.abort()
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, act)) for i, act in enumerate(acts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a contender hung"
    return outcomes


def test_a_new_roster_saved_twice_at_once_while_a_member_signs_in(live_district):
    d = live_district
    members = list(d.school1.members.order_by("pk"))
    signing_in = d.member1
    for _round in range(ROUNDS):
        session = make_session(d.school1, d.users["secretary1"])
        entries = [(m.pk, AttendanceStatus.PRESENT) for m in members]

        def save(user, pk=session.pk, entries=entries):
            return lambda: roster_save(
                session=StudySession.objects.get(pk=pk), entries=entries, user=user
            )

        outcomes = race(
            save(d.users["secretary1"]),
            save(d.users["leader1"]),
            lambda code=session.checkin_code: self_check_in(member=signing_in, code=code),
        )

        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
        assert Attendance.objects.filter(session=session).count() == len(members)
    # The sums kept beside the sign-ins came out as a recount gives them.
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())

"""Writers in different branches of one district, at the same moment: each adds its
change to the same ancestors' stored sums (the district's row takes them all). Every
write goes through — no deadlock, nothing lost — and the sums come out as a recount
gives them.

Real concurrent connections (tests.concurrency.race); that needs PostgreSQL, and CI runs
the suite there.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from ledgers.models import (
    RectificationCategory,
    RectificationItem,
    RectificationSource,
    SubtreeOpenProblems,
)
from ledgers.selectors.rectification import OPEN_STATUSES
from ledgers.services.rectification import rectification_item_create
from study.models import AttendanceStatus, SubtreeProgress
from study.services.sessions import roster_save
from tests.concurrency import race
from tests.factories import MemberFactory, make_session
from units.models import Member, SubtreeTally

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 4


def test_writes_in_different_branches_at_once_all_reach_the_district(live_district):
    d = live_district
    secretary = d.users["secretary1"]
    for _round in range(ROUNDS):
        sessions = [make_session(unit, secretary) for unit in (d.school1, d.ward)]

        def save(session):
            entries = [(m.pk, AttendanceStatus.PRESENT) for m in session.unit.members.all()]
            return lambda _loaded: roster_save(session=session, entries=entries, user=secretary)

        outcomes = race(
            lambda: None,
            save(sessions[0]),
            save(sessions[1]),
            lambda _loaded: MemberFactory(unit=d.street),
            lambda _loaded: rectification_item_create(
                unit=d.hospital,
                user=secretary,
                problem="学习笔记不全",
                source=RectificationSource.SELF_CHECK,
                category=RectificationCategory.CONDUCT,
            ),
        )
        assert not [o for o in outcomes if isinstance(o, Exception)], outcomes

    members = Member.objects.count()
    assert SubtreeTally.objects.get(unit=d.root).members == members
    assert SubtreeProgress.objects.get(unit=d.root).members == members
    assert SubtreeOpenProblems.objects.filter(unit=d.root).aggregate(n=Sum("items"))["n"] == (
        RectificationItem.objects.filter(status__in=OPEN_STATUSES).count()
    )
    # Every stored sum, own and subtree, as a recount from the ledger gives it.
    call_command("rollups_rebuild", "--check", stdout=io.StringIO())

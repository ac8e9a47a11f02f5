"""Two office users deciding the same trip at the same moment, and the return recorded twice
at once: exactly one wins, the other is told.

Real concurrent connections, one per thread, each with its own copy of the request loaded
before all are released together, so each passes the in-memory check and only the database
decides. That needs PostgreSQL (SQLite serialises whole connections); CI runs it there.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from ledgers.models import TripKind, TripRequest, TripState
from ledgers.services.trips import TripError, trip_decide, trip_return
from study.models import MakeUp
from tests import concurrency
from tests.factories import UserFactory, make_session
from units.models import Role, RoleAssignment

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def race(pk, *acts):
    """Each act(trip) on its own copy of the trip, all at once."""
    return concurrency.race(
        lambda: TripRequest.objects.select_related("traveller").get(pk=pk), *acts
    )


def one_won(outcomes, message):
    winners = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
    assert len(winners) == 1, outcomes
    for loser in outcomes:
        if isinstance(loser, Exception):
            assert isinstance(loser, TripError), repr(loser)
            assert message in " ".join(loser.messages)
    return winners[0]


def trip(d, state, n):
    today = timezone.localdate()
    return TripRequest.objects.create(
        traveller=d.member1,
        kind=TripKind.ABROAD,
        destination=f"第{n}站",
        purpose="参加重要会议",
        leaves_on=today - datetime.timedelta(days=5),
        returns_on=today - datetime.timedelta(days=1),
        state=state,
        requested_by=d.users["secretary1"],
    )


@pytest.mark.parametrize(
    "decisions",
    [(True, True), (True, False), (False, False)],
    ids=["both-approve", "mixed", "both-refuse"],
)
def test_two_office_users_decide_at_once(live_district, decisions):
    d = live_district
    office2 = UserFactory(username="office2")
    RoleAssignment.objects.create(user=office2, role=Role.OFFICE, unit=d.root)
    users = [d.users["office"], office2]
    for n in range(ROUNDS):
        pending = trip(d, TripState.PENDING, n)
        acts = [
            # The trip left days ago: approving it acknowledges that, as the office's
            # form asks.
            lambda t, user=user, approve=approve: trip_decide(
                trip=t,
                approve=approve,
                reason=f"{user.username}的意见",
                user=user,
                unmet_acknowledged=True,
            )
            for user, approve in zip(users, decisions, strict=True)
        ]

        winner = one_won(race(pending.pk, *acts), "已经有人审批过了")

        pending.refresh_from_db()
        assert pending.decided_by == users[winner]
        assert pending.decision_reason == f"{users[winner].username}的意见"
        expected = TripState.APPROVED if decisions[winner] else TripState.REFUSED
        assert pending.state == expected


def test_the_return_recorded_twice_at_once_owes_one_makeup(live_district):
    """The secretary and the cadre themself, both on their phones."""
    d = live_district
    users = [d.users["secretary1"], d.users["member1"]]
    # A session every trip below missed: a trip that missed none would owe nothing.
    make_session(
        d.school1,
        d.users["secretary1"],
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    for n in range(ROUNDS):
        approved = trip(d, TripState.APPROVED, n)
        acts = [
            lambda t, user=user: trip_return(trip=t, returned_on=timezone.localdate(), user=user)
            for user in users
        ]

        one_won(race(approved.pk, *acts), "已经登记过返回了")

        approved.refresh_from_db()
        assert approved.state == TripState.RETURNED
        assert MakeUp.objects.filter(trip=approved).count() == 1
    assert MakeUp.objects.filter(member=d.member1).count() == ROUNDS

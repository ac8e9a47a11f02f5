"""Two people acting on the same application at the same moment: exactly one wins, the
other is told.

Real concurrent connections, one per thread, each with its own copy of the application
loaded before both are released together, so both pass the in-memory state check and
only the database can decide. That needs PostgreSQL's row locks (SQLite serialises whole
connections); the suite runs on PostgreSQL under CI, so these always run there.
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from supervision.models import ApplicationEvent, ApplicationState, TransitionApplication
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from tests import concurrency
from tests.factories import UnitFactory, UserFactory
from tests.supervision.test_state_machine import application_in, fresh, fresh_unit
from units.models import Role, RoleAssignment, Unit, UnitKind

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 5


def race(pk, *acts):
    """Each act(application) on its own copy of the application, all at once."""
    return concurrency.race(lambda: TransitionApplication.objects.get(pk=pk), *acts)


def _one_won(outcomes, message):
    """Index of the single winner; the loser was told `message`."""
    winners = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(winners) == 1, outcomes
    assert len(losers) == len(outcomes) - 1
    for loser in losers:
        assert isinstance(loser, WorkflowError), repr(loser)
        assert message in " ".join(loser.messages)
    return winners[0]


@pytest.fixture
def contenders(live_district):
    """A second office user and a second member of 第一督导组."""
    d = live_district
    d.users["office2"] = UserFactory(username="office2")
    RoleAssignment.objects.create(user=d.users["office2"], role=Role.OFFICE, unit=d.root)
    d.users["supervisor1b"] = UserFactory(username="supervisor1b")
    d.groups[0].members.add(d.users["supervisor1b"])
    return d


def _new_branch(d, n):
    """A fresh branch in 第一督导组's care for each round of a race."""
    return UnitFactory(
        name=f"区第{n}中学党支部",
        kind=UnitKind.BRANCH,
        parent=d.education,
        stage=d.stages[0],
        stage_since=d.batch.starts_on,
    )


def _approve(user, days):
    when = timezone.localdate() + datetime.timedelta(days=days)

    def act(application):
        return services.application_approve(
            application=application,
            user=user,
            transition_date=when,
            reason="检查合格。",
            unmet_acknowledged=True,
        )

    act.date = when
    return act


def _return(user):
    def act(application):
        return services.application_return(
            application=application, user=user, reason="缺课未补齐。", redo_items="补齐缺课。"
        )

    return act


DECISIONS = ["approve", "return"]


@pytest.mark.parametrize(
    ("first", "second"),
    [("approve", "approve"), ("approve", "return"), ("return", "return")],
    ids=["approve-approve", "approve-return", "return-return"],
)
def test_two_office_users_decide_at_once(contenders, first, second):
    d = contenders
    users = [d.users["office"], d.users["office2"]]
    for n in range(ROUNDS):
        branch = _new_branch(d, n)
        application = application_in(d, "submitted_with_opinion", unit=branch)
        acts = [
            _approve(user, days=i + 1) if kind == "approve" else _return(user)
            for i, (kind, user) in enumerate(zip([first, second], users, strict=True))
        ]

        outcomes = race(application.pk, *acts)

        winner = _one_won(outcomes, "已经有人审批过了")
        application = fresh(application)
        assert application.decided_by == users[winner]
        decisions = ApplicationEvent.objects.filter(application=application, action__in=DECISIONS)
        assert decisions.count() == 1
        assert decisions.get().user == users[winner]
        unit = fresh_unit(branch)
        if [first, second][winner] == "approve":
            assert application.state == ApplicationState.APPROVED
            # Moved once, on the winner's date.
            assert (unit.stage, unit.stage_since) == (d.stages[1], acts[winner].date)
        else:
            assert application.state == ApplicationState.RETURNED
            assert (unit.stage, unit.stage_since) == (d.stages[0], d.batch.starts_on)


def test_two_group_members_give_the_opinion_at_once(contenders):
    d = contenders
    users = [d.users["supervisor1"], d.users["supervisor1b"]]
    for n in range(ROUNDS):
        application = application_in(d, "submitted_without_opinion", unit=_new_branch(d, n))
        acts = [
            lambda a, user=user, agrees=agrees: services.group_opinion_give(
                application=a,
                agrees=agrees,
                reasons=f"{user.username}的意见",
                user=user,
                unmet_acknowledged=True,
            )
            for user, agrees in zip(users, [True, False], strict=True)
        ]

        outcomes = race(application.pk, *acts)

        winner = _one_won(outcomes, "督导组已经对这份申请签署了意见")
        application = fresh(application)
        assert application.group_opinion_by == users[winner]
        assert application.group_agrees is [True, False][winner]
        assert application.group_reasons == f"{users[winner].username}的意见"
        opinions = ApplicationEvent.objects.filter(application=application, action="opinion")
        assert list(opinions.values_list("user", flat=True)) == [users[winner].pk]


def test_two_members_evaluate_the_meeting_at_once(contenders):
    d = contenders
    users = [d.users["supervisor1"], d.users["supervisor1b"]]
    for n in range(ROUNDS):
        application = application_in(d, "draft_meeting_recorded", unit=_new_branch(d, n))
        acts = [
            lambda a, user=user: services.meeting_evaluate(
                application=a, evaluation=f"{user.username}的评价", user=user
            )
            for user in users
        ]

        outcomes = race(application.pk, *acts)

        winner = _one_won(outcomes, "已经有督导组成员作出评价")
        assert fresh(application).meeting.supervisor == users[winner]
        assert (
            ApplicationEvent.objects.filter(application=application, action="evaluate").count() == 1
        )


def test_the_branch_submits_twice_at_once(contenders):
    """A double tap on a slow phone, or the secretary and the leader together."""
    d = contenders
    users = [d.users["secretary1"], d.users["leader1"]]
    for n in range(ROUNDS):
        application = application_in(d, "draft_evaluated", unit=_new_branch(d, n))
        acts = [
            lambda a, user=user: services.application_submit(application=a, user=user)
            for user in users
        ]

        outcomes = race(application.pk, *acts)

        winner = _one_won(outcomes, "已经报送过了")
        assert fresh(application).submitted_by == users[winner]
        assert (
            ApplicationEvent.objects.filter(application=application, action="submit").count() == 1
        )


def test_two_rounds_cannot_be_opened_at_once(contenders):
    d = contenders
    users = [d.users["secretary1"], d.users["leader1"]]
    for n in range(ROUNDS):
        returned = application_in(d, "returned", unit=_new_branch(d, n))
        unit_pk = returned.unit_id
        acts = [
            lambda _a, user=user, unit_pk=unit_pk: services.application_start(
                unit=Unit.objects.get(pk=unit_pk), user=user
            )
            for user in users
        ]

        outcomes = race(returned.pk, *acts)

        winner = _one_won(outcomes, "已有一份正在办理的申请")
        rounds = TransitionApplication.objects.filter(unit_id=unit_pk, round=2)
        assert rounds.count() == 1
        assert rounds.get().created_by == users[winner]

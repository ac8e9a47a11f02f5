"""撤回申请: a trip request is taken back while the office has not decided it yet, by whoever
asked or whoever keeps the ledgers of the cadre's branch. A withdrawn request stays on
record (who, when); once decided it can't be withdrawn; of a withdrawal and a decision at
the same moment exactly one wins and the other is told."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.models import TripKind, TripRequest, TripState
from ledgers.services.trips import TripError, trip_decide, trip_request, trip_withdraw
from tests.conftest import log_in

TODAY = timezone.localdate


def requested(d, by="secretary1", **fields):
    fields.setdefault("kind", TripKind.ABROAD)
    fields.setdefault("destination", "新加坡")
    fields.setdefault("purpose", "签订时限性很强的招商项目")
    fields.setdefault("leaves_on", TODAY() + datetime.timedelta(days=3))
    fields.setdefault("returns_on", TODAY() + datetime.timedelta(days=8))
    return trip_request(traveller=d.member1, user=d.users[by], **fields)


def decided(d, state):
    trip = requested(d)
    TripRequest.objects.filter(pk=trip.pk).update(
        state=state, decided_by=d.users["office"], decided_at=timezone.now(), decision_reason="意见"
    )
    trip.refresh_from_db()
    return trip


def withdraw_url(trip):
    return reverse("ledgers:leaders_trip_withdraw", args=[trip.pk])


def _withdrawn(trip):
    return TripRequest.objects.filter(pk=trip.pk, state=TripState.WITHDRAWN).exists()


def test_the_requester_withdraws_a_pending_request(live_district, login):
    d = live_district
    trip = requested(d)
    client = login(d.users["secretary1"])

    page = client.get(withdraw_url(trip)).content.decode()
    assert "撤回这份外出申请" in page and "新加坡" in page
    assert not _withdrawn(trip)

    response = client.post(withdraw_url(trip), follow=True)

    assert response.redirect_chain[-1][0] == reverse("ledgers:leaders_trip", args=[trip.pk])
    page = response.content.decode()
    assert "已撤回张建国去新加坡的外出申请" in page
    # The request stays on record with who took it back.
    assert "已撤回" in page and "撤回" in page
    trip.refresh_from_db()
    assert trip.state == TripState.WITHDRAWN
    assert trip.withdrawn_by == d.users["secretary1"] and trip.withdrawn_at is not None
    assert trip.decided_by is None


def test_the_office_no_longer_sees_it_waiting(live_district, login):
    d = live_district
    trip = requested(d)
    trip_withdraw(trip=trip, user=d.users["secretary1"])
    response = login(d.users["office"]).get(reverse("ledgers:leaders_trips"))
    assert list(response.context["pending"]) == []


def test_a_cadre_who_asked_for_themself_may_withdraw(live_district, login):
    d = live_district
    trip = requested(d, by="member1")
    response = login(d.users["member1"]).post(withdraw_url(trip))
    assert response.status_code == 302
    assert _withdrawn(trip)


def test_the_trip_page_offers_withdrawal_while_pending(live_district, login):
    d = live_district
    trip = requested(d)
    detail = reverse("ledgers:leaders_trip", args=[trip.pk])
    assert withdraw_url(trip) in login(d.users["secretary1"]).get(detail).content.decode()
    assert withdraw_url(trip) not in login(d.users["office"]).get(detail).content.decode()
    assert withdraw_url(trip) not in login(d.users["member1"]).get(detail).content.decode()

    trip_decide(trip=trip, approve=True, reason="同意。", user=d.users["office"])
    assert withdraw_url(trip) not in login(d.users["secretary1"]).get(detail).content.decode()


# Whoever asked (secretary1 here) or keeps 区一中's ledgers (secretary1, leader1). The cadre
# himself (member1) sees the request but did not ask for it.
WITHDRAW = {
    "office": 403,
    "supervisor1": 403,
    "supervisor2": 404,
    "supervisor3": 404,
    "leader1": 302,
    "secretary1": 302,
    "secretary2": 404,
    "member1": 403,
    "outsider": 404,
}


@pytest.mark.parametrize(("persona", "status"), WITHDRAW.items(), ids=WITHDRAW.keys())
def test_who_may_withdraw(live_district, login, persona, status):
    d = live_district
    trip = requested(d)
    client = login(d.users[persona])

    assert client.get(withdraw_url(trip)).status_code == (200 if status == 302 else status)
    response = client.post(withdraw_url(trip))

    assert response.status_code == status
    assert _withdrawn(trip) is (status == 302)


def test_anonymous_is_sent_to_log_in(live_district, client):
    trip = requested(live_district)
    for response in (client.get(withdraw_url(trip)), client.post(withdraw_url(trip))):
        assert response.status_code == 302 and response.url.startswith("/login/")
    assert TripRequest.objects.filter(pk=trip.pk, state=TripState.PENDING).exists()


@pytest.mark.parametrize("state", [TripState.APPROVED, TripState.REFUSED, TripState.RETURNED])
def test_a_decided_request_cannot_be_withdrawn(live_district, login, state):
    d = live_district
    trip = decided(d, state)
    client = login(d.users["secretary1"])

    for response in (
        client.get(withdraw_url(trip), follow=True),
        client.post(withdraw_url(trip), follow=True),
    ):
        assert response.redirect_chain[-1][0] == reverse("ledgers:leaders_trip", args=[trip.pk])
        assert "办公室已经审批了这份申请" in response.content.decode()
        assert "不能再撤回" in response.content.decode()
    with pytest.raises(TripError):
        trip_withdraw(trip=trip, user=d.users["secretary1"])
    trip.refresh_from_db()
    assert trip.state == state


# Withdrawal against the office's decision --------------------------------------------------


def test_decided_then_withdrawn_the_withdrawal_is_refused(live_district):
    """Both loaded the request while it was pending; the office wrote first."""
    d = live_district
    trip = requested(d)
    office_copy = TripRequest.objects.get(pk=trip.pk)
    requester_copy = TripRequest.objects.get(pk=trip.pk)

    trip_decide(trip=office_copy, approve=True, reason="确需参加。", user=d.users["office"])
    with pytest.raises(TripError) as error:
        trip_withdraw(trip=requester_copy, user=d.users["secretary1"])

    assert "办公室已经审批了这份申请(已同意),不能再撤回" in " ".join(error.value.messages)
    trip.refresh_from_db()
    assert (trip.state, trip.decided_by) == (TripState.APPROVED, d.users["office"])


def test_withdrawn_then_decided_the_decision_is_refused(live_district):
    d = live_district
    trip = requested(d)
    office_copy = TripRequest.objects.get(pk=trip.pk)

    trip_withdraw(trip=trip, user=d.users["secretary1"])
    with pytest.raises(TripError) as error:
        trip_decide(trip=office_copy, approve=False, reason="不同意。", user=d.users["office"])

    assert "这份申请已被撤回,无需审批" in " ".join(error.value.messages)
    trip.refresh_from_db()
    assert trip.state == TripState.WITHDRAWN and trip.decided_by is None


def test_withdrawn_twice_the_second_is_told(live_district):
    d = live_district
    trip = requested(d)
    stale = TripRequest.objects.get(pk=trip.pk)
    trip_withdraw(trip=trip, user=d.users["secretary1"])
    with pytest.raises(TripError) as error:
        trip_withdraw(trip=stale, user=d.users["leader1"])
    assert "已经撤回了" in " ".join(error.value.messages)


def test_the_office_on_a_stale_page_is_told_it_was_withdrawn(live_district, login):
    d = live_district
    trip = requested(d)
    trip_withdraw(trip=trip, user=d.users["secretary1"])

    response = login(d.users["office"]).post(
        reverse("ledgers:leaders_trip_decide", args=[trip.pk]),
        {"approve": "1", "reason": "同意。", "confirm": "on"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("ledgers:leaders_trip", args=[trip.pk])
    assert "这份申请已被撤回,无需审批" in response.content.decode()
    trip.refresh_from_db()
    assert trip.state == TripState.WITHDRAWN


def test_a_withdrawn_request_leaves_the_offices_queue_but_stays_listed(live_district, login):
    d = live_district
    trip = requested(d)
    trip_withdraw(trip=trip, user=d.users["secretary1"])
    response = login(d.users["office"]).get(reverse("ledgers:leaders_trips"))
    assert list(response.context["pending"]) == []
    assert trip in list(response.context["trips"])
    assert "已撤回" in response.content.decode()


def test_withdrawing_again_says_it_is_already_withdrawn(live_district, login):
    d = live_district
    trip = requested(d)
    trip_withdraw(trip=trip, user=d.users["secretary1"])
    response = login(d.users["secretary1"]).post(withdraw_url(trip), follow=True)
    assert "这份申请已经撤回了" in response.content.decode()


def test_the_requester_on_a_stale_page_is_told_the_office_decided(live_district, login):
    d = live_district
    trip = requested(d)
    client = login(d.users["secretary1"])
    assert client.get(withdraw_url(trip)).status_code == 200
    trip_decide(trip=trip, approve=False, reason="可委托他人签约。", user=d.users["office"])

    response = client.post(withdraw_url(trip), follow=True)

    page = response.content.decode()
    assert "办公室已经审批了这份申请(不同意),不能再撤回" in page
    assert "可委托他人签约。" in page
    trip.refresh_from_db()
    assert trip.state == TripState.REFUSED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_secretary_withdraws_on_a_phone(live_district, phone):
    trip = requested(live_district)
    log_in(phone, "secretary1")
    phone.open(reverse("ledgers:leaders_trip", args=[trip.pk]))
    phone.get_by_role("link", name="撤回申请").click()
    # Measured once the confirmation page is there, not while the click is navigating.
    expect(phone.get_by_role("button", name="确认撤回")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="确认撤回").click()
    expect(phone.get_by_text("已撤回张建国去新加坡的外出申请。")).to_be_visible()
    expect(phone.locator("#trip-state")).to_have_text("已撤回")
    assert _withdrawn(trip)


# Real concurrent connections: PostgreSQL only (SQLite serialises whole connections).


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "refuse"])
def test_withdrawn_and_decided_at_once_exactly_one_wins(live_district, approve):
    d = live_district
    for n in range(5):
        trip = requested(d, destination=f"第{n}站")
        barrier = threading.Barrier(2)
        outcomes = {}

        def run(name, act, pk=trip.pk, barrier=barrier, outcomes=outcomes):
            try:
                copy = TripRequest.objects.select_related("traveller").get(pk=pk)
                barrier.wait(timeout=10)
                act(copy)
                outcomes[name] = None
            except Exception as error:
                barrier.abort()
                outcomes[name] = error
            finally:
                connections.close_all()

        acts = {
            "withdraw": lambda t: trip_withdraw(trip=t, user=d.users["secretary1"]),
            "decide": lambda t: trip_decide(
                trip=t, approve=approve, reason="意见", user=d.users["office"]
            ),
        }
        threads = [threading.Thread(target=run, args=item) for item in acts.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive(), "a contender hung"

        winners = [name for name, outcome in outcomes.items() if outcome is None]
        assert len(winners) == 1, outcomes
        (loser,) = [outcome for outcome in outcomes.values() if outcome is not None]
        assert isinstance(loser, TripError), repr(loser)
        remaining = TripRequest.objects.get(pk=trip.pk)
        if winners == ["withdraw"]:
            assert remaining.state == TripState.WITHDRAWN and remaining.decided_by is None
            assert "已被撤回" in " ".join(loser.messages)
        else:
            assert remaining.state == (TripState.APPROVED if approve else TripState.REFUSED)
            assert "不能再撤回" in " ".join(loser.messages)

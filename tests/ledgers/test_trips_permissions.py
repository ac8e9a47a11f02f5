"""Who may ask for, see, decide and close a trip of 张建国 (leading cadre of 区一中党支部).

Asking and recording the return: the cadre themself or whoever keeps the ledgers of the
cadre's branch. Deciding: the office only. Seeing: everyone whose scope holds the cadre.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ledgers.models import TripKind, TripRequest, TripState

TODAY = timezone.localdate


def _trip(d, state):
    return TripRequest.objects.create(
        traveller=d.member1,
        kind=TripKind.ABROAD,
        destination="新加坡",
        purpose="参加重要会议",
        leaves_on=TODAY() - datetime.timedelta(days=4),
        returns_on=TODAY() - datetime.timedelta(days=1),
        state=state,
        requested_by=d.users["secretary1"],
    )


SEES = {
    "office": 200,
    "supervisor1": 200,
    "supervisor2": 404,
    "supervisor3": 404,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 404,
    "member1": 200,
    "outsider": 404,
}


def test_anonymous_is_sent_to_log_in(live_district, client):
    trip = _trip(live_district, TripState.APPROVED)
    for url in (
        reverse("ledgers:leaders_trips"),
        reverse("ledgers:leaders_trip_new"),
        reverse("ledgers:leaders_trip", args=[trip.pk]),
        reverse("ledgers:leaders_trip_return", args=[trip.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    response = client.post(reverse("ledgers:leaders_trip_decide", args=[trip.pk]))
    assert response.status_code == 302 and response.url.startswith("/login/")


LIST = dict.fromkeys(SEES, 200) | {"outsider": 403}


@pytest.mark.parametrize(("persona", "status"), LIST.items(), ids=LIST.keys())
def test_the_list(live_district, login, persona, status):
    response = login(live_district.users[persona]).get(reverse("ledgers:leaders_trips"))
    assert response.status_code == status


# Those who keep some branch's ledgers, and a leading cadre for themself.
ASK = {
    "office": 403,
    "supervisor1": 403,
    "supervisor2": 403,
    "supervisor3": 403,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 200,
    "member1": 200,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "status"), ASK.items(), ids=ASK.keys())
def test_asking(live_district, login, persona, status):
    response = login(live_district.users[persona]).get(reverse("ledgers:leaders_trip_new"))
    assert response.status_code == status


def test_a_secretary_cannot_ask_for_a_cadre_of_another_branch(live_district, login):
    d = live_district
    response = login(d.users["secretary2"]).post(
        reverse("ledgers:leaders_trip_new"),
        {
            "traveller": d.member1.pk,
            "kind": TripKind.ABROAD,
            "destination": "新加坡",
            "purpose": "会议",
            "leaves_on": TODAY().isoformat(),
            "returns_on": TODAY().isoformat(),
        },
    )
    assert "只能为本单位及下级单位的党员领导干部或本人提出申请" in response.content.decode()
    assert not TripRequest.objects.exists()


@pytest.mark.parametrize(("persona", "status"), SEES.items(), ids=SEES.keys())
def test_the_trip_page(live_district, login, persona, status):
    trip = _trip(live_district, TripState.PENDING)
    response = login(live_district.users[persona]).get(
        reverse("ledgers:leaders_trip", args=[trip.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert ("decision-form" in response.content.decode()) is (persona == "office")


DECIDE = {persona: (403 if status == 200 else status) for persona, status in SEES.items()}
DECIDE["office"] = 302


@pytest.mark.parametrize(("persona", "status"), DECIDE.items(), ids=DECIDE.keys())
def test_deciding(live_district, login, persona, status):
    trip = _trip(live_district, TripState.PENDING)
    response = login(live_district.users[persona]).post(
        reverse("ledgers:leaders_trip_decide", args=[trip.pk]),
        {"approve": "0", "reason": "从严把关,不同意。", "confirm": "on"},
    )
    assert response.status_code == status
    trip.refresh_from_db()
    assert (trip.state == TripState.REFUSED) is (status == 302)


def test_deciding_is_post_only(live_district, login):
    trip = _trip(live_district, TripState.PENDING)
    response = login(live_district.users["office"]).get(
        reverse("ledgers:leaders_trip_decide", args=[trip.pk])
    )
    assert response.status_code == 405


RETURN = {
    **DECIDE,
    "office": 403,
    "leader1": 302,
    "secretary1": 302,
    "member1": 302,
}


@pytest.mark.parametrize(("persona", "status"), RETURN.items(), ids=RETURN.keys())
def test_recording_the_return(live_district, login, persona, status):
    d = live_district
    trip = _trip(d, TripState.APPROVED)
    client = login(d.users[persona])
    url = reverse("ledgers:leaders_trip_return", args=[trip.pk])
    assert client.get(url).status_code == (200 if status == 302 else status)
    response = client.post(url, {"returned_on": TODAY().isoformat()})
    assert response.status_code == status
    trip.refresh_from_db()
    assert (trip.state == TripState.RETURNED) is (status == 302)


def test_a_trip_not_approved_has_no_return_to_record(live_district, login):
    trip = _trip(live_district, TripState.REFUSED)
    response = login(live_district.users["secretary1"]).get(
        reverse("ledgers:leaders_trip_return", args=[trip.pk]), follow=True
    )
    assert "无需登记返回" in response.content.decode()

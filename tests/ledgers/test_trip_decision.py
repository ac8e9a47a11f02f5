"""The office's decision on a trip can't be taken back: it is confirmed with a tick, and the
page names what the request does not meet before the office ticks.

"必须事先书面征求先进性教育办公室的同意,按审批原则从严审批把关……党员干部外出返回后,
必须采取有效措施进行补课。"
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import TripKind, TripRequest, TripState
from ledgers.services.trips import trip_decide
from study.models import AttendanceStatus
from study.services.sessions import roster_save
from tests.factories import make_session


def _pending(d, leaves_in=3):
    """A request waiting for the office; only the ORM can date one in the past."""
    today = timezone.localdate()
    return TripRequest.objects.create(
        traveller=d.member1,
        kind=TripKind.ABROAD,
        destination="新加坡",
        purpose="签订时限性很强的招商项目",
        leaves_on=today + datetime.timedelta(days=leaves_in),
        returns_on=today + datetime.timedelta(days=leaves_in + 5),
        requested_by=d.users["secretary1"],
    )


def _owes_a_makeup(d):
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    roster_save(
        session=session,
        entries=[(d.member1.pk, AttendanceStatus.ABSENT)],
        user=d.users["secretary1"],
    )


def _decide(client, trip, **data):
    return client.post(reverse("ledgers:leaders_trip_decide", args=[trip.pk]), data)


def test_without_the_confirmation_nothing_is_decided_and_the_reason_is_kept(live_district, login):
    trip = _pending(live_district)

    response = _decide(login(live_district.users["office"]), trip, approve="1", reason="确需前往")

    assert response.status_code == 200
    html = response.content.decode()
    assert "还没有提交。请补全:勾选确认" in html
    assert "审批意见提交后不能更改,请核对后勾选确认" in html
    assert "确需前往" in html
    trip.refresh_from_db()
    assert trip.state == TripState.PENDING
    assert trip.decided_by is None


def test_an_empty_decision_names_everything_still_missing(live_district, login):
    trip = _pending(live_district)

    html = _decide(login(live_district.users["office"]), trip).content.decode()

    assert "还没有提交。请补全:审批结果、审批意见、勾选确认" in html


@pytest.mark.parametrize("approve", ["0", "1"], ids=["refuse", "approve"])
def test_a_confirmed_decision_is_taken_and_the_form_goes(live_district, login, approve):
    trip = _pending(live_district)
    client = login(live_district.users["office"])

    response = _decide(client, trip, approve=approve, reason="从严把关。", confirm="on")

    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == (TripState.APPROVED if approve == "1" else TripState.REFUSED)
    page = client.get(reverse("ledgers:leaders_trip", args=[trip.pk])).content.decode()
    assert "decision-form" not in page


def test_a_request_that_meets_the_rules_shows_nothing_unmet(live_district, login):
    trip = _pending(live_district)

    page = login(live_district.users["office"]).get(reverse("ledgers:leaders_trip", args=[trip.pk]))

    html = page.content.decode()
    assert 'id="decision-form"' in html
    assert 'id="unmet"' not in html
    assert "我已核对。审批意见提交后不能更改,也不能撤回。" in html


@pytest.mark.parametrize(
    ("leaves_in", "late"), [(0, False), (-1, True)], ids=["leaving-today", "left-yesterday"]
)
def test_a_request_decided_after_leaving_is_named(live_district, login, leaves_in, late):
    trip = _pending(live_district, leaves_in=leaves_in)

    page = login(live_district.users["office"]).get(reverse("ledgers:leaders_trip", args=[trip.pk]))

    html = page.content.decode()
    assert ("外出须事先书面征求办公室同意" in html) is late
    assert ("以上1项情况我已核实" in html) is late


def test_make_ups_the_cadre_still_owes_are_named(live_district, login):
    d = live_district
    _owes_a_makeup(d)
    trip = _pending(d)

    html = login(d.users["office"]).get(reverse("ledgers:leaders_trip", args=[trip.pk]))
    html = html.content.decode()

    unmet = html[html.index('id="unmet"') :]
    assert "张建国还有1次缺课没有补上" in unmet[: unmet.index("</div>")]


def test_approving_what_is_unmet_needs_it_acknowledged(live_district):
    d = live_district
    _owes_a_makeup(d)
    trip = _pending(d)

    with pytest.raises(ValidationError) as error:
        trip_decide(trip=trip, approve=True, reason="同意。", user=d.users["office"])
    assert "confirm" in error.value.error_dict
    trip.refresh_from_db()
    assert trip.state == TripState.PENDING

    trip_decide(
        trip=trip, approve=True, reason="同意。", user=d.users["office"], unmet_acknowledged=True
    )
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED


def test_refusing_needs_no_acknowledgement(live_district):
    d = live_district
    _owes_a_makeup(d)
    trip = _pending(d)

    trip_decide(trip=trip, approve=False, reason="从严把关,不同意。", user=d.users["office"])

    trip.refresh_from_db()
    assert trip.state == TripState.REFUSED


@pytest.mark.parametrize("persona", ["supervisor1", "leader1", "secretary1", "member1"])
def test_only_the_office_sees_the_decision_form_or_decides(live_district, login, persona):
    trip = _pending(live_district)
    client = login(live_district.users[persona])

    page = client.get(reverse("ledgers:leaders_trip", args=[trip.pk])).content.decode()
    refused = _decide(client, trip, approve="1", reason="同意。", confirm="on")

    assert "decision-form" not in page and 'id="unmet"' not in page
    assert refused.status_code == 403
    trip.refresh_from_db()
    assert trip.state == TripState.PENDING

"""Every persona of the demo district on every view of study sessions.

The ledger is read by everyone whose scope holds the branch (its secretary, the leader
above it, its supervision group, the office) and kept only by the secretary and the
leader. A member doesn't see the branch's ledger but signs themself in. Outside one's
scope is a 404, inside it but not allowed a 403, anonymous goes to the login page.
"""

import datetime

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from study.models import Attendance, StudySession
from tests.conftest import PERSONAS
from tests.factories import make_session
from units.models import Member

# Who sees 区一中党支部's ledger, and who keeps it.
READERS = {"office", "supervisor1", "leader1", "secretary1"}
KEEPERS = {"leader1", "secretary1"}


def _expected(persona, allowed):
    if persona in allowed:
        return 200
    return 403 if persona in READERS else 404


@pytest.fixture
def session(live_district):
    return make_session(live_district.school1, live_district.users["secretary1"])


READ_VIEWS = {
    "sessions": lambda d, s: reverse("study:sessions", args=[d.school1.pk]),
    "session": lambda d, s: reverse("study:session", args=[s.pk]),
    "session_checkins": lambda d, s: reverse("study:session_checkins", args=[s.pk]),
    "session_qr": lambda d, s: reverse("study:session_qr", args=[s.pk]),
}
KEEP_VIEWS = {
    "session_create": lambda d, s: reverse("study:session_create", args=[d.school1.pk]),
    "session_edit": lambda d, s: reverse("study:session_edit", args=[s.pk]),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", READ_VIEWS)
def test_reading_the_ledger(live_district, session, login, persona, view):
    response = login(live_district.users[persona]).get(READ_VIEWS[view](live_district, session))
    assert response.status_code == _expected(persona, READERS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", KEEP_VIEWS)
def test_opening_the_session_form(live_district, session, login, persona, view):
    response = login(live_district.users[persona]).get(KEEP_VIEWS[view](live_district, session))
    assert response.status_code == _expected(persona, KEEPERS)


def _session_data(d):
    starts = timezone.localtime() + datetime.timedelta(hours=1)
    return {
        "kind": "study",
        "title": "改过的学习内容",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "hours": "3",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_session(live_district, session, login, persona):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("study:session_create", args=[d.school1.pk]), _session_data(d)
    )
    allowed = persona in KEEPERS
    assert response.status_code == (302 if allowed else _expected(persona, KEEPERS))
    assert StudySession.objects.filter(title="改过的学习内容").exists() == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_a_session(live_district, session, login, persona):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("study:session_edit", args=[session.pk]), _session_data(d)
    )
    allowed = persona in KEEPERS
    assert response.status_code == (302 if allowed else _expected(persona, KEEPERS))
    session.refresh_from_db()
    assert (session.title == "改过的学习内容") == allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_the_roster(live_district, session, login, persona):
    d = live_district
    member = Member.objects.get(name="王强")
    response = login(d.users[persona]).post(
        reverse("study:session", args=[session.pk]), {f"status-{member.pk}": "absent"}
    )
    allowed = persona in KEEPERS
    assert response.status_code == (302 if allowed else _expected(persona, KEEPERS))
    assert Attendance.objects.exists() == allowed


@pytest.mark.parametrize("persona", sorted(READERS - KEEPERS))
def test_readers_who_dont_keep_the_ledger_see_no_roster_form(
    live_district, session, login, persona
):
    page = login(live_district.users[persona]).get(reverse("study:session", args=[session.pk]))
    page = page.content.decode()
    assert 'id="roster"' not in page
    assert 'id="attendance-table"' in page
    assert reverse("study:session_edit", args=[session.pk]) not in page


def test_secretary_of_another_branch_gets_404_everywhere(live_district, session, login):
    client = login(live_district.users["secretary2"])
    for build in {**READ_VIEWS, **KEEP_VIEWS}.values():
        assert client.get(build(live_district, session)).status_code == 404


def test_secretary2_keeps_the_ward_ledger(live_district, login):
    d = live_district
    client = login(d.users["secretary2"])
    response = client.get(reverse("study:session_create", args=[d.ward.pk]))
    assert response.status_code == 200
    ward_session = make_session(d.ward, d.users["secretary2"])
    assert client.get(reverse("study:session", args=[ward_session.pk])).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_checkin_page(live_district, login, persona):
    response = login(live_district.users[persona]).get(reverse("study:checkin"))
    # Only member1 has a member record among the personas.
    assert response.status_code == (200 if persona == "member1" else 403)


ALL_VIEWS = {
    **READ_VIEWS,
    **KEEP_VIEWS,
    "checkin": lambda d, s: reverse("study:checkin"),
    "checkin_code": lambda d, s: reverse("study:checkin_code", args=[s.checkin_code]),
}


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(live_district, session, client, view):
    url = ALL_VIEWS[view](live_district, session)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


def test_anonymous_roster_post_saves_nothing(live_district, session, client):
    member = Member.objects.get(name="王强")
    response = client.post(
        reverse("study:session", args=[session.pk]), {f"status-{member.pk}": "absent"}
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_missing_session_is_404(live_district, login):
    client = login(live_district.users["office"])
    assert client.get(reverse("study:session", args=[999999])).status_code == 404
    assert client.get(reverse("study:sessions", args=[999999])).status_code == 404

"""Every persona of the demo district on every view of leave, make-ups, self-study and the
contact log.

Lists are read by everyone whose scope holds the branch; changes are made by its
secretary or the leader above it (not the office, not supervisors); a member uses only
their own pages. Outside the scope is 404, in scope but not allowed is 403, and anonymous
visitors are sent to the login page.
"""

import datetime

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from study.models import ContactLog, LeaveRequest, MakeUp, SelfStudy
from study.services import absences as services
from study.services.sessions import roster_save
from tests.conftest import PERSONAS
from tests.factories import make_session
from units.models import Member

READERS = {"office", "supervisor1", "leader1", "secretary1"}
MANAGERS = {"leader1", "secretary1"}
# They see school1 but do not keep its ledger.
SEE_BUT_MAY_NOT_CHANGE = READERS - MANAGERS


def _expected_for_reading(persona):
    return 200 if persona in READERS else 404


def _expected_for_change(persona, done=302):
    if persona in MANAGERS:
        return done
    return 403 if persona in SEE_BUT_MAY_NOT_CHANGE else 404


@pytest.fixture
def ledger(live_district):
    """A make-up owed by member1 and a pending leave of member1, in school1."""
    d = live_district
    secretary = d.users["secretary1"]
    past = make_session(d.school1, secretary, starts_at=timezone.now() - datetime.timedelta(days=2))
    roster_save(session=past, entries=[(d.member1.pk, "absent")], user=secretary)
    upcoming = make_session(
        d.school1, secretary, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    d.makeup = MakeUp.objects.get(member=d.member1)
    d.leave = services.leave_request(
        member=d.member1, session=upcoming, reason="出差", user=d.users["member1"]
    )
    d.upcoming = upcoming
    d.infirm = Member.objects.get(name="李秀英")
    d.mobile = Member.objects.get(name="王强")
    return d


def _today():
    return timezone.localdate().isoformat()


LISTS = {
    "makeups": lambda d: reverse("study:makeups", args=[d.school1.pk]),
    "leave list": lambda d: reverse("study:leave_list", args=[d.school1.pk]),
    "mobile members": lambda d: reverse("study:mobile_members", args=[d.school1.pk]),
}

# name: (url, POST data, the rows a successful POST adds or changes)
ACTIONS = {
    "makeup done": (
        lambda d: reverse("study:makeup_done", args=[d.makeup.pk]),
        lambda d: {"done_on": _today(), "method": "session"},
        lambda: MakeUp.objects.filter(done_on__isnull=False).count(),
    ),
    "leave entry": (
        lambda d: reverse("study:leave_list", args=[d.school1.pk]),
        lambda d: {"member": d.infirm.pk, "session": d.upcoming.pk, "reason": "住院"},
        lambda: LeaveRequest.objects.count(),
    ),
    "self-study for a member": (
        lambda d: reverse("study:self_study_create", args=[d.infirm.pk]),
        lambda d: {"studied_on": _today(), "hours": "2", "material": "党章"},
        lambda: SelfStudy.objects.count(),
    ),
    "contact": (
        lambda d: reverse("study:contact_create", args=[d.mobile.pk]),
        lambda d: {"contacted_on": _today(), "method": "phone"},
        lambda: ContactLog.objects.count(),
    ),
}

MY_PAGES = {
    "my leave": (
        reverse("study:my_leave"),
        lambda d: {"session": d.upcoming.pk, "reason": "出差"},
        lambda: LeaveRequest.objects.count(),
    ),
    "my self-study": (
        reverse("study:my_self_study"),
        lambda d: {"studied_on": _today(), "hours": "1", "material": "党章"},
        lambda: SelfStudy.objects.count(),
    ),
}


def _login_url(url):
    return f"{resolve_url(settings.LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", LISTS)
def test_who_reads_the_lists(ledger, login, persona, name):
    url = LISTS[name](ledger)
    response = login(ledger.users[persona]).get(url)
    assert response.status_code == _expected_for_reading(persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ACTIONS)
def test_who_changes_the_ledger(ledger, login, persona, name):
    url, data, rows = ACTIONS[name]
    url = url(ledger)
    client = login(ledger.users[persona])
    if name != "leave entry":
        # The leave entry form is on the list page, which every reader may open.
        assert client.get(url).status_code == _expected_for_change(persona, done=200)
    before = rows()
    response = client.post(url, data(ledger))
    assert response.status_code == _expected_for_change(persona), response.content.decode()[:500]
    assert rows() == before + (1 if persona in MANAGERS else 0)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_who_decides_leave(ledger, login, persona, decision):
    url = reverse("study:leave_decide", args=[ledger.leave.pk])
    client = login(ledger.users[persona])
    response = client.post(url, {"decision": decision})
    assert response.status_code == _expected_for_change(persona)
    ledger.leave.refresh_from_db()
    assert (ledger.leave.status != "pending") is (persona in MANAGERS)


def test_deciding_leave_takes_a_post(ledger, login):
    response = login(ledger.users["secretary1"]).get(
        reverse("study:leave_decide", args=[ledger.leave.pk])
    )
    assert response.status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", MY_PAGES)
def test_only_a_member_uses_the_member_pages(ledger, login, persona, name):
    url, data, rows = MY_PAGES[name]
    client = login(ledger.users[persona])
    response = client.get(url)
    before = rows()
    posted = client.post(url, data(ledger))
    if persona == "member1":
        assert response.status_code == 200
        assert posted.status_code in (200, 302)
    else:
        assert response.status_code == 404
        assert "您的账号没有关联党员信息" in response.content.decode()
        assert posted.status_code == 404
        assert rows() == before


def test_a_member_cannot_use_the_secretarys_form_even_for_themself(ledger, login):
    # The form sits on the branch's ledger, which a plain member does not see.
    client = login(ledger.users["member1"])
    url = reverse("study:self_study_create", args=[ledger.member1.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"studied_on": _today(), "hours": "1", "material": "党章"})
    assert response.status_code == 404
    assert not SelfStudy.objects.exists()


def test_a_secretary_of_another_branch_sees_nothing_here(ledger, login):
    client = login(ledger.users["secretary2"])
    for url in [
        reverse("study:makeups", args=[ledger.school1.pk]),
        reverse("study:makeup_done", args=[ledger.makeup.pk]),
        reverse("study:self_study_create", args=[ledger.infirm.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # …while their own branch is theirs to keep.
    assert client.get(reverse("study:makeups", args=[ledger.ward.pk])).status_code == 200


def _every_url(d):
    urls = [build(d) for build in LISTS.values()]
    urls += [build(d) for build, _data, _rows in ACTIONS.values()]
    urls += [url for url, _data, _rows in MY_PAGES.values()]
    urls.append(reverse("study:leave_decide", args=[d.leave.pk]))
    return urls


def test_anonymous_visitors_are_sent_to_log_in(ledger, client):
    for url in _every_url(ledger):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url == _login_url(url), url
    assert LeaveRequest.objects.get().status == "pending"
    assert not MakeUp.objects.filter(done_on__isnull=False).exists()

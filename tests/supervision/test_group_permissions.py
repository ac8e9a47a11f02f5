"""Every persona of the demo district on every page of 第一督导组 (GET and POST).

A group's pages are read by its members and the district office; only members record
anything (the office gets 403 when it tries). To anyone else — the other groups, the
units' own leaders, secretaries and members — the group doesn't exist (404). The office's
page of every group's typical cases is the office's alone (403). Pages that only show
something answer POST with 405. Anonymous visitors go to the login page.
"""

import datetime

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from supervision.models import CaseKind, Inspection, InspectionFocus, KeyUnit, TypicalCase
from supervision.services.groups import inspection_record, key_unit_choose, typical_case_record
from tests.conftest import PERSONAS

MEMBERS = {"supervisor1"}
READERS = {"supervisor1", "office"}


@pytest.fixture
def records(live_district):
    d = live_district
    supervisor = d.users["supervisor1"]
    group = d.groups[0]
    return {
        "inspection": inspection_record(
            group=group,
            unit=d.school1,
            inspected_on=timezone.localdate(),
            focus=[InspectionFocus.STUDY],
            findings="已查。",
            user=supervisor,
        ),
        "key_unit": key_unit_choose(group=group, unit=d.school1, user=supervisor),
        "case": typical_case_record(
            group=group,
            kind=CaseKind.PRACTICE,
            title="经验",
            unit=d.school1,
            description="做法。",
            user=supervisor,
        ),
    }


def _urls(d, r):
    group = d.groups[0].pk
    return {
        "group_home": reverse("supervision:group_home", args=[group]),
        "inspections": reverse("supervision:inspections", args=[group]),
        "inspection": reverse("supervision:inspection", args=[r["inspection"].pk]),
        "key_units": reverse("supervision:key_units", args=[group]),
        "key_unit_remove": reverse("supervision:key_unit_remove", args=[r["key_unit"].pk]),
        "typical_cases": reverse("supervision:typical_cases", args=[group]),
        "typical_case": reverse("supervision:typical_case", args=[r["case"].pk]),
        "all_cases": reverse("supervision:all_cases"),
    }


VIEWS = [
    "group_home",
    "inspections",
    "inspection",
    "key_units",
    "key_unit_remove",
    "typical_cases",
    "typical_case",
    "all_cases",
]
# Views that record something, with valid data and how to tell that it was recorded.
ACTIONS = {
    "inspections": (
        lambda d: {
            "inspected_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "unit": d.school2.pk,
            "focus": [InspectionFocus.DISCUSSION],
            "findings": "大讨论已开展。",
        },
        lambda: Inspection.objects.count() == 2,
    ),
    "key_units": (
        lambda d: {"unit": d.school2.pk, "reason": "基础较好"},
        lambda: KeyUnit.objects.count() == 2,
    ),
    "key_unit_remove": (lambda d: {}, lambda: not KeyUnit.objects.exists()),
    "typical_cases": (
        lambda d: {
            "kind": CaseKind.BRANCH,
            "title": "典型支部",
            "unit": d.school2.pk,
            "description": "做法。",
        },
        lambda: TypicalCase.objects.count() == 2,
    ),
}


def _expected_get(persona, view):
    if view == "all_cases":
        return 200 if persona == "office" else 403
    if view == "key_unit_remove":
        # A page that only asks to confirm an action.
        return 200 if persona in MEMBERS else 403 if persona in READERS else 404
    return 200 if persona in READERS else 404


def _expected_post(persona, view):
    if view not in ACTIONS:
        return 405
    return 302 if persona in MEMBERS else 403 if persona in READERS else 404


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_get(live_district, records, login, persona, view):
    url = _urls(live_district, records)[view]
    response = login(live_district.users[persona]).get(url)
    assert response.status_code == _expected_get(persona, view)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_post(live_district, records, login, persona, view):
    d = live_district
    url = _urls(d, records)[view]
    data, recorded = ACTIONS.get(view, (lambda d: {}, None))
    response = login(d.users[persona]).post(url, data(d))
    expected = _expected_post(persona, view)
    assert response.status_code == expected
    if recorded is not None:
        assert recorded() == (expected == 302)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_goes_to_the_login_page(live_district, records, client, view, method):
    url = _urls(live_district, records)[view]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("persona", ["supervisor2", "supervisor3"])
def test_other_groups_act_on_their_own_pages(live_district, login, persona):
    d = live_district
    number = {"supervisor2": 1, "supervisor3": 2}[persona]
    unit = {"supervisor2": d.ward, "supervisor3": d.street}[persona]
    client = login(d.users[persona])
    response = client.post(
        reverse("supervision:key_units", args=[d.groups[number].pk]), {"unit": unit.pk}
    )
    assert response.status_code == 302
    assert KeyUnit.objects.get().group == d.groups[number]


def test_a_supervisor_in_two_groups_reads_both(live_district, login):
    d = live_district
    d.groups[1].members.add(d.users["supervisor1"])
    client = login(d.users["supervisor1"])
    for group in d.groups[:2]:
        assert client.get(reverse("supervision:group_home", args=[group.pk])).status_code == 200
    assert client.get(reverse("supervision:group_home", args=[d.groups[2].pk])).status_code == 404


def test_an_unknown_group_is_not_found(live_district, login):
    response = login(live_district.users["office"]).get(
        reverse("supervision:group_home", args=[9999])
    )
    assert response.status_code == 404

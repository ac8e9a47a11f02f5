"""Every persona of the demo district on every page of the 二三五 ledgers, for 区一中党支部.

The unit's pages are read by everyone whose scope holds it (404 for the rest) and kept by
its secretary or the leader above it (403 for the office and its supervisors, who see it);
the settings are the office's; anonymous visitors are sent to the login page.
"""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from ledgers.models import ActivityAttachment, CardRecord, CardType, PracticeActivity, PracticePlan
from ledgers.services import cards as card_services
from ledgers.services import practice as services
from tests.conftest import PERSONAS

READERS = {"office", "supervisor1", "leader1", "secretary1"}
KEEPERS = {"leader1", "secretary1"}
SEE_BUT_MAY_NOT_KEEP = READERS - KEEPERS
SEE_UNITS = {
    "office",
    "supervisor1",
    "supervisor2",
    "supervisor3",
    "leader1",
    "secretary1",
    "secretary2",
}

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def practice(live_district):
    d = live_district
    d.card_type = card_services.card_type_add(batch=d.batch, name="联系卡")
    activity = services.practice_activity_record(
        unit=d.school1,
        user=d.users["secretary1"],
        held_on=timezone.localdate(),
        kind="send_warmth",
        participants="支部书记带领党员5人",
        description="走访慰问困难群众",
        households=3,
        files=[SimpleUploadedFile("慰问.pdf", PDF, content_type="application/pdf")],
    )
    d.attachment = activity.attachments.get()
    return d


def _reading(persona):
    return 200 if persona in READERS else 404


def _keeping(persona, done):
    if persona in KEEPERS:
        return done
    return 403 if persona in SEE_BUT_MAY_NOT_KEEP else 404


UNIT_PAGES = {
    "activities": "ledgers:practice_activities",
    "plan": "ledgers:practice_plan",
    "cards": "ledgers:practice_cards",
}


@pytest.mark.parametrize("page", UNIT_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_pages_are_read_by_those_who_see_the_unit(practice, login, persona, page):
    url = reverse(UNIT_PAGES[page], args=[practice.school1.pk])
    response = login(practice.users[persona]).get(url)
    assert response.status_code == _reading(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_attachments_are_served_only_to_those_who_see_the_unit(practice, login, persona):
    url = reverse("ledgers:practice_attachment", args=[practice.attachment.pk])
    response = login(practice.users[persona]).get(url)
    assert response.status_code == _reading(persona)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_activity_form_is_for_the_keepers(practice, login, persona):
    url = reverse("ledgers:practice_activity_create", args=[practice.school1.pk])
    assert login(practice.users[persona]).get(url).status_code == _keeping(persona, 200)


def _today():
    return timezone.localdate().isoformat()


# name: (url, POST data, rows that a successful POST adds)
ACTIONS = {
    "log an activity": (
        lambda d: reverse("ledgers:practice_activity_create", args=[d.school1.pk]),
        lambda d: {
            "held_on": _today(),
            "kind": "among_people",
            "participants": "党员3人",
            "description": "座谈",
            "households": "0",
            "poor_households": "0",
            "funds": "0",
            "person_times": "3",
            "deeds": "0",
        },
        PracticeActivity.objects.count,
    ),
    "file the plan": (
        lambda d: reverse("ledgers:practice_plan", args=[d.school1.pk]),
        lambda d: {"content": "一、两深入……"},
        PracticePlan.objects.count,
    ),
    "record cards": (
        lambda d: reverse("ledgers:practice_cards", args=[d.school1.pk]),
        lambda d: {
            "card_type": d.card_type.pk,
            "recorded_on": _today(),
            "issued": "10",
            "returned": "0",
        },
        CardRecord.objects.count,
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_keepers_change_the_unit_ledgers(practice, login, persona, action):
    url, data, rows = ACTIONS[action]
    before = rows()
    response = login(practice.users[persona]).post(url(practice), data(practice))
    assert response.status_code == _keeping(persona, 302)
    assert rows() == before + (1 if persona in KEEPERS else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_settings_are_the_offices(practice, login, persona):
    client = login(practice.users[persona])
    url = reverse("ledgers:practice_settings")
    expected = 200 if persona == "office" else 403
    assert client.get(url).status_code == expected
    response = client.post(url, {"form": "card_add", "add-name": "民情卡"})
    assert response.status_code == (302 if persona == "office" else 403)
    assert CardType.objects.filter(name="民情卡").exists() == (persona == "office")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_plans_list_is_for_everyone_who_sees_units(practice, login, persona):
    response = login(practice.users[persona]).get(reverse("ledgers:practice_plans"))
    assert response.status_code == (200 if persona in SEE_UNITS else 403)


def test_a_supervisor_sees_only_the_plans_of_the_groups_units(practice, login):
    response = login(practice.users["supervisor1"]).get(reverse("ledgers:practice_plans"))
    names = [row.name for row in response.context["rows"]]
    assert sorted(names) == sorted(["区教育党委", "区一中党支部", "区二中党支部"])


def _urls(d):
    unit = [reverse(name, args=[d.school1.pk]) for name in UNIT_PAGES.values()]
    return [
        *unit,
        reverse("ledgers:practice_activity_create", args=[d.school1.pk]),
        reverse("ledgers:practice_attachment", args=[d.attachment.pk]),
        reverse("ledgers:practice_settings"),
        reverse("ledgers:practice_plans"),
    ]


def test_anonymous_visitors_are_sent_to_log_in(practice, client):
    for url in _urls(practice):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(resolve_url(settings.LOGIN_URL)), url


def test_an_attachment_that_does_not_exist_is_404(practice, login):
    url = reverse("ledgers:practice_attachment", args=[practice.attachment.pk + 100])
    assert login(practice.users["office"]).get(url).status_code == 404


def test_attachments_are_not_reachable_under_the_media_url(practice, client, login):
    path = ActivityAttachment.objects.get().file.name
    login(practice.users["office"])
    response = client.get(f"/{settings.MEDIA_URL}{path}")
    assert response.status_code == 404


def test_activities_outside_the_batches_dates_are_not_counted(practice, login):
    """E.g. a visit logged before this 批次 began belongs to no campaign's figures."""
    PracticeActivity.objects.update(held_on=practice.batch.starts_on - datetime.timedelta(1))
    response = login(practice.users["secretary1"]).get(
        reverse("ledgers:practice_activities", args=[practice.school1.pk])
    )
    assert response.status_code == 200
    assert response.context["summary"].activities == 0

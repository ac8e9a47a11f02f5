"""Every persona of the demo district on every page of the 边学边查边改 ledger.

区一中党支部's ledger is read by everyone whose scope holds it (the office, 督导一组, the
leader of 区教育党委, its secretary) and kept by its secretary and that leader. Its
supervision group may also file what it found. Outside one's scope is a 404, inside it
but not allowed a 403, anonymous goes to the login page.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from ledgers.models import IntegrityRecord, RectificationItem, RectificationSource
from ledgers.services.rectification import rectification_item_create
from tests.conftest import PERSONAS

READERS = {"office", "supervisor1", "leader1", "secretary1"}
KEEPERS = {"leader1", "secretary1"}
ADDERS = KEEPERS | {"supervisor1"}


def _expected(persona, allowed):
    if persona in allowed:
        return 200
    return 403 if persona in READERS else 404


@pytest.fixture
def item(live_district):
    d = live_district
    return rectification_item_create(
        unit=d.school1,
        user=d.users["secretary1"],
        problem="办事窗口午休不接待群众",
        source="self_check",
        category="conduct",
    )


READ_VIEWS = {
    "rectification_items": lambda d, i: reverse("ledgers:rectification_items", args=[d.school1.pk]),
    "rectification_item": lambda d, i: reverse("ledgers:rectification_item", args=[i.pk]),
    "integrity_records": lambda d, i: reverse("ledgers:integrity_records", args=[d.school1.pk]),
    "survey_results": lambda d, i: reverse("ledgers:survey_results", args=[d.school1.pk]),
    "survey_qr": lambda d, i: reverse("ledgers:survey_qr", args=[d.school1.pk]),
}
KEEP_VIEWS = {
    "rectification_item_edit": lambda d, i: reverse("ledgers:rectification_item_edit", args=[i.pk]),
    "integrity_record_create": lambda d, i: reverse(
        "ledgers:integrity_record_create", args=[d.school1.pk]
    ),
}
ADD_VIEW = lambda d, i: reverse("ledgers:rectification_item_create", args=[d.school1.pk])  # noqa: E731
ALL_VIEWS = {**READ_VIEWS, **KEEP_VIEWS, "rectification_item_create": ADD_VIEW}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", READ_VIEWS)
def test_reading_the_ledgers(live_district, item, login, persona, view):
    response = login(live_district.users[persona]).get(READ_VIEWS[view](live_district, item))
    assert response.status_code == _expected(persona, READERS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", KEEP_VIEWS)
def test_opening_the_keepers_forms(live_district, item, login, persona, view):
    response = login(live_district.users[persona]).get(KEEP_VIEWS[view](live_district, item))
    assert response.status_code == _expected(persona, KEEPERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_opening_the_form_to_file_a_problem(live_district, item, login, persona):
    response = login(live_district.users[persona]).get(ADD_VIEW(live_district, item))
    assert response.status_code == _expected(persona, ADDERS)


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(live_district, item, client, view):
    url = ALL_VIEWS[view](live_district, item)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_filing_a_problem(live_district, login, persona):
    d = live_district
    response = login(d.users[persona]).post(
        ADD_VIEW(d, None),
        {
            "problem": "学校收费公示不及时",
            "source": "self_check",
            "category": "livelihood",
            "status": "open",
        },
    )
    filed = RectificationItem.objects.filter(problem="学校收费公示不及时")
    if persona in ADDERS:
        assert response.status_code == 302
        assert filed.count() == 1
    else:
        assert response.status_code == _expected(persona, ADDERS)
        assert not filed.exists()


def test_what_the_supervision_group_files_comes_from_supervision(live_district, login):
    d = live_district
    client = login(d.users["supervisor1"])
    page = client.get(ADD_VIEW(d, None)).content.decode()
    assert 'name="source"' not in page
    assert 'name="status"' not in page
    client.post(
        ADD_VIEW(d, None),
        # A posted source or status is not the supervisor's to choose.
        {
            "problem": "学习笔记抄写应付",
            "source": "self_check",
            "category": "conduct",
            "status": "rectified",
        },
    )
    item = RectificationItem.objects.get(problem="学习笔记抄写应付")
    assert item.source == RectificationSource.SUPERVISION
    assert item.status == "open"
    assert item.created_by == d.users["supervisor1"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_an_item(live_district, item, login, persona):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {"problem": item.problem, "category": "conduct", "status": "in_progress"},
    )
    item.refresh_from_db()
    if persona in KEEPERS:
        assert response.status_code == 302
        assert item.status == "in_progress"
    else:
        assert response.status_code == _expected(persona, KEEPERS)
        assert item.status == "open"


@pytest.mark.parametrize("persona", PERSONAS)
def test_recording_integrity(live_district, login, persona):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:integrity_record_create", args=[d.school1.pk]),
        {"recorded_on": "2005-02-10", "refused_banquets": "3"},
    )
    if persona in KEEPERS:
        assert response.status_code == 302
        assert IntegrityRecord.objects.filter(unit=d.school1).count() == 1
    else:
        assert response.status_code == _expected(persona, KEEPERS)
        assert not IntegrityRecord.objects.exists()


def test_anonymous_posts_change_nothing(live_district, item, client):
    d = live_district
    client.post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {"problem": "改掉", "category": "conduct", "status": "rectified"},
    )
    client.post(
        ADD_VIEW(d, item), {"problem": "匿名", "source": "self_check", "category": "conduct"}
    )
    item.refresh_from_db()
    assert item.status == "open"
    assert RectificationItem.objects.count() == 1

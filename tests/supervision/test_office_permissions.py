"""Every persona of the demo district on the transition conditions and the notifications.

Whoever follows units (office, supervisors, leaders, secretaries) reads the conditions;
only the office changes them. Everyone logged in has their own notifications. Anonymous
visitors are sent to the login page.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from common.models import Notification
from supervision.models import StageRequirement
from supervision.selectors.transitions import requirement_for
from tests.conftest import PERSONAS

# Everyone with a unit in sight (scope.sees_units).
READERS = {
    "office",
    "supervisor1",
    "supervisor2",
    "supervisor3",
    "leader1",
    "secretary1",
    "secretary2",
}
NEW_CONDITIONS = {
    "questions": "认识是否提高\n整改是否落实",
    "min_completion_rate": "90",
    "max_makeups_owed": "1",
    "require_readings_covered": "on",
    "min_writing_rate": "80",
}

CASES = {
    # name: (url builder, POST data)
    "requirements": (lambda d: reverse("supervision:requirements"), {}),
    "requirement_edit": (
        lambda d: reverse("supervision:requirement_edit", args=[requirement_for(d.stages[0]).pk]),
        NEW_CONDITIONS,
    ),
    "notifications": (lambda d: reverse("supervision:notifications"), {}),
}


def _expected(case, method, persona):
    if persona == "anonymous":
        return 302
    if case == "requirements":
        if method == "post":
            return 405
        return 200 if persona in READERS else 403
    if case == "requirement_edit":
        if persona != "office":
            return 403
        return 200 if method == "get" else 302
    return 200 if method == "get" else 302


def _snapshot():
    return (
        list(StageRequirement.objects.values_list("questions", "min_completion_rate")),
        list(Notification.objects.order_by("pk").values_list("user__username", "read_at")),
    )


def test_the_readers_are_those_who_follow_units():
    assert set(PERSONAS) - READERS == {"member1", "outsider"}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_each_persona_on_each_office_view(live_district, login, client, persona, case, method):
    d = live_district
    url_for, data = CASES[case]
    url = url_for(d)
    for stage in d.stages:
        requirement_for(stage)
    for name in PERSONAS:
        Notification.objects.create(user=d.users[name], text=f"给{name}的通知", link="/")
    if persona != "anonymous":
        client = login(d.users[persona])
    before = _snapshot()

    response = client.post(url, data) if method == "post" else client.get(url)

    assert response.status_code == _expected(case, method, persona)
    if persona == "anonymous":
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
        assert _snapshot() == before
    elif response.status_code == 302 and case == "requirement_edit":
        assert response.url.startswith(reverse("supervision:requirements"))
        requirement = StageRequirement.objects.get(stage=d.stages[0])
        assert requirement.question_list() == ["认识是否提高", "整改是否落实"]
    elif response.status_code == 302 and case == "notifications":
        # Marked read: the persona's own notice, and nobody else's.
        unread = set(
            Notification.objects.filter(read_at__isnull=True).values_list(
                "user__username", flat=True
            )
        )
        assert unread == set(PERSONAS) - {persona}
    else:
        assert _snapshot() == before
    if response.status_code == 200 and case == "notifications":
        content = response.content.decode()
        assert f"给{persona}的通知" in content
        assert not [other for other in PERSONAS if other != persona and f"给{other}的" in content]

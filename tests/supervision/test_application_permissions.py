"""Every persona of the demo district on every 转段 view, with school1's application in the
state the view acts on.

Those who see school1 (the office, its group, its leader and secretary) read its pages;
the branch (secretary1, leader1) fills in and submits; supervisor1's group evaluates and
gives its opinion; the office decides. Seen but not allowed is 403, not seen is 404, and
anonymous users are sent to log in. Every action is POST-only.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import AnalysisMeeting, ApplicationEvent, TransitionApplication
from tests.conftest import PERSONAS
from tests.supervision.test_application_pages import (
    answered,
    evaluated,
    started,
    submitted,
    with_meeting,
    with_opinion,
)

SEES_SCHOOL1 = {"office", "supervisor1", "leader1", "secretary1"}
APPLIES = {"secretary1", "leader1"}
SUPERVISES = {"supervisor1"}
DECIDES = {"office"}
HAS_A_ROLE = SEES_SCHOOL1 | {"supervisor2", "supervisor3", "secretary2"}


def _expect(persona, allowed, ok):
    if persona in allowed:
        return ok
    return 403 if persona in SEES_SCHOOL1 else 404


def _today():
    return timezone.localdate().isoformat()


# name: (build the state, url name, POST data, who may, what changed)
ACTIONS = {
    "start": (
        lambda d: None,
        "unit_transition",
        {},
        APPLIES,
        lambda d: TransitionApplication.objects.filter(unit=d.school1).exists(),
    ),
    "answers": (
        started,
        "application_answers",
        {"answer_1": "认识提高"},
        APPLIES,
        lambda d: ApplicationEvent.objects.filter(action="answers").exists(),
    ),
    "meeting": (
        answered,
        "application_meeting",
        {"held_on": _today, "attendees": "全体党员", "minutes": "可以转段"},
        APPLIES,
        lambda d: AnalysisMeeting.objects.exists(),
    ),
    "evaluate": (
        with_meeting,
        "application_evaluate",
        {"evaluation": "扎实"},
        SUPERVISES,
        lambda d: AnalysisMeeting.objects.filter(evaluated_at__isnull=False).exists(),
    ),
    "submit": (
        evaluated,
        "application_submit",
        {},
        APPLIES,
        lambda d: TransitionApplication.objects.filter(state="submitted").exists(),
    ),
    "opinion": (
        submitted,
        "application_opinion",
        {"agrees": "yes", "reasons": "同意", "confirm": "on"},
        SUPERVISES,
        lambda d: TransitionApplication.objects.filter(group_agrees=True).exists(),
    ),
    "approve": (
        with_opinion,
        "application_approve",
        {"transition_date": _today, "reason": "合格", "confirm": "on"},
        DECIDES,
        lambda d: TransitionApplication.objects.filter(state="approved").exists(),
    ),
    "return": (
        with_opinion,
        "application_return",
        {"reason": "不合格", "redo_items": "补学《党章》", "confirm": "on"},
        DECIDES,
        lambda d: TransitionApplication.objects.filter(state="returned").exists(),
    ),
}


def _target(d, application, url_name):
    if url_name == "unit_transition":
        return reverse("supervision:unit_transition", args=[d.school1.pk])
    return reverse(f"supervision:{url_name}", args=[application.pk])


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_who_may_take_each_step(live_district, client, persona, action):
    build, url_name, data, allowed, changed = ACTIONS[action]
    d = live_district
    application = build(d)
    if persona != "anonymous":
        client.force_login(d.users[persona])
    data = {k: (v() if callable(v) else v) for k, v in data.items()}

    response = client.post(_target(d, application, url_name), data)

    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert not changed(d)
        return
    assert response.status_code == _expect(persona, allowed, 302)
    assert changed(d) == (persona in allowed)


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
@pytest.mark.parametrize(
    "build",
    [started, with_meeting, submitted, with_opinion],
    ids=["draft", "meeting recorded", "submitted", "opinion given"],
)
def test_who_reads_the_application_and_the_branch_page(live_district, client, persona, build):
    d = live_district
    application = build(d)
    if persona != "anonymous":
        client.force_login(d.users[persona])

    for url in (
        reverse("supervision:application", args=[application.pk]),
        reverse("supervision:unit_transition", args=[d.school1.pk]),
    ):
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == _expect(persona, SEES_SCHOOL1, 200)


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_who_has_the_list_of_applications(live_district, client, persona):
    if persona != "anonymous":
        client.force_login(live_district.users[persona])

    response = client.get(reverse("supervision:applications"))

    if persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if persona in HAS_A_ROLE else 403)


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "start"])
def test_the_steps_are_post_only(live_district, login, action):
    build, url_name, _data, allowed, _changed = ACTIONS[action]
    application = build(live_district)
    client = login(live_district.users[sorted(allowed)[0]])

    response = client.get(_target(live_district, application, url_name))

    assert response.status_code == 405


# Each persona sees exactly the forms of the steps it may take, in the state they need.
FORMS = ("answers-form", "meeting-form", "evaluation-form", "opinion-form", "approve-form")


@pytest.mark.parametrize(
    "build, persona, shown",
    [
        (started, "secretary1", {"answers-form", "meeting-form"}),
        (started, "leader1", {"answers-form", "meeting-form"}),
        (started, "supervisor1", set()),
        (started, "office", set()),
        (with_meeting, "supervisor1", {"evaluation-form"}),
        (with_meeting, "secretary1", {"answers-form", "meeting-form"}),
        (evaluated, "secretary1", {"answers-form"}),
        (evaluated, "supervisor1", set()),
        (submitted, "secretary1", set()),
        (submitted, "supervisor1", {"opinion-form"}),
        (submitted, "office", {"approve-form"}),
        (with_opinion, "supervisor1", set()),
        (with_opinion, "office", {"approve-form"}),
    ],
)
def test_each_persona_sees_only_the_forms_it_may_use(live_district, login, build, persona, shown):
    application = build(live_district)
    client = login(live_district.users[persona])

    page = client.get(reverse("supervision:application", args=[application.pk])).content.decode()

    assert {form for form in FORMS if f'id="{form}"' in page} == shown


def test_the_branch_secretary_cannot_evaluate_its_own_meeting(live_district, login):
    application = with_meeting(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(
        reverse("supervision:application_evaluate", args=[application.pk]), {"evaluation": "好"}
    )

    assert response.status_code == 403
    assert not AnalysisMeeting.objects.filter(evaluated_at__isnull=False).exists()


def test_another_group_does_not_even_see_the_application(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["supervisor2"])

    response = client.post(
        reverse("supervision:application_opinion", args=[application.pk]),
        {"agrees": "yes", "reasons": "同意"},
    )

    assert response.status_code == 404


def test_a_supervisor_cannot_decide(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["supervisor1"])

    response = client.post(
        reverse("supervision:application_approve", args=[application.pk]),
        {"transition_date": _today()},
    )

    assert response.status_code == 403
    assert TransitionApplication.objects.get(pk=application.pk).state == "submitted"

"""Every persona of the demo district on every view of the plan.

Anyone with a role reads the plan; only the office changes it. Anonymous visitors are
sent to the login page.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from campaign.models import Batch, Stage, Step, StepExtension
from tests.conftest import PERSONAS

READERS = set(PERSONAS) - {"outsider"}


def _step(d):
    return Step.objects.get(name="学习培训")


CASES = {
    # name: (url builder, POST data builder or None, needs no current campaign)
    "plan": (lambda d: reverse("campaign:plan"), None, False),
    "edit campaign": (
        lambda d: reverse("campaign:batch_edit"),
        lambda d: {
            "name": "第一批(改)",
            "targets": "机关",
            "starts_on": "2005-01-20",
            "ends_on": "2005-06-30",
        },
        False,
    ),
    "new campaign": (
        lambda d: reverse("campaign:batch_create"),
        lambda d: {
            "name": "第二批",
            "targets": "",
            "starts_on": "2005-07-01",
            "ends_on": "2005-12-31",
        },
        True,
    ),
    "edit stage": (
        lambda d: reverse("campaign:stage_edit", args=[d.stages[1].pk]),
        lambda d: {
            "name": "分析评议(改)",
            "planned_start": "2005-03-28",
            "planned_end": "2005-05-10",
        },
        False,
    ),
    "edit step": (
        lambda d: reverse("campaign:step_edit", args=[_step(d).pk]),
        lambda d: {
            "name": "学习培训(改)",
            "planned_start": "2005-02-01",
            "planned_end": "2005-03-12",
        },
        False,
    ),
    "add step": (
        lambda d: reverse("campaign:step_create", args=[d.stages[1].pk]),
        lambda d: {"name": "征求意见", "planned_start": "2005-03-26", "planned_end": "2005-04-10"},
        False,
    ),
    "extend step": (
        lambda d: reverse("campaign:step_extend", args=[_step(d).pk]),
        lambda d: {"new_end": "2005-03-20", "reason": "两会"},
        False,
    ),
}


def _plan_snapshot():
    return (
        list(Batch.objects.values_list("name", "is_current", "starts_on", "ends_on")),
        list(Stage.objects.values_list("name", "planned_start", "planned_end")),
        list(Step.objects.values_list("name", "planned_start", "planned_end")),
        StepExtension.objects.count(),
    )


def _expected(case, method, persona):
    if persona == "anonymous":
        return 302
    if case == "plan":
        if method == "post":
            return 405
        return 200 if persona in READERS else 403
    if persona != "office":
        return 403
    return 200 if method == "get" else 302


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_each_persona_on_each_plan_view(district, login, client, persona, case, method):
    url_for, data_for, needs_no_batch = CASES[case]
    if needs_no_batch:
        Batch.objects.update(is_current=False)
    url = url_for(district)
    data = data_for(district) if data_for else {}
    if persona != "anonymous":
        client = login(district.users[persona])
    before = _plan_snapshot()

    response = getattr(client, method)(url, data) if method == "post" else client.get(url)

    assert response.status_code == _expected(case, method, persona)
    if persona == "anonymous":
        assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    if response.status_code == 302 and persona == "office":
        # A POST that was accepted: it went back to the plan and changed it.
        assert response.url == reverse("campaign:plan")
        assert _plan_snapshot() != before
    else:
        assert _plan_snapshot() == before

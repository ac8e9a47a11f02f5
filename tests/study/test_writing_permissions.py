"""Every persona of the demo district on every view of notes, essays, reviews and spot-checks.

Seen but not allowed is 403; outside the persona's scope is 404 so ids can't be probed;
anonymous visitors are sent to the login page.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from study.models import Review, SpotCheck, Writing, WritingKind
from study.services.writings import spot_check_draw, writing_submit
from tests.conftest import PERSONAS
from units.models import Member

SEES_SCHOOL1 = {"office", "supervisor1", "leader1", "secretary1"}
MANAGES_SCHOOL1 = {"leader1", "secretary1"}


def _expect(persona, *, allowed, sees, ok=200):
    if persona in allowed:
        return ok
    return 403 if persona in sees else 404


def _own_note(d):
    return Writing.objects.get(member=d.member1)


def _others_note(d):
    return Writing.objects.get(member__name="李秀英")


def _check(d):
    return SpotCheck.objects.get()


CASES = {
    # name: (method, url builder, POST data or None, expected status for a persona)
    "my writings": (
        "get",
        lambda d: reverse("study:my_writings"),
        None,
        lambda p: 200 if p == "member1" else 404,
    ),
    "submit a writing": (
        "post",
        lambda d: reverse("study:my_writings"),
        {"kind": WritingKind.NOTE, "title": "笔记", "text": "正文"},
        lambda p: 302 if p == "member1" else 404,
    ),
    "paper copy form": (
        "get",
        lambda d: reverse("study:writing_paper", args=[d.member1.pk]),
        None,
        # member1 sees their own record but not the branch ledger it would be logged in.
        lambda p: _expect(p, allowed=MANAGES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "log a paper copy": (
        "post",
        lambda d: reverse("study:writing_paper", args=[d.member1.pk]),
        {"kind": WritingKind.ESSAY, "title": "体会", "characters": "3100"},
        lambda p: _expect(p, allowed=MANAGES_SCHOOL1, sees=SEES_SCHOOL1, ok=302),
    ),
    "own writing": (
        "get",
        lambda d: reverse("study:writing", args=[_own_note(d).pk]),
        None,
        lambda p: _expect(p, allowed=SEES_SCHOOL1 | {"member1"}, sees=set()),
    ),
    "another member's writing": (
        "get",
        lambda d: reverse("study:writing", args=[_others_note(d).pk]),
        None,
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=set()),
    ),
    "review a writing": (
        "post",
        lambda d: reverse("study:writing", args=[_own_note(d).pk]),
        "review",
        lambda p: _expect(p, allowed=MANAGES_SCHOOL1, sees=SEES_SCHOOL1 | {"member1"}, ok=302),
    ),
    "review queue": (
        "get",
        lambda d: reverse("study:review_queue", args=[d.school1.pk]),
        None,
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "spot-check list": (
        "get",
        lambda d: reverse("study:spot_checks", args=[d.school1.pk]),
        None,
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "draw a sample": (
        "post",
        lambda d: reverse("study:spot_checks", args=[d.school1.pk]),
        {"size": "3"},
        lambda p: _expect(p, allowed={"supervisor1"}, sees=SEES_SCHOOL1, ok=302),
    ),
    "spot-check": (
        "get",
        lambda d: reverse("study:spot_check", args=[_check(d).pk]),
        None,
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "record a result": (
        "post",
        lambda d: reverse("study:spot_check", args=[_check(d).pk]),
        {"result": "批阅及时"},
        lambda p: _expect(p, allowed={"supervisor1"}, sees=SEES_SCHOOL1, ok=302),
    ),
}


@pytest.fixture
def ledger(district):
    writing_submit(
        member=district.member1,
        kind=WritingKind.NOTE,
        title="学习笔记",
        text="学习党章",
        user=district.users["member1"],
    )
    writing_submit(
        member=Member.objects.get(name="李秀英"),
        kind=WritingKind.NOTE,
        title="老党员笔记",
        text="不忘初心",
        user=district.users["secretary1"],
    )
    spot_check_draw(unit=district.school1, user=district.users["supervisor1"], size=2)
    return district


def _data(data):
    if data == "review":
        return {"grade": "good", "comment": "较好", "reviewed_on": timezone.localdate().isoformat()}
    return data or {}


def _snapshot():
    return (
        Writing.objects.count(),
        Review.objects.count(),
        SpotCheck.objects.count(),
        list(SpotCheck.objects.values_list("result", flat=True)),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_persona_on_view(ledger, login, persona, case):
    method, url, data, expected = CASES[case]
    client = login(ledger.users[persona])
    before = _snapshot()
    response = getattr(client, method)(url(ledger), _data(data))
    assert response.status_code == expected(persona), response.content.decode()[:300]
    if method == "post" and response.status_code != 302:
        assert _snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_anonymous_is_sent_to_login(ledger, client, case):
    method, url, data, _expected = CASES[case]
    before = _snapshot()
    response = getattr(client, method)(url(ledger), _data(data))
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    assert _snapshot() == before

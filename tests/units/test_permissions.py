"""Every persona of the demo district on every view of the unit tree.

"Sees" means the object is in the persona's scope; an object outside it is a 404 so
that ids can't be probed, and an action the persona may not take on what they see is 403.
"""

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from units.models import Member

OFFICE = {"office"}
SEES_SCHOOL1 = {"office", "supervisor1", "leader1", "secretary1"}
SEES_MEMBER1 = SEES_SCHOOL1 | {"member1"}
# The roster of a branch is kept by the office, its secretary and the leader above it.
KEEPS_SCHOOL1 = {"office", "leader1", "secretary1"}
SEES_UNITS = {
    "office",
    "supervisor1",
    "supervisor2",
    "supervisor3",
    "leader1",
    "secretary1",
    "secretary2",
}


def _expect(persona, *, allowed, sees, ok=200):
    if persona in allowed:
        return ok
    return 403 if persona in sees else 404


CASES = {
    # name: (method, url builder, expected status for a persona)
    "home": ("get", lambda d: reverse("home"), lambda p: 200),
    "tree": (
        "get",
        lambda d: reverse("units:tree"),
        # Each persona here sees one subtree, so the tree opens at its top.
        lambda p: 302 if p in SEES_UNITS else 403,
    ),
    "unit detail": (
        "get",
        lambda d: reverse("units:detail", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "member list": (
        "get",
        lambda d: reverse("units:members", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "own member record": (
        "get",
        lambda d: reverse("units:member", args=[d.member1.pk]),
        lambda p: _expect(p, allowed=SEES_MEMBER1, sees=SEES_MEMBER1),
    ),
    "another member's record": (
        "get",
        lambda d: reverse("units:member", args=[Member.objects.get(name="李秀英").pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "add member form": (
        "get",
        lambda d: reverse("units:member_create", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=KEEPS_SCHOOL1, sees=SEES_SCHOOL1),
    ),
    "edit member form": (
        "get",
        lambda d: reverse("units:member_edit", args=[d.member1.pk]),
        lambda p: _expect(p, allowed=KEEPS_SCHOOL1, sees=SEES_MEMBER1),
    ),
    "edit member post": (
        "post",
        lambda d: reverse("units:member_edit", args=[d.member1.pk]),
        lambda p: _expect(p, allowed=KEEPS_SCHOOL1, sees=SEES_MEMBER1, ok=302),
    ),
    "new unit form": (
        "get",
        lambda d: reverse("units:create", args=[d.education.pk]),
        lambda p: _expect(p, allowed=OFFICE, sees={"office", "supervisor1", "leader1"}),
    ),
    "edit unit form": (
        "get",
        lambda d: reverse("units:edit", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=OFFICE, sees=SEES_SCHOOL1),
    ),
    "delete unit": (
        "post",
        lambda d: reverse("units:delete", args=[d.school2.pk]),
        lambda p: _expect(p, allowed=OFFICE, sees={"office", "supervisor1", "leader1"}, ok=302),
    ),
}

MEMBER1_POST = {
    "name": "张建国",
    "gender": "M",
    "position": "校长",
    "category": "in_service",
    "is_leading_cadre": "on",
    "can_write": "on",
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_persona_on_view(district, client, persona, case):
    method, url, expected = CASES[case]
    client.force_login(district.users[persona])
    data = {}
    if case == "edit member post":
        data = {**MEMBER1_POST, "unit": district.school1.pk}
    response = getattr(client, method)(url(district), data)
    assert response.status_code == expected(persona), response.content[:300]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_anonymous_is_sent_to_login(district, client, case):
    method, url, _ = CASES[case]
    response = getattr(client, method)(url(district))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_outsider_home_says_no_role_yet(district, login):
    response = login(district.users["outsider"]).get(reverse("home"))
    assert "还没有分配角色" in response.content.decode()

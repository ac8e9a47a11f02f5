"""Every persona of the demo district on every progress page.

Progress is read by whoever sees the unit or the member (view_ledger / view_member):
an object outside the persona's scope is a 404. A supervision group's page is for its
own members and the office; to everyone else the group does not exist (404), as on every
other page of a group (units.shortcuts.get_group).
"""

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from units.models import Member

SEES_SCHOOL1 = {"office", "supervisor1", "leader1", "secretary1"}
SEES_EDUCATION = {"office", "supervisor1", "leader1"}
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


def _li(district):
    return Member.objects.get(name="李秀英").pk


CASES = {
    "my progress": (
        lambda d: reverse("study:my_progress"),
        # Only member1 has a member record in the test district.
        lambda p: 200 if p == "member1" else 404,
    ),
    "own member page": (
        lambda d: reverse("study:member_progress", args=[d.member1.pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1 | {"member1"}, sees=set()),
    ),
    "another member's page": (
        lambda d: reverse("study:member_progress", args=[_li(d)]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=set()),
    ),
    "branch progress": (
        lambda d: reverse("study:unit_progress", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=set()),
    ),
    "committee progress": (
        lambda d: reverse("study:unit_progress", args=[d.education.pk]),
        lambda p: _expect(p, allowed=SEES_EDUCATION, sees=set()),
    ),
    "district progress": (
        lambda d: reverse("study:unit_progress", args=[d.root.pk]),
        lambda p: _expect(p, allowed={"office"}, sees=set()),
    ),
    "supervision group": (
        lambda d: reverse("study:group_progress", args=[d.groups[0].pk]),
        lambda p: _expect(p, allowed={"office", "supervisor1"}, sees=set()),
    ),
    "ledger export": (
        lambda d: reverse("study:ledger_export", args=[d.school1.pk]),
        lambda p: _expect(p, allowed=SEES_SCHOOL1, sees=set()),
    ),
    "ledger export of a committee": (
        lambda d: reverse("study:ledger_export", args=[d.education.pk]),
        # No ledger above the branches: those who see it are sent back with a message.
        lambda p: _expect(p, allowed=SEES_EDUCATION, sees=set(), ok=302),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES)
def test_persona_on_progress_page(live_district, client, persona, case):
    url, expected = CASES[case]
    client.force_login(live_district.users[persona])
    response = client.get(url(live_district))
    assert response.status_code == expected(persona)


@pytest.mark.parametrize("case", CASES)
def test_anonymous_is_sent_to_log_in(live_district, client, case):
    url, _expected = CASES[case]
    response = client.get(url(live_district))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["member_progress", "unit_progress", "group_progress", "ledger_export"]
)
def test_unknown_ids_are_404(live_district, login, name):
    response = login(live_district.users["office"]).get(reverse(f"study:{name}", args=[99999]))
    assert response.status_code == 404


def test_committee_ledger_export_explains_where_to_go(live_district, login):
    response = login(live_district.users["office"]).get(
        reverse("study:ledger_export", args=[live_district.education.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "study:unit_progress", args=[live_district.education.pk]
    )
    assert "学习台账按党支部建立" in response.content.decode()


def test_supervisor_sees_members_of_the_groups_units_only(live_district, login):
    client = login(live_district.users["supervisor2"])
    ward_member = Member.objects.get(name="刘洋")
    assert client.get(reverse("study:member_progress", args=[ward_member.pk])).status_code == 200
    assert (
        client.get(reverse("study:member_progress", args=[_li(live_district)])).status_code == 404
    )

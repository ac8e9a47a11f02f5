"""Who sees which dashboard: the office all of them, a supervision group its own and its
units', a leader their subtree, a secretary their branch; to anyone else a unit or group
out of sight does not exist (404), and someone with no unit at all is told no (403)."""

import pytest
from django.urls import reverse

from units.permissions import scope_for

ROOT = "reports:dashboard"
OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
EXPORTS = ["units", "lagging", "headline"]


def _unit_urls(d, unit):
    return [reverse("reports:dashboard_unit", args=[unit.pk])] + [
        reverse("reports:dashboard_export", args=[unit.pk, table]) for table in EXPORTS
    ]


def _group_urls(group):
    return [reverse("reports:dashboard_group", args=[group.pk])] + [
        reverse("reports:dashboard_group_export", args=[group.pk, table]) for table in EXPORTS
    ]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("office", OK),
        ("leader1", OK),
        ("secretary1", OK),
        ("member1", FORBIDDEN),
        ("outsider", FORBIDDEN),
    ],
)
def test_the_dashboard_opens_on_the_users_top_unit(live_district, login, persona, status):
    response = login(live_district.users[persona]).get(reverse(ROOT))

    assert response.status_code == status
    if status == OK:
        expected = {
            "office": live_district.root,
            "leader1": live_district.education,
            "secretary1": live_district.school1,
        }[persona]
        assert response.context["unit"] == expected


def test_a_supervisor_is_sent_to_the_groups_dashboard(live_district, login):
    response = login(live_district.users["supervisor1"]).get(reverse(ROOT))

    assert response.status_code == 302
    assert response.url == reverse("reports:dashboard_group", args=[live_district.groups[0].pk])


@pytest.mark.parametrize(
    "persona, unit, status",
    [
        ("office", "root", OK),
        ("office", "education", OK),
        ("office", "ward", OK),
        ("supervisor1", "root", NOT_FOUND),
        ("supervisor1", "education", OK),
        ("supervisor1", "school2", OK),
        ("supervisor1", "ward", NOT_FOUND),
        ("leader1", "root", NOT_FOUND),
        ("leader1", "education", OK),
        ("leader1", "school1", OK),
        ("leader1", "health", NOT_FOUND),
        ("secretary1", "school1", OK),
        ("secretary1", "school2", NOT_FOUND),
        ("secretary1", "education", NOT_FOUND),
        ("secretary2", "ward", OK),
        ("member1", "school1", NOT_FOUND),
        ("outsider", "school1", NOT_FOUND),
        ("outsider", "root", NOT_FOUND),
    ],
)
def test_a_unit_dashboard_and_its_exports_follow_the_unit_scope(
    live_district, login, persona, unit, status
):
    client = login(live_district.users[persona])

    for url in _unit_urls(live_district, getattr(live_district, unit)):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    "persona, group, status",
    [
        ("office", 0, OK),
        ("office", 1, OK),
        ("supervisor1", 0, OK),
        ("supervisor1", 1, NOT_FOUND),
        ("supervisor2", 0, NOT_FOUND),
        ("leader1", 0, NOT_FOUND),
        ("secretary1", 0, NOT_FOUND),
        ("member1", 0, NOT_FOUND),
        ("outsider", 0, NOT_FOUND),
    ],
)
def test_a_group_dashboard_is_its_members_and_the_offices(
    live_district, login, persona, group, status
):
    client = login(live_district.users[persona])

    for url in _group_urls(live_district.groups[group]):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_log_in(live_district, client):
    urls = [reverse(ROOT)]
    urls += _unit_urls(live_district, live_district.root)
    urls += _group_urls(live_district.groups[0])

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_an_unknown_unit_group_or_table_is_not_found(live_district, login):
    client = login(live_district.users["office"])

    assert client.get(reverse("reports:dashboard_unit", args=[99999])).status_code == 404
    assert client.get(reverse("reports:dashboard_group", args=[99999])).status_code == 404
    root = live_district.root.pk
    assert client.get(reverse("reports:dashboard_export", args=[root, "secrets"])).status_code == (
        404
    )


def test_the_dashboards_only_answer_reads(live_district, login):
    client = login(live_district.users["office"])

    assert client.post(reverse(ROOT)).status_code == 405
    url = reverse("reports:dashboard_export", args=[live_district.root.pk, "units"])
    assert client.post(url).status_code == 405


def test_a_unit_page_links_only_to_what_the_user_may_open(live_district, login):
    """A supervisor on a unit of the group: its lagging branches and children link to
    dashboards the supervisor may open."""
    user = live_district.users["supervisor1"]
    client = login(user)
    response = client.get(reverse("reports:dashboard_unit", args=[live_district.education.pk]))
    scope = scope_for(user)
    for pk, _name, _figures in response.context["lagging"]:
        url = reverse("reports:dashboard_unit", args=[pk])
        assert client.get(url).status_code == OK
    for row in response.context["rows"]:
        assert scope.contains_unit(row.unit)

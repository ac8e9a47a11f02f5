"""Who may read and keep the lecture ledger of 区一中党支部, and read the statistics."""

import pytest
from django.urls import reverse

from ledgers.models import LeaderLecture, LectureKind

# view_ledger: whoever sees the unit; keep_ledger: its secretary and the leader above it.
READ = {
    "office": 200,
    "supervisor1": 200,
    "supervisor2": 404,
    "supervisor3": 404,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 404,
    "member1": 404,
    "outsider": 404,
}
WRITE = {**READ, "office": 403, "supervisor1": 403, "leader1": 302, "secretary1": 302}


def _data(d):
    return {
        "lecturer": d.member1.pk,
        "kind": LectureKind.PARTY_LECTURE,
        "unit": d.school1.pk,
        "given_on": d.batch.starts_on.isoformat(),
        "topic": "党课",
        "audience": "20",
    }


def test_anonymous_is_sent_to_log_in(live_district, client):
    d = live_district
    for url in (
        reverse("ledgers:leaders_lectures", args=[d.school1.pk]),
        reverse("ledgers:leaders_lecture_stats"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/login/")


@pytest.mark.parametrize(("persona", "status"), READ.items(), ids=READ.keys())
def test_reading_the_ledger(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(reverse("ledgers:leaders_lectures", args=[d.school1.pk]))
    assert response.status_code == status
    if status == 200:
        # Only those who keep the ledger get the form.
        assert ("lecture-form" in response.content.decode()) is (WRITE[persona] == 302)


@pytest.mark.parametrize(("persona", "status"), WRITE.items(), ids=WRITE.keys())
def test_recording_a_lecture(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:leaders_lectures", args=[d.school1.pk]), _data(d)
    )
    assert response.status_code == status
    assert LeaderLecture.objects.exists() is (status == 302)


STATS = {
    "office": 200,
    "supervisor1": 200,
    "supervisor2": 200,
    "supervisor3": 200,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 200,
    "member1": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "status"), STATS.items(), ids=STATS.keys())
def test_statistics_of_what_one_sees(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(reverse("ledgers:leaders_lecture_stats"))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 200), ("supervisor1", 200), ("supervisor2", 404), ("leader1", 404)],
    ids=["office", "own-group", "other-group", "leader"],
)
def test_a_groups_statistics_for_its_members_and_the_office(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(
        reverse("ledgers:leaders_lecture_stats"), {"group": d.groups[0].pk}
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 200), ("supervisor1", 200), ("leader1", 200), ("secretary2", 404)],
)
def test_a_units_statistics_for_those_who_see_it(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(
        reverse("ledgers:leaders_lecture_stats"), {"unit": d.school1.pk}
    )
    assert response.status_code == status


def test_a_nonsense_parameter_is_not_found(live_district, login):
    d = live_district
    client = login(d.users["office"])
    url = reverse("ledgers:leaders_lecture_stats")
    assert client.get(url, {"unit": "abc"}).status_code == 404
    assert client.get(url, {"group": "99999"}).status_code == 404


def test_a_leader_who_also_supervises_records_lectures_only_where_he_keeps_the_ledger(
    live_district, login
):
    """Supervising a unit is reading its ledgers, not keeping them: the form offers, and
    accepts, only the units of the leader's own subtree."""
    d = live_district
    d.groups[2].members.add(d.users["leader1"])  # 第三督导组: 城关镇党委
    client = login(d.users["leader1"])
    url = reverse("ledgers:leaders_lectures", args=[d.school1.pk])
    form = client.get(url).context["form"]
    assert d.street not in form.fields["unit"].queryset
    assert d.school1 in form.fields["unit"].queryset

    response = client.post(url, {**_data(d), "unit": d.street.pk})

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not LeaderLecture.objects.exists()

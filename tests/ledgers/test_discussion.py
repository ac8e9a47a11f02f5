"""The 大讨论: drafts of the specific requirements per group of members, the adopted version
(定稿), and the discussion sessions with opinions gathered from the public."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import DiscussionGroup, DiscussionRequirement, DiscussionSession
from ledgers.services.discussion import (
    discussion_requirement_adopt,
    discussion_requirement_write,
    discussion_session_record,
)
from tests.factories import UnitFactory

TODAY = timezone.localdate
RETIRED = DiscussionGroup.RETIRED


def draft(d, text, unit=None, group=RETIRED):
    return discussion_requirement_write(
        unit=unit or d.school1, group=group, text=text, user=d.users["secretary1"]
    )


def test_each_save_is_a_new_version(live_district):
    d = live_district
    first = draft(d, "发挥余热")
    second = draft(d, "发挥余热,老有所学")
    other_group = draft(d, "爱岗敬业", group=DiscussionGroup.IN_SERVICE)
    assert (first.version, second.version, other_group.version) == (1, 2, 1)
    assert DiscussionRequirement.objects.get(pk=first.pk).text == "发挥余热"


def test_adopting_a_version_unadopts_the_previous(live_district):
    d = live_district
    first, second = draft(d, "第一稿"), draft(d, "第二稿")
    elsewhere = draft(d, "社区", unit=d.school2)
    discussion_requirement_adopt(requirement=first, user=d.users["secretary1"])
    discussion_requirement_adopt(requirement=elsewhere, user=d.users["secretary1"])

    discussion_requirement_adopt(requirement=second, user=d.users["leader1"])

    adopted = DiscussionRequirement.objects.filter(is_adopted=True)
    assert set(adopted) == {second, elsewhere}


def test_the_database_allows_one_adopted_version_per_group(live_district):
    d = live_district
    first, second = draft(d, "第一稿"), draft(d, "第二稿")
    DiscussionRequirement.objects.filter(pk=first.pk).update(is_adopted=True)
    with pytest.raises(IntegrityError):
        DiscussionRequirement.objects.filter(pk=second.pk).update(is_adopted=True)


def test_an_empty_draft_is_refused(live_district):
    with pytest.raises(ValidationError) as error:
        draft(live_district, "   ")
    assert "text" in error.value.message_dict


def test_the_group_page_shows_the_speechs_emphasis_and_starts_from_the_latest_draft(
    live_district, login
):
    d = live_district
    draft(d, "第一稿:发挥余热")
    draft(d, "第二稿:发挥余热、老有所学")
    page = (
        login(d.users["secretary1"])
        .get(reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED]))
        .content.decode()
    )
    assert "对离退休党员,要突出发挥余热、老有所学、老有所为等方面的要求" in page
    # The textarea holds the latest draft, to be edited into the next one.
    assert "第二稿:发挥余热、老有所学</textarea>" in page


def test_writing_and_adopting_on_the_page(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED])

    response = client.post(url, {"text": "发挥余热、老有所学、老有所为"}, follow=True)
    assert "已保存为新的一稿" in response.content.decode()
    requirement = DiscussionRequirement.objects.get()

    response = client.post(reverse("ledgers:discussion_adopt", args=[requirement.pk]), follow=True)
    assert "已将第1稿定为定稿" in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.is_adopted

    overview = client.get(reverse("ledgers:discussion", args=[d.school1.pk])).content.decode()
    assert "已定稿(第1稿)" in overview


def test_an_empty_draft_on_the_page_is_explained(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED]), {"text": ""}
    )
    assert "请填写具体要求" in response.content.decode()


def test_an_unknown_group_is_not_found(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).get(
        reverse("ledgers:discussion_group", args=[d.school1.pk, "students"])
    )
    assert response.status_code == 404


def test_a_session_is_recorded_with_the_publics_opinions(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    response = client.post(
        reverse("ledgers:discussion_session_new", args=[d.school1.pk]),
        {
            "held_on": TODAY().isoformat(),
            "participants": "全体党员23人,家长代表5人",
            "summary": "逐条讨论了在岗党员的具体要求",
            "public_opinions": "家长希望党员教师带头不搞有偿家教",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已登记讨论情况" in page
    assert "家长希望党员教师带头不搞有偿家教" in page
    assert DiscussionSession.objects.get().recorded_by == d.users["secretary1"]


def test_a_session_in_the_future_is_refused_and_the_text_kept(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:discussion_session_new", args=[d.school1.pk]),
        {
            "held_on": (TODAY() + datetime.timedelta(days=1)).isoformat(),
            "participants": "全体党员",
            "summary": "讨论一般党员的要求",
        },
    )
    page = response.content.decode()
    assert "日期不能晚于今天" in page
    assert "讨论一般党员的要求" in page
    assert not DiscussionSession.objects.exists()


def test_the_service_refuses_a_session_without_a_summary(live_district):
    d = live_district
    with pytest.raises(ValidationError) as error:
        discussion_session_record(
            unit=d.school1,
            held_on=TODAY(),
            participants="全体党员",
            summary=" ",
            user=d.users["secretary1"],
        )
    assert "summary" in error.value.message_dict


def test_the_overview_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:discussion", args=[d.school1.pk])
    draft(d, "一稿")
    discussion_session_record(
        unit=d.school1,
        held_on=TODAY(),
        participants="党员",
        summary="讨论",
        user=d.users["secretary1"],
    )
    before = count_queries(client, url)
    for group in DiscussionGroup.values:
        adopted = draft(d, "稿", group=group)
        draft(d, "再稿", group=group)
        discussion_requirement_adopt(requirement=adopted, user=d.users["secretary1"])
        discussion_session_record(
            unit=d.school1,
            held_on=TODAY(),
            participants="党员",
            summary="讨论",
            user=d.users["secretary1"],
        )
    assert count_queries(client, url) == before == 7


def test_the_group_page_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED])
    draft(d, "一稿")
    before = count_queries(client, url)
    for n in range(5):
        draft(d, f"第{n}稿")
    assert count_queries(client, url) == before == 5


# Permissions -----------------------------------------------------------------------------------

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


def test_anonymous_is_sent_to_log_in(live_district, client):
    d = live_district
    requirement = draft(d, "一稿")
    for url in (
        reverse("ledgers:discussion", args=[d.school1.pk]),
        reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED]),
        reverse("ledgers:discussion_session_new", args=[d.school1.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")
    response = client.post(reverse("ledgers:discussion_adopt", args=[requirement.pk]))
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(("persona", "status"), READ.items(), ids=READ.keys())
def test_reading(live_district, login, persona, status):
    d = live_district
    client = login(d.users[persona])
    assert client.get(reverse("ledgers:discussion", args=[d.school1.pk])).status_code == status
    response = client.get(reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED]))
    assert response.status_code == status
    if status == 200:
        assert ("requirement-form" in response.content.decode()) is (WRITE[persona] == 302)


@pytest.mark.parametrize(("persona", "status"), WRITE.items(), ids=WRITE.keys())
def test_writing_a_draft(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:discussion_group", args=[d.school1.pk, RETIRED]), {"text": "发挥余热"}
    )
    assert response.status_code == status
    assert DiscussionRequirement.objects.exists() is (status == 302)


@pytest.mark.parametrize(("persona", "status"), WRITE.items(), ids=WRITE.keys())
def test_adopting(live_district, login, persona, status):
    d = live_district
    requirement = draft(d, "一稿")
    response = login(d.users[persona]).post(
        reverse("ledgers:discussion_adopt", args=[requirement.pk])
    )
    assert response.status_code == status
    requirement.refresh_from_db()
    assert requirement.is_adopted is (status == 302)


def test_adopting_is_post_only(live_district, login):
    requirement = draft(live_district, "一稿")
    response = login(live_district.users["secretary1"]).get(
        reverse("ledgers:discussion_adopt", args=[requirement.pk])
    )
    assert response.status_code == 405


SESSION = {**WRITE, "leader1": 200, "secretary1": 200}


@pytest.mark.parametrize(("persona", "status"), SESSION.items(), ids=SESSION.keys())
def test_opening_the_session_form(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(
        reverse("ledgers:discussion_session_new", args=[d.school1.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), WRITE.items(), ids=WRITE.keys())
def test_recording_a_session(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:discussion_session_new", args=[d.school1.pk]),
        {"held_on": TODAY().isoformat(), "participants": "全体党员", "summary": "讨论"},
    )
    assert response.status_code == status
    assert DiscussionSession.objects.exists() is (status == 302)


def test_a_new_unit_starts_with_all_nine_groups_undrafted(live_district, login):
    d = live_district
    unit = UnitFactory(name="区三中党支部", parent=d.education)
    response = login(d.users["leader1"]).get(reverse("ledgers:discussion", args=[unit.pk]))
    groups = response.context["groups"]
    assert [g["label"] for g in groups] == [label for _v, label in DiscussionGroup.choices]
    assert all(g["drafts"] == 0 and g["adopted"] is None for g in groups)

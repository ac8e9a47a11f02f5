"""The "加一" topic a 党委 sets is its branches' too, until a branch sets its own.

"各单位、各党组织要结合单位及岗位实际,确定一个结合单位特色的专题": a branch's topic is its
own, else the one of the nearest unit above it that set one; the branch's topic page, its
progress page and its session form all read that one.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from campaign.models import Batch, Topic
from campaign.services.topics import own_topic_set
from study.selectors.topics import own_topic_for, topics_with_coverage
from tests.factories import make_session


def _text(response):
    return " ".join(strip_tags(response.content.decode()).split())


def _own_topic_url(unit):
    return reverse("study:own_topic", args=[unit.pk])


@pytest.fixture
def batch(live_district):
    return Batch.objects.current()


def test_a_unit_follows_the_nearest_topic_set_above_it(live_district, batch):
    d = live_district
    assert own_topic_for(d.ward, batch) is None

    own_topic_set(unit=d.root, name="服务全区发展大局")
    assert own_topic_for(d.ward, batch).unit == d.root

    own_topic_set(unit=d.health, name="救死扶伤,做人民满意的卫生工作者")
    assert own_topic_for(d.ward, batch).name == "救死扶伤,做人民满意的卫生工作者"

    hospital = d.ward.parent
    own_topic_set(unit=hospital, name="创建群众满意医院")
    assert own_topic_for(d.ward, batch).unit == hospital

    own_topic_set(unit=d.ward, name="优质护理,温馨服务")
    assert own_topic_for(d.ward, batch).unit == d.ward
    # The units beside it and above it are not moved by its choice.
    assert own_topic_for(hospital, batch).name == "创建群众满意医院"
    assert own_topic_for(d.school1, batch).unit == d.root


def test_without_a_batch_there_is_no_topic(live_district):
    own_topic_set(unit=live_district.education, name="爱岗敬业,教书育人")
    assert own_topic_for(live_district.school1, None) is None


def test_the_branch_page_shows_the_committees_topic_and_who_set_it(live_district, login):
    d = live_district
    own_topic_set(unit=d.education, name="爱岗敬业,教书育人")

    for persona in ("secretary1", "supervisor1", "leader1"):
        page = _text(login(d.users[persona]).get(_own_topic_url(d.school1)))
        assert "本单位沿用区教育党委确定的“加一”专题:“爱岗敬业,教书育人”" in page, persona
        assert "尚未确定" not in page, persona


def test_a_secretary_following_the_committee_may_set_the_branchs_own(live_district, login):
    d = live_district
    own_topic_set(unit=d.education, name="爱岗敬业,教书育人")
    client = login(d.users["secretary1"])

    page = client.get(_own_topic_url(d.school1))
    html = page.content.decode()
    assert "另定本单位的专题" in html
    assert 'value="爱岗敬业,教书育人"' not in html

    client.post(_own_topic_url(d.school1), {"name": "立德树人,办人民满意的学校"})

    page = _text(client.get(_own_topic_url(d.school1)))
    assert "沿用" not in page.split("全区统一的四个专题")[0]
    assert Topic.objects.get(unit=d.education).name == "爱岗敬业,教书育人"
    topics = {t.name for t in topics_with_coverage(d.school1, Batch.objects.current())}
    assert "立德树人,办人民满意的学校" in topics
    assert "爱岗敬业,教书育人" not in topics


def test_the_committees_page_says_its_branches_follow_it(live_district, login):
    page = _text(login(live_district.users["leader1"]).get(_own_topic_url(live_district.education)))
    assert "下级党组织没有另定专题的,沿用本单位的专题" in page


def test_the_topics_list_shows_what_a_branch_follows(live_district, login):
    own_topic_set(unit=live_district.education, name="爱岗敬业,教书育人")

    html = login(live_district.users["secretary1"]).get(reverse("study:topics")).content.decode()

    mine = html[html.index('id="my-topics"') : html.index('id="topics"')]
    assert "爱岗敬业,教书育人" in mine
    assert "沿用区教育党委确定的专题" in mine
    assert "另定专题" in mine


def test_the_branch_progress_counts_the_committees_topic(live_district, login, batch):
    d = live_district
    topic = own_topic_set(unit=d.education, name="爱岗敬业,教书育人")
    client = login(d.users["secretary1"])
    url = reverse("study:unit_progress", args=[d.school1.pk])

    before = client.get(url)
    assert [t.name for t in before.context["topics"] if not t.covered][-1] == topic.name
    assert before.context["has_own_topic"]
    assert "本支部还没有确定“加一”自选专题" not in _text(before)

    make_session(d.school1, d.users["secretary1"], starts_at=timezone.now(), topic=topic)

    after = client.get(url)
    assert topic.name not in [t.name for t in after.context["topics_uncovered"]]
    # Another branch's session on it counts for that branch only.
    other = topics_with_coverage(d.school2, batch).get(pk=topic.pk)
    assert not other.covered


def test_a_branch_under_no_topic_still_lacks_one(live_district, login):
    own_topic_set(unit=live_district.health, name="救死扶伤")
    response = login(live_district.users["secretary1"]).get(
        reverse("study:unit_progress", args=[live_district.school1.pk])
    )
    assert not response.context["has_own_topic"]
    assert "本支部还没有确定“加一”自选专题" in _text(response)


def test_the_session_form_offers_the_committees_topic(live_district, login):
    d = live_district
    own_topic_set(unit=d.education, name="爱岗敬业,教书育人")
    own_topic_set(unit=d.health, name="救死扶伤")

    html = (
        login(d.users["secretary1"])
        .get(reverse("study:session_create", args=[d.school1.pk]))
        .content.decode()
    )

    assert "爱岗敬业,教书育人" in html
    assert "救死扶伤" not in html


@pytest.mark.parametrize("persona", ["secretary2", "supervisor2", "outsider"])
def test_a_branch_following_a_topic_is_hidden_from_those_outside(live_district, login, persona):
    own_topic_set(unit=live_district.education, name="爱岗敬业,教书育人")
    response = login(live_district.users[persona]).get(_own_topic_url(live_district.school1))
    assert response.status_code == 404

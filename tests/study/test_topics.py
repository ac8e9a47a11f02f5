"""The 四加一 topics and the required readings: the office keeps the district's list, each
unit's secretary (or the leader above it) sets the unit's own "加一" topic, and everyone
with a role reads them."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from playwright.sync_api import expect

from campaign.models import Batch, Reading, Topic
from campaign.services.topics import FIXED_TOPICS, REQUIRED_READINGS, own_topic_set
from study.services.absences import self_study_log
from tests.conftest import log_in
from tests.factories import make_session

TOPICS = reverse("study:topics")


def _own_topic_url(unit):
    return reverse("study:own_topic", args=[unit.pk])


def _text(response):
    """The page as a reader sees it: no tags, runs of whitespace as one space."""
    return " ".join(strip_tags(response.content.decode()).split())


def _titles():
    return list(Reading.objects.order_by("number", "pk").values_list("title", flat=True))


def _numbers():
    return list(Reading.objects.order_by("number", "pk").values_list("number", flat=True))


def _reading(number):
    return Reading.objects.get(number=number)


def _topic(number):
    return Topic.objects.get(unit=None, number=number)


def _rename_topic(client, topic, name):
    return client.post(
        TOPICS, {"action": "rename_topic", "pk": topic.pk, f"topic-{topic.pk}-name": name}
    )


def _edit_reading(client, reading, *, title=None, number=None, action="edit_reading"):
    prefix = f"reading-{reading.pk}"
    return client.post(
        TOPICS,
        {
            "action": action,
            "pk": reading.pk,
            f"{prefix}-title": reading.title if title is None else title,
            f"{prefix}-number": reading.number if number is None else number,
        },
    )


def _add_reading(client, title):
    return client.post(TOPICS, {"action": "add_reading", "new-reading-title": title})


def _form_for(response, pk, kind):
    return next(item.form for item in response.context[kind] if item.pk == pk)


@pytest.fixture
def office(live_district, login):
    return login(live_district.users["office"])


# Reading the list


def test_everyone_with_a_role_reads_the_four_topics_and_the_readings_in_order(live_district, login):
    page = _text(login(live_district.users["member1"]).get(TOPICS))

    positions = [page.index(name) for name in FIXED_TOPICS]
    assert positions == sorted(positions)
    positions = [page.index(title) for title in REQUIRED_READINGS]
    assert positions == sorted(positions)


def test_a_member_sees_no_edit_forms(live_district, login):
    page = login(live_district.users["member1"]).get(TOPICS).content.decode()

    assert 'name="action"' not in page
    assert "修改、调整顺序或删除" not in page


def test_the_office_sees_a_form_on_every_row_and_one_to_add(office):
    page = office.get(TOPICS).content.decode()

    assert page.count('value="rename_topic"') == 4
    assert page.count('value="edit_reading"') == len(REQUIRED_READINGS)
    assert page.count('value="remove_reading"') == len(REQUIRED_READINGS)
    assert 'value="add_reading"' in page


# The office edits the four topics


def test_office_renames_a_topic(office):
    topic = _topic(2)

    response = _rename_topic(office, topic, "党员先锋模范作用专题")

    assert response.url == f"{TOPICS}#topic-{topic.pk}"
    topic.refresh_from_db()
    assert topic.name == "党员先锋模范作用专题"
    page = _text(office.get(TOPICS))
    assert "已保存专题“党员先锋模范作用专题”。" in page


def test_a_topic_cannot_be_renamed_to_nothing(office):
    topic = _topic(1)

    response = _rename_topic(office, topic, "  ")

    assert response.status_code == 200
    assert _form_for(response, topic.pk, "topics").errors["name"] == ["请填写专题名称。"]
    topic.refresh_from_db()
    assert topic.name == FIXED_TOPICS[0]


def test_two_topics_cannot_share_a_name_and_the_typed_name_is_kept(office):
    topic = _topic(1)

    response = _rename_topic(office, topic, FIXED_TOPICS[3])

    assert _form_for(response, topic.pk, "topics").errors["name"] == ["已有同名的专题。"]
    assert f'value="{FIXED_TOPICS[3]}"' in response.content.decode()
    topic.refresh_from_db()
    assert topic.name == FIXED_TOPICS[0]


# The office keeps the readings


def test_office_adds_a_reading_at_the_end(office):
    response = _add_reading(office, "  《公务员法》 ")

    reading = Reading.objects.get(title="《公务员法》")
    assert reading.number == len(REQUIRED_READINGS) + 1
    assert response.url == f"{TOPICS}#reading-{reading.pk}"
    assert "已添加必读科目“《公务员法》”。" in _text(office.get(TOPICS))


def test_an_empty_reading_is_not_added(office):
    response = _add_reading(office, "")

    assert response.context["add_form"].errors["title"] == ["请填写篇目。"]
    assert Reading.objects.count() == len(REQUIRED_READINGS)


def test_a_reading_already_listed_is_not_added_twice_and_the_typed_title_is_kept(office):
    response = _add_reading(office, "《行政许可法》")

    assert response.context["add_form"].errors["title"] == ["已有这篇必读科目。"]
    assert 'value="《行政许可法》"' in response.content.decode()
    assert Reading.objects.count() == len(REQUIRED_READINGS)


def test_office_renames_a_reading(office):
    reading = _reading(1)

    response = _edit_reading(office, reading, title="《中国共产党章程》(2002年)")

    assert response.url == f"{TOPICS}#reading-{reading.pk}"
    reading.refresh_from_db()
    assert reading.title == "《中国共产党章程》(2002年)"
    assert reading.number == 1


def test_a_reading_cannot_take_another_readings_title(office):
    reading = _reading(1)

    response = _edit_reading(office, reading, title=REQUIRED_READINGS[1])

    assert _form_for(response, reading.pk, "readings").errors["title"] == ["已有这篇必读科目。"]
    reading.refresh_from_db()
    assert reading.title == REQUIRED_READINGS[0]


def test_office_moves_a_reading_up_and_the_others_make_room(office):
    last = _reading(len(REQUIRED_READINGS))

    _edit_reading(office, last, number=2)

    assert _titles() == [
        REQUIRED_READINGS[0],
        REQUIRED_READINGS[-1],
        *REQUIRED_READINGS[1:-1],
    ]
    assert _numbers() == list(range(1, len(REQUIRED_READINGS) + 1))


def test_a_number_past_the_end_puts_the_reading_last(office):
    _edit_reading(office, _reading(1), number=99)

    assert _titles() == [*REQUIRED_READINGS[1:], REQUIRED_READINGS[0]]
    assert _numbers() == list(range(1, len(REQUIRED_READINGS) + 1))


@pytest.mark.parametrize(
    ("number", "message"),
    [("", "请填写序号。"), ("0", "序号从1开始。"), ("二", "序号应是整数。")],
    ids=["empty", "zero", "not a number"],
)
def test_a_bad_number_is_refused_and_kept_on_the_row(office, number, message):
    reading = _reading(3)

    response = _edit_reading(office, reading, title="改了的题目", number=number)

    form = _form_for(response, reading.pk, "readings")
    assert form.errors["number"] == [message]
    assert form["title"].value() == "改了的题目"
    assert _titles() == REQUIRED_READINGS


def test_office_removes_a_reading_no_study_has_recorded(office):
    reading = _reading(2)

    response = _edit_reading(office, reading, action="remove_reading")

    assert response.url == f"{TOPICS}#readings"
    assert _titles() == [REQUIRED_READINGS[0], *REQUIRED_READINGS[2:]]
    assert _numbers() == list(range(1, len(REQUIRED_READINGS)))
    assert f"已删除必读科目“{REQUIRED_READINGS[1]}”。" in _text(office.get(TOPICS))


def test_a_reading_sessions_have_recorded_cannot_be_removed(live_district, office):
    reading = _reading(1)
    secretary = live_district.users["secretary1"]
    make_session(live_district.school1, secretary, readings=[reading])
    make_session(live_district.ward, live_district.users["secretary2"], readings=[reading])
    self_study_log(
        member=live_district.member1,
        studied_on=timezone.localdate(),
        hours=Decimal("1"),
        material="通读党章",
        user=secretary,
        readings=[reading],
    )

    response = _edit_reading(office, reading, action="remove_reading")

    assert response.status_code == 200
    assert "已有3次学习登记了这篇必读科目,不能删除" in _text(response)
    assert Reading.objects.filter(pk=reading.pk).exists()
    assert _numbers() == list(range(1, len(REQUIRED_READINGS) + 1))


def test_the_office_sees_how_often_each_reading_was_recorded(live_district, office):
    reading = _reading(1)
    make_session(live_district.school1, live_district.users["secretary1"], readings=[reading])

    response = office.get(TOPICS)

    uses = {r.pk: r.uses for r in response.context["readings"]}
    assert uses[reading.pk] == 1
    assert sum(uses.values()) == 1
    assert "已有1次学习登记" in _text(response)


def test_a_reading_of_an_earlier_batch_cannot_be_edited_here(live_district, office):
    earlier = Batch.objects.create(
        name="试点", starts_on=datetime.date(2004, 9, 1), ends_on=datetime.date(2004, 12, 31)
    )
    old = Reading.objects.create(batch=earlier, number=1, title="旧篇目")

    response = _edit_reading(office, old, action="remove_reading")

    assert response.status_code == 404
    assert Reading.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize(
    "pk",
    ["", "abc", "²", "99999999999999999999999"],
    # A superscript passes isdigit() and int() refused it (a 500, found by the fuzz test).
    ids=["missing", "not a number", "superscript", "past any id"],
)
def test_a_row_without_a_proper_id_is_not_found(office, pk):
    response = office.post(TOPICS, {"action": "remove_reading", "pk": pk})

    assert response.status_code == 404
    assert Reading.objects.count() == len(REQUIRED_READINGS)


def test_an_unknown_action_is_a_bad_request(office):
    assert office.post(TOPICS, {"action": "drop_everything"}).status_code == 400


# Who may edit the list


@pytest.mark.parametrize("persona", ["supervisor1", "leader1", "secretary1", "member1", "outsider"])
def test_only_the_office_changes_topics_and_readings(live_district, login, persona):
    client = login(live_district.users[persona])
    reading = _reading(1)

    responses = [
        _rename_topic(client, _topic(1), "改名"),
        _add_reading(client, "《公务员法》"),
        _edit_reading(client, reading, title="改名", number=5),
        _edit_reading(client, reading, action="remove_reading"),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert _topic(1).name == FIXED_TOPICS[0]
    assert _titles() == REQUIRED_READINGS


def test_an_outsider_cannot_read_the_list(live_district, login):
    assert login(live_district.users["outsider"]).get(TOPICS).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(live_district, client, method):
    response = getattr(client, method)(TOPICS)

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_without_a_current_batch_the_page_says_so(live_district, office):
    Batch.objects.update(is_current=False)

    assert "尚未制定活动安排" in _text(office.get(TOPICS))


# A unit's own "加一" topic


def _set_own_topic(client, unit, name):
    return client.post(_own_topic_url(unit), {"name": name})


def test_a_secretary_sets_the_branchs_own_topic(live_district, login):
    school1 = live_district.school1
    client = login(live_district.users["secretary1"])

    response = _set_own_topic(client, school1, " 爱岗敬业,争做人民满意教师 ")

    assert response.url == _own_topic_url(school1)
    topic = Topic.objects.get(unit=school1)
    assert (topic.name, topic.number, topic.batch) == (
        "爱岗敬业,争做人民满意教师",
        5,
        live_district.batch,
    )
    page = _text(client.get(_own_topic_url(school1)))
    assert "已将区一中党支部的“加一”专题定为“爱岗敬业,争做人民满意教师”。" in page


def test_saving_again_renames_the_topic_instead_of_adding_one(live_district, login):
    school1 = live_district.school1
    client = login(live_district.users["secretary1"])
    _set_own_topic(client, school1, "爱岗敬业")

    _set_own_topic(client, school1, "创建人民满意学校")

    assert list(Topic.objects.filter(unit=school1).values_list("name", flat=True)) == [
        "创建人民满意学校"
    ]
    assert 'value="创建人民满意学校"' in client.get(_own_topic_url(school1)).content.decode()


def test_the_leader_above_the_branch_sets_its_topic_too(live_district, login):
    client = login(live_district.users["leader1"])

    response = _set_own_topic(client, live_district.school1, "创建行业形象")

    assert response.status_code == 302
    assert Topic.objects.get(unit=live_district.school1).name == "创建行业形象"


def test_an_empty_own_topic_is_refused(live_district, login):
    client = login(live_district.users["secretary1"])

    response = _set_own_topic(client, live_district.school1, "")

    assert response.context["form"].errors["name"] == ["请填写专题名称。"]
    assert not Topic.objects.filter(unit=live_district.school1).exists()


def test_one_of_the_four_topics_is_not_an_own_topic_and_the_typed_name_is_kept(
    live_district, login
):
    client = login(live_district.users["secretary1"])

    response = _set_own_topic(client, live_district.school1, FIXED_TOPICS[0])

    assert response.context["form"].errors["name"] == [
        "这是全区统一的四个专题之一,请另定一个结合本单位特色的专题。"
    ]
    assert f'value="{FIXED_TOPICS[0]}"' in response.content.decode()
    assert not Topic.objects.filter(unit=live_district.school1).exists()


def test_the_own_topic_page_shows_the_four_topics_beside_the_form(live_district, login):
    client = login(live_district.users["secretary1"])

    page = _text(client.get(_own_topic_url(live_district.school1)))

    assert all(name in page for name in FIXED_TOPICS)
    assert "爱岗敬业、创建单位或行业形象的专题" in page


@pytest.mark.parametrize("persona", ["supervisor1", "office"])
def test_supervisors_and_the_office_read_the_own_topic_but_do_not_set_it(
    live_district, login, persona
):
    own_topic_set(unit=live_district.school1, name="爱岗敬业")
    client = login(live_district.users[persona])
    url = _own_topic_url(live_district.school1)

    page = client.get(url)
    refused = client.post(url, {"name": "别的专题"})

    assert page.status_code == 200
    assert "爱岗敬业" in _text(page)
    assert 'name="name"' not in page.content.decode()
    assert refused.status_code == 403
    assert Topic.objects.get(unit=live_district.school1).name == "爱岗敬业"


def test_a_unit_without_an_own_topic_reads_as_not_yet_set(live_district, login):
    page = _text(
        login(live_district.users["supervisor1"]).get(_own_topic_url(live_district.school1))
    )

    assert "尚未确定" in page


@pytest.mark.parametrize("persona", ["secretary2", "member1", "outsider", "supervisor2"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_unit_outside_ones_scope_is_not_found(live_district, login, persona, method):
    client = login(live_district.users[persona])
    url = _own_topic_url(live_district.school1)

    response = client.get(url) if method == "get" else client.post(url, {"name": "爱岗敬业"})

    assert response.status_code == 404
    assert not Topic.objects.filter(unit=live_district.school1).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in_from_the_own_topic(live_district, client, method):
    response = getattr(client, method)(_own_topic_url(live_district.school1))

    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_without_a_current_batch_no_own_topic_can_be_set(live_district, login):
    Batch.objects.update(is_current=False)
    client = login(live_district.users["secretary1"])

    response = _set_own_topic(client, live_district.school1, "爱岗敬业")

    assert "尚未制定活动安排" in _text(response)
    assert not Topic.objects.filter(unit=live_district.school1).exists()


# The own topics on the list


def test_the_office_sees_every_units_own_topic(live_district, login):
    own_topic_set(unit=live_district.school1, name="爱岗敬业")
    own_topic_set(unit=live_district.ward, name="创建人民满意医院")

    page = _text(login(live_district.users["office"]).get(TOPICS))

    assert "区一中党支部 爱岗敬业" in page
    assert "区医院内科党支部 创建人民满意医院" in page
    assert "2个党组织已确定" in page


def test_a_member_sees_the_topics_their_branch_follows_and_no_other_units(live_district, login):
    """A unit's own topic is shown to those who may see the unit, and to the members and
    branches below it, who follow it: not to every role in the district."""
    d = live_district
    own_topic_set(unit=d.school1, name="爱岗敬业")
    own_topic_set(unit=d.education, name="办人民满意的教育")
    own_topic_set(unit=d.ward, name="创建人民满意医院")

    page = _text(login(d.users["member1"]).get(TOPICS))

    assert "区一中党支部 爱岗敬业" in page
    assert "办人民满意的教育" in page
    assert "创建人民满意医院" not in page
    assert _own_topic_url(d.ward) not in page


def test_a_secretary_sees_the_branchs_own_topic_and_where_to_set_it(live_district, login):
    client = login(live_district.users["secretary1"])
    url = _own_topic_url(live_district.school1)

    before = client.get(TOPICS)
    own_topic_set(unit=live_district.school1, name="爱岗敬业")
    after = client.get(TOPICS)

    assert [u.name for u in before.context["managed_units"]] == ["区一中党支部"]
    assert "区一中党支部 尚未确定 确定专题" in _text(before)
    assert url in before.content.decode()
    assert "区一中党支部 爱岗敬业 修改" in _text(after)


def test_a_secretary_sees_the_topic_above_without_a_link_and_not_another_branchs(
    live_district, login
):
    d = live_district
    own_topic_set(unit=d.education, name="办人民满意的教育")
    own_topic_set(unit=d.ward, name="创建人民满意医院")

    page = login(d.users["secretary1"]).get(TOPICS).content.decode()

    assert "办人民满意的教育" in page and _own_topic_url(d.education) not in page
    assert "创建人民满意医院" not in page


# Queries


def _grow(district, *, readings, own_topics):
    batch = district.batch
    start = Reading.objects.count()
    for number in range(start + 1, start + readings + 1):
        reading = Reading.objects.create(batch=batch, number=number, title=f"篇目{number}")
        make_session(district.school1, district.users["secretary1"], readings=[reading])
    units = [district.school1, district.school2, district.ward, district.street, district.hospital]
    for unit in units[:own_topics]:
        own_topic_set(unit=unit, name=f"{unit.name}的专题")


@pytest.mark.parametrize("persona", ["office", "secretary1", "member1"])
def test_the_list_costs_the_same_queries_however_many_readings_and_own_topics(
    live_district, login, count_queries, persona
):
    client = login(live_district.users[persona])
    _grow(live_district, readings=1, own_topics=1)
    small = count_queries(client, TOPICS)

    _grow(live_district, readings=15, own_topics=5)

    assert count_queries(client, TOPICS) == small


# The plan page


def test_the_plan_lists_the_topics_and_readings(live_district, login):
    page = _text(login(live_district.users["member1"]).get(reverse("campaign:plan")))

    assert "学习内容" in page
    assert all(name in page for name in FIXED_TOPICS)
    assert all(title in page for title in REQUIRED_READINGS)
    assert "管理专题和必读科目" not in page


def test_the_office_finds_the_topics_page_from_the_plan(live_district, login):
    response = login(live_district.users["office"]).get(reverse("campaign:plan"))

    assert "管理专题和必读科目" in _text(response)
    assert f'href="{TOPICS}"' in response.content.decode()


# On a phone


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_moves_a_reading_on_a_phone(live_district, phone):
    log_in(phone, "office")
    phone.open(TOPICS)
    last = _reading(len(REQUIRED_READINGS))

    row = phone.locator(f"#reading-{last.pk}")
    row.get_by_text("修改、调整顺序或删除").click()
    row.get_by_label("序号").fill("1")
    row.get_by_role("button", name="保存").click()

    expect(phone.locator("#readings li").first).to_contain_text(REQUIRED_READINGS[-1])
    expect(phone.get_by_role("alert")).to_contain_text("已保存必读科目")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_removal_is_shown_on_its_row_on_a_phone(live_district, phone):
    reading = _reading(4)
    make_session(live_district.school1, live_district.users["secretary1"], readings=[reading])
    log_in(phone, "office")
    phone.open(TOPICS)

    row = phone.locator(f"#reading-{reading.pk}")
    row.get_by_text("修改、调整顺序或删除").click()
    phone.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除").click()

    row = phone.locator(f"#reading-{reading.pk}")
    expect(row.get_by_role("alert")).to_have_text("已有1次学习登记了这篇必读科目,不能删除。")
    expect(row.get_by_role("alert")).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

"""群众意见待核实: an opinion left on the public survey page waits in the unit's inbox, the
same words as one row with the number who said them, until the branch takes it into the
边学边查边改 ledger (one problem however many said it and however often 采纳 is pressed) or
sets it aside; a unit's inbox holds at most SURVEY_PENDING_CAP, so a flood can't bury it.

"从群众意见最大、最不满意的问题改起".
"""

import secrets

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from ledgers.models import OpinionStatus, RectificationItem, SurveyOpinion, SurveyResponse
from ledgers.services.rectification import (
    OpinionError,
    opinion_key,
    opinion_words,
    rectification_item_create,
    rectification_item_update,
    survey_answer,
    survey_opinion_accept,
    survey_opinion_dismiss,
    survey_token,
)
from ledgers.views.rectification import DEVICE_COOKIE
from tests import concurrency
from tests.conftest import PERSONAS
from tests.factories import a_minute_later
from todos.selectors import secretary_todos

ANSWER = {"office_rating": "4", "organisation_rating": "3", "members_rating": "2"}

# 区一中党支部's ledger: read by these, kept (and its inbox opened) by the last two.
READERS = {"office", "supervisor1", "leader1", "secretary1"}
KEEPERS = {"leader1", "secretary1"}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The public page's limit per address counts in the process's cache."""
    cache.clear()
    yield
    cache.clear()


def _say(unit, *opinions):
    """Answers with these opinions, each from a phone of its own."""
    for opinion in opinions:
        survey_answer(
            unit=unit,
            device=secrets.token_urlsafe(32),
            day=timezone.localdate(),
            office_rating=4,
            organisation_rating=3,
            members_rating=2,
            opinion=opinion,
        )


def _inbox(unit):
    return reverse("ledgers:survey_inbox", args=[unit.pk])


def _accept(unit, text):
    return reverse("ledgers:survey_opinion_accept", args=[unit.pk, opinion_key(text)])


def _dismiss(unit, text):
    return reverse("ledgers:survey_opinion_dismiss", args=[unit.pk, opinion_key(text)])


def _public(unit):
    return reverse("ledgers:survey", args=[survey_token(unit)])


def _rows(html):
    """The inbox's rows as the number of people each says raised it, in page order."""
    listed = html[html.index('id="opinions"') :]
    listed = listed[: listed.index("</ul>")]
    return [int(part.split('"')[0]) for part in listed.split('data-count="')[1:]]


# Into the inbox, not the ledger ------------------------------------------------------------


def test_a_survey_post_lands_in_the_inbox_not_the_ledger(live_district, client, login):
    d = live_district
    client.get(_public(d.school1))
    response = client.post(_public(d.school1), {**ANSWER, "opinion": "食堂饭菜价格偏高"})
    assert response.status_code == 302
    assert not RectificationItem.objects.exists()
    assert SurveyOpinion.objects.get().status == OpinionStatus.PENDING

    page = login(d.users["secretary1"]).get(_inbox(d.school1)).content.decode()
    assert "食堂饭菜价格偏高" in page
    assert _rows(page) == [1]
    items = login(d.users["secretary1"]).get(
        reverse("ledgers:rectification_items", args=[d.school1.pk])
    )
    assert "食堂饭菜价格偏高" not in items.content.decode()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("希望管一管", "希望 管一管"),
        ("希望管一管", "希望管一管。"),
        ("门口乱停车,希望管一管", "门口乱停车，希望管一管！"),
        ("办事要跑多次(窗口)", "办事要跑多次（窗口）"),
        ("WiFi太慢", "ＷｉＦｉ太慢。。"),
    ],
    ids=["space", "trailing-full-stop", "full-width-comma-and-bang", "full-width-brackets", "case"],
)
def test_the_same_words_however_spaced_or_punctuated_say_the_same(one, other):
    assert opinion_words(one) == opinion_words(other)
    assert opinion_key(one) == opinion_key(other)


def test_different_words_are_different_opinions():
    assert opinion_key("希望管一管") != opinion_key("希望不要管")
    assert opinion_key("。 。") == ""


def test_identical_texts_are_one_row_with_the_number_who_raised_them(live_district, login):
    d = live_district
    _say(d.school1, "食堂饭菜太贵", "希望延长办事时间", "食堂饭菜 太贵。", "食堂饭菜太贵！")
    _say(d.school2, "食堂饭菜太贵")
    page = login(d.users["secretary1"]).get(_inbox(d.school1)).content.decode()
    # Most raised first; 区二中's opinion is 区二中's.
    assert _rows(page) == [3, 1]
    assert page.index("食堂饭菜") < page.index("希望延长办事时间")
    assert "待核实 4 条,合并后 2 项" in page


def test_above_a_branch_the_inbox_lists_the_units_with_opinions_waiting(live_district, login):
    d = live_district
    _say(d.school1, "甲", "乙")
    _say(d.school2, "丙")
    page = login(d.users["leader1"]).get(_inbox(d.education)).content.decode()
    table = page[page.index('id="unit-table"') :]
    assert table.index("区一中党支部") < table.index("区二中党支部")
    assert _rows(page) == []


# 采纳 ----------------------------------------------------------------------------------------


def test_accepting_files_one_problem_in_the_public_s_words(live_district, login):
    d = live_district
    _say(d.school1, "食堂饭菜太贵", "食堂饭菜太贵。", "希望延长办事时间")
    client = login(d.users["secretary1"])
    page = client.get(_accept(d.school1, "食堂饭菜太贵")).content.decode()
    assert "2 人提出" in page
    response = client.post(_accept(d.school1, "食堂饭菜太贵"), {"category": "livelihood"})

    item = RectificationItem.objects.get()
    # On to the problem's form: the measure, the person responsible, the deadline.
    assert response["Location"] == reverse("ledgers:rectification_item_edit", args=[item.pk])
    assert (item.unit, item.problem, item.source) == (d.school1, "食堂饭菜太贵", "public")
    assert (item.category, item.status, item.created_by) == (
        "livelihood",
        "open",
        d.users["secretary1"],
    )
    accepted = SurveyOpinion.objects.filter(status=OpinionStatus.ACCEPTED)
    assert accepted.count() == 2
    assert {(o.item, o.decided_by) for o in accepted} == {(item, d.users["secretary1"])}
    assert all(o.decided_at is not None for o in accepted)
    assert _rows(client.get(_inbox(d.school1)).content.decode()) == [1]


def test_accepting_twice_files_one_problem(live_district, login):
    d = live_district
    _say(d.school1, "食堂饭菜太贵", "食堂饭菜太贵")
    client = login(d.users["secretary1"])
    url = _accept(d.school1, "食堂饭菜太贵")
    first = client.post(url, {"category": "conduct"})
    # A double tap is the same submission (common.submissions).
    assert client.post(url, {"category": "conduct"})["Location"] == first["Location"]
    # The same sent again later: nothing waits any more.
    a_minute_later()
    again = client.post(url, {"category": "conduct"}, follow=True)
    assert again.redirect_chain[-1][0] == _inbox(d.school1)
    assert "这条意见已经处理过了" in again.content.decode()
    assert RectificationItem.objects.count() == 1
    # A second keeper acting on the page they loaded before the first accepted.
    with pytest.raises(OpinionError, match="已经处理过了"):
        survey_opinion_accept(
            unit=d.school1, text_key=opinion_key("食堂饭菜太贵"), user=d.users["leader1"]
        )
    assert RectificationItem.objects.count() == 1


def test_an_opinion_the_ledger_already_holds_joins_its_open_problem(live_district, login):
    d = live_district
    secretary = d.users["secretary1"]
    held = rectification_item_create(
        unit=d.school1,
        user=secretary,
        problem="食堂饭菜太贵",
        source="self_check",
        category="conduct",
    )
    _say(d.school1, "食堂饭菜太贵。")
    client = login(secretary)
    assert "与已登记的问题相同,采纳后并入" in client.get(_inbox(d.school1)).content.decode()
    response = client.post(_accept(d.school1, "食堂饭菜太贵"), {"category": "conduct"})
    assert response["Location"] == _inbox(d.school1)
    assert RectificationItem.objects.get() == held
    assert SurveyOpinion.objects.get().item == held

    # Once rectified it is dealt with: the same raised again is a problem again.
    rectification_item_update(item=held, user=secretary, status="rectified")
    _say(d.school1, "食堂饭菜太贵")
    item, created = survey_opinion_accept(
        unit=d.school1, text_key=opinion_key("食堂饭菜太贵"), user=secretary
    )
    assert created
    assert item != held
    assert RectificationItem.objects.count() == 2


def test_opinions_of_another_unit_are_not_decided_through_ones_own(live_district, login):
    d = live_district
    _say(d.school2, "区二中的意见")
    client = login(d.users["secretary1"])
    response = client.post(_accept(d.school1, "区二中的意见"), {"category": "conduct"})
    assert response["Location"] == _inbox(d.school1)
    assert SurveyOpinion.objects.get().status == OpinionStatus.PENDING
    assert (
        client.get(reverse("ledgers:survey_opinion_accept", args=[d.school1.pk, "x"])).status_code
        == 404
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="real concurrent transactions need PostgreSQL (CI runs the suite on it)",
)
@pytest.mark.django_db(transaction=True)
def test_two_keepers_accepting_at_once_file_one_problem(live_district):
    d = live_district
    _say(d.school1, *["食堂饭菜太贵"] * 3)
    key = opinion_key("食堂饭菜太贵")

    def accept(user):
        return lambda _loaded: survey_opinion_accept(unit=d.school1, text_key=key, user=user)

    outcomes = concurrency.race(
        lambda: None, accept(d.users["secretary1"]), accept(d.users["leader1"])
    )
    assert sum(not isinstance(outcome, Exception) for outcome in outcomes) == 1, outcomes
    assert all(isinstance(o, OpinionError) for o in outcomes if isinstance(o, Exception))
    assert RectificationItem.objects.count() == 1
    assert SurveyOpinion.objects.filter(status=OpinionStatus.ACCEPTED).count() == 3


# 不采纳 --------------------------------------------------------------------------------------


def test_dismissing_sets_the_opinions_aside_with_the_reason(live_district, login):
    d = live_district
    _say(d.school1, "请修一下区医院的电梯", "请修一下区医院的电梯。")
    client = login(d.users["secretary1"])
    assert client.get(_dismiss(d.school1, "请修一下区医院的电梯")).status_code == 200
    response = client.post(
        _dismiss(d.school1, "请修一下区医院的电梯"), {"reason": "不属于本单位,已转告区医院"}
    )
    assert response["Location"] == _inbox(d.school1)
    assert not RectificationItem.objects.exists()
    dismissed = SurveyOpinion.objects.filter(status=OpinionStatus.DISMISSED)
    assert dismissed.count() == 2
    assert {(o.dismiss_reason, o.decided_by) for o in dismissed} == {
        ("不属于本单位,已转告区医院", d.users["secretary1"])
    }
    assert "没有待核实的群众意见" in client.get(_inbox(d.school1)).content.decode()
    with pytest.raises(OpinionError):
        survey_opinion_dismiss(
            unit=d.school1, text_key=opinion_key("请修一下区医院的电梯"), user=d.users["leader1"]
        )


def test_a_reason_is_not_needed(live_district, login):
    d = live_district
    _say(d.school1, "无关的话")
    login(d.users["secretary1"]).post(_dismiss(d.school1, "无关的话"), {"reason": ""})
    assert SurveyOpinion.objects.get().status == OpinionStatus.DISMISSED


def test_an_accepted_opinion_is_not_dismissed_afterwards(live_district):
    d = live_district
    _say(d.school1, "食堂饭菜太贵")
    key = opinion_key("食堂饭菜太贵")
    survey_opinion_accept(unit=d.school1, text_key=key, user=d.users["secretary1"])
    with pytest.raises(OpinionError):
        survey_opinion_dismiss(unit=d.school1, text_key=key, user=d.users["leader1"])
    assert SurveyOpinion.objects.get().status == OpinionStatus.ACCEPTED


# The cap -----------------------------------------------------------------------------------


def test_a_flood_of_posts_adds_at_most_the_cap(live_district, client, login, settings):
    settings.SURVEY_PENDING_CAP = 5
    d = live_district
    for n in range(12):
        # Phones and addresses of their own: neither the once-a-day rule nor the limit per
        # address stands in the way, only the cap.
        client.cookies.pop(DEVICE_COOKIE, None)
        response = client.post(
            _public(d.school1), {**ANSWER, "opinion": f"意见{n}"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        # The visitor is thanked all the same.
        assert response.status_code == 302, n
    assert SurveyOpinion.objects.filter(unit=d.school1).count() == 5
    assert SurveyResponse.objects.filter(unit=d.school1).count() == 12
    dropped = SurveyResponse.objects.filter(opinion_dropped=True)
    assert dropped.count() == 7
    assert set(dropped.values_list("opinion", flat=True)) == {""}
    assert "提交成功" in client.get(response["Location"]).content.decode()

    secretary = login(d.users["secretary1"])
    page = secretary.get(_inbox(d.school1)).content.decode()
    assert "已达上限,部分意见未保存" in page
    assert "今天有 7 条意见" in page
    # Another unit's inbox has room of its own.
    _say(d.school2, "区二中的意见")
    assert SurveyOpinion.objects.filter(unit=d.school2).count() == 1

    # Once checked, there is room again.
    secretary.post(_dismiss(d.school1, "意见0"), {"reason": ""})
    _say(d.school1, "新的意见")
    assert SurveyOpinion.objects.filter(unit=d.school1, status="pending").count() == 5


# Who may use it ----------------------------------------------------------------------------


def _expected(persona):
    if persona in KEEPERS:
        return 200
    return 403 if persona in READERS else 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ["inbox", "accept", "dismiss"])
def test_the_inbox_is_for_the_units_keepers(live_district, login, persona, page):
    d = live_district
    _say(d.school1, "食堂饭菜太贵")
    url = {
        "inbox": _inbox(d.school1),
        "accept": _accept(d.school1, "食堂饭菜太贵"),
        "dismiss": _dismiss(d.school1, "食堂饭菜太贵"),
    }[page]
    assert login(d.users[persona]).get(url).status_code == _expected(persona)


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - KEEPERS))
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_no_one_else_decides_an_opinion(live_district, login, persona, action):
    d = live_district
    _say(d.school1, "食堂饭菜太贵")
    url = (_accept if action == "accept" else _dismiss)(d.school1, "食堂饭菜太贵")
    response = login(d.users[persona]).post(url, {"category": "conduct", "reason": ""})
    assert response.status_code == _expected(persona)
    assert SurveyOpinion.objects.get().status == OpinionStatus.PENDING
    assert not RectificationItem.objects.exists()


@pytest.mark.parametrize("action", ["inbox", "accept", "dismiss"])
def test_anonymous_visitors_are_sent_to_log_in(live_district, client, action):
    d = live_district
    _say(d.school1, "食堂饭菜太贵")
    url = {
        "inbox": _inbox(d.school1),
        "accept": _accept(d.school1, "食堂饭菜太贵"),
        "dismiss": _dismiss(d.school1, "食堂饭菜太贵"),
    }[action]
    for response in (client.get(url), client.post(url, {"category": "conduct"})):
        assert response.status_code == 302
        assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"
    assert SurveyOpinion.objects.get().status == OpinionStatus.PENDING


@pytest.mark.parametrize("persona", ["office", "supervisor1", "leader1", "secretary1"])
def test_the_ledger_and_the_results_link_the_inbox_with_its_count_for_keepers(
    live_district, login, persona
):
    d = live_district
    _say(d.school1, "甲", "乙", "乙")
    client = login(d.users[persona])
    for name in ("rectification_items", "survey_results"):
        page = client.get(reverse(f"ledgers:{name}", args=[d.school1.pk])).content.decode()
        if persona in KEEPERS:
            assert f'href="{_inbox(d.school1)}" id="inbox-link"' in page, name
            assert 'data-count="3"' in page, name
        else:
            assert _inbox(d.school1) not in page, name


def test_the_secretarys_todos_count_the_opinions_waiting(live_district):
    d = live_district
    _say(d.school1, "甲", "乙", "乙")
    todo = next(t for t in secretary_todos(d.school1) if t.key == "opinions")
    assert (todo.count, todo.owed, todo.url) == (3, True, _inbox(d.school1))


# Cost --------------------------------------------------------------------------------------

# The session, the user, the unit, the user's scope; the rows, the open problems they may
# join and the count of opinions dropped today.
INBOX_QUERIES = 7


@pytest.mark.parametrize("opinions", [3, 30])
def test_the_inbox_costs_the_same_however_many_opinions_wait(
    live_district, login, django_assert_num_queries, opinions
):
    d = live_district
    rectification_item_create(
        unit=d.school1, user=None, problem="意见1", source="public", category="conduct"
    )
    _say(d.school1, *[f"意见{n % 7}" for n in range(opinions)])
    client = login(d.users["secretary1"])
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(_inbox(d.school1))
    assert len(_rows(response.content.decode())) == min(opinions, 7)

"""群众满意度测评: the public page of 创三满意, answered without logging in, once a day per
device, rate-limited per address; and its results for the unit's people."""

import datetime
import secrets
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ledgers.models import RectificationItem, SurveyOpinion, SurveyResponse
from ledgers.services.rectification import survey_answer, survey_token
from ledgers.views.rectification import DEVICE_COOKIE
from tests.conftest import PERSONAS

ANSWER = {"office_rating": "4", "organisation_rating": "3", "members_rating": "2"}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """The rate limit counts in the process's cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


def _url(unit):
    return reverse("ledgers:survey", args=[survey_token(unit)])


def test_the_page_asks_three_ratings_without_logging_in(live_district, client):
    response = client.get(_url(live_district.school1))
    assert response.status_code == 200
    html = response.content.decode()
    assert "区一中党支部" in html
    for question in ("对本单位(机关)", "对党组织", "对共产党员"):
        assert question in html
    for rating in ("满意", "基本满意", "不太满意", "不满意"):
        assert rating in html
    # None of the app's menu for the public.
    assert reverse("units:tree") not in html
    assert "退出" not in html
    cookie = response.cookies[DEVICE_COOKIE]
    assert len(cookie.value) >= 40
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60


def test_an_anonymous_answer_is_saved_and_thanked(live_district, client):
    url = _url(live_district.school1)
    client.get(url)
    response = client.post(url, ANSWER, follow=True)
    assert "感谢您参加测评" in response.content.decode()
    answer = SurveyResponse.objects.get()
    assert answer.unit == live_district.school1
    assert (answer.office_rating, answer.organisation_rating, answer.members_rating) == (4, 3, 2)
    assert len(answer.device_day) == 64
    assert client.cookies[DEVICE_COOKIE].value not in answer.device_day


def test_a_second_answer_the_same_day_is_refused_kindly(live_district, client):
    url = _url(live_district.school1)
    client.get(url)
    client.post(url, ANSWER)
    again = client.get(url).content.decode()
    assert "您今天已经参加过测评,谢谢" in again
    assert 'id="survey-form"' not in again
    response = client.post(url, {**ANSWER, "opinion": "再提一次"})
    assert response.status_code == 200
    assert "您今天已经参加过测评,谢谢" in response.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert not RectificationItem.objects.exists()


def test_the_same_device_may_answer_again_the_next_day(live_district, client, monkeypatch):
    url = _url(live_district.school1)
    client.get(url)
    client.post(url, ANSWER)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: tomorrow)
    assert 'id="survey-form"' in client.get(url).content.decode()
    client.post(url, ANSWER)
    assert SurveyResponse.objects.count() == 2


def test_the_same_device_may_answer_for_another_unit(live_district, client):
    client.get(_url(live_district.school1))
    client.post(_url(live_district.school1), ANSWER)
    client.post(_url(live_district.school2), ANSWER)
    assert SurveyResponse.objects.count() == 2


def test_the_21st_answer_from_one_address_in_an_hour_is_refused(live_district, client):
    units = [live_district.school1, live_district.school2, live_district.ward]
    for n in range(20):
        # A new device each time: only the address ties them together.
        client.cookies.pop(DEVICE_COOKIE, None)
        response = client.post(_url(units[n % 3]), ANSWER, REMOTE_ADDR="10.1.2.3")
        assert response.status_code == 302, n
    client.cookies.pop(DEVICE_COOKIE, None)
    response = client.post(_url(live_district.street), ANSWER, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429
    assert "请稍后再试" in response.content.decode()
    assert SurveyResponse.objects.count() == 20
    client.cookies.pop(DEVICE_COOKIE, None)
    other = client.post(_url(live_district.street), ANSWER, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


@pytest.mark.parametrize(
    "token",
    ["nonsense", "MQ:1abcdef:forged", "x" * 200],
    ids=["garbage", "forged", "long"],
)
def test_a_bad_link_is_not_found(live_district, client, token):
    assert client.get(reverse("ledgers:survey", args=[token])).status_code == 404
    assert client.post(reverse("ledgers:survey", args=[token]), ANSWER).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_link_signed_for_something_else_is_not_found(live_district, client):
    from django.core import signing

    token = signing.dumps(live_district.school1.pk, salt="checkin")
    assert client.get(reverse("ledgers:survey", args=[token])).status_code == 404


def test_an_opinion_waits_in_the_unit_s_inbox_not_in_its_ledger(live_district, client):
    url = _url(live_district.school1)
    client.get(url)
    client.post(url, {**ANSWER, "opinion": "  学校门口接送孩子的车辆乱停,希望管一管  "})
    opinion = SurveyOpinion.objects.get()
    assert opinion.unit == live_district.school1
    assert opinion.text == "学校门口接送孩子的车辆乱停,希望管一管"
    assert opinion.status == "pending"
    assert opinion.response == SurveyResponse.objects.get()
    assert not RectificationItem.objects.exists()


def test_a_missing_rating_is_asked_for_again_keeping_the_opinion(live_district, client):
    url = _url(live_district.school1)
    client.get(url)
    response = client.post(url, {"office_rating": "4", "opinion": "食堂饭菜太贵"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("请选择一项") == 2
    assert "食堂饭菜太贵" in html
    assert 'value="4" checked' in html
    assert not SurveyResponse.objects.exists()


def test_a_rating_out_of_range_is_refused(live_district, client):
    url = _url(live_district.school1)
    client.get(url)
    client.post(url, {**ANSWER, "members_rating": "5"})
    assert not SurveyResponse.objects.exists()


def test_the_form_is_protected_against_cross_site_posts(live_district):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(_url(live_district.school1), ANSWER)
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


# Results -----------------------------------------------------------------------------------

RESULT_READERS = {"office", "supervisor1", "leader1", "secretary1"}


def _answers(unit, ratings, *, opinion=""):
    for office, organisation, members in ratings:
        survey_answer(
            unit=unit,
            # A new device for every answer, as from different people's phones.
            device=secrets.token_urlsafe(32),
            day=timezone.localdate(),
            office_rating=office,
            organisation_rating=organisation,
            members_rating=members,
            opinion=opinion,
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_are_for_the_unit_its_leader_its_group_and_the_office(
    live_district, login, persona
):
    response = login(live_district.users[persona]).get(
        reverse("ledgers:survey_results", args=[live_district.school1.pk])
    )
    assert response.status_code == (200 if persona in RESULT_READERS else 404)


def test_results_show_the_distribution_and_satisfaction_rate(live_district, login):
    d = live_district
    _answers(d.school1, [(4, 4, 1), (3, 2, 1), (2, 4, 4)])
    html = (
        login(d.users["secretary1"])
        .get(reverse("ledgers:survey_results", args=[d.school1.pk]))
        .content.decode()
    )
    assert 'data-figure="answers">3<' in html
    # 对本单位: 满意1 基本满意1 不太满意1 → 66.7%; 对党组织 2 of 3; 对共产党员 1 of 3.
    assert 'data-figure="office_rating">66.7%<' in html
    assert 'data-figure="organisation_rating">66.7%<' in html
    assert 'data-figure="members_rating">33.3%<' in html
    distribution = html[html.index('id="distribution"') :]
    row = distribution[
        distribution.index("对共产党员") : distribution.index(
            "</tr>", distribution.index("对共产党员")
        )
    ]
    assert [cell.split("<")[0] for cell in row.split('text-end">')[1:5]] == ["1", "0", "0", "2"]
    assert survey_token(d.school1) in html


def test_results_above_branch_level_add_up_the_subtree(live_district, login):
    d = live_district
    _answers(d.school1, [(4, 4, 4), (4, 4, 4)])
    _answers(d.school2, [(1, 1, 1), (3, 3, 3)])
    _answers(d.ward, [(1, 1, 1)])
    html = (
        login(d.users["leader1"])
        .get(reverse("ledgers:survey_results", args=[d.education.pk]))
        .content.decode()
    )
    assert 'data-figure="answers">4<' in html
    assert 'data-figure="office_rating">75.0%<' in html
    table = html[html.index('id="unit-table"') :]
    # The least satisfied unit first.
    assert table.index("区二中党支部") < table.index("区一中党支部")
    assert "区医院内科党支部" not in table


def test_the_qr_code_is_the_public_link(live_district, login):
    response = login(live_district.users["secretary1"]).get(
        reverse("ledgers:survey_qr", args=[live_district.school1.pk])
    )
    assert response["Content-Type"] == "image/svg+xml"
    assert survey_token(live_district.school1) in response.content.decode()


@pytest.mark.parametrize("unit", ["education", "school1"], ids=["committee", "branch"])
def test_query_count_of_the_results_does_not_grow_with_data(
    live_district, login, count_queries, unit
):
    d = live_district
    _answers(d.school1, [(4, 4, 4)])
    client = login(d.users["leader1"])
    url = reverse("ledgers:survey_results", args=[getattr(d, unit).pk])
    before = count_queries(client, url)
    _answers(d.school2, [(3, 2, 1)] * 5, opinion="意见")
    _answers(d.school1, [(1, 2, 3), (2, 2, 2), (4, 3, 3)])
    assert count_queries(client, url) == before


def test_query_count_of_the_public_page_is_small(live_district, client, count_queries):
    url = _url(live_district.school1)
    client.get(url)
    # The unit, and whether this device has answered today.
    assert count_queries(client, url) == 2


def test_behind_the_proxy_the_limit_counts_the_client_not_the_proxy(
    live_district, client, settings
):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    cache.clear()
    units = [live_district.school1, live_district.school2, live_district.ward]
    for n in range(20):
        client.cookies.pop(DEVICE_COOKIE, None)
        client.post(_url(units[n % 3]), ANSWER, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.1.2.3")
    client.cookies.pop(DEVICE_COOKIE, None)
    # The proxy's own address is the same for everyone; another citizen still gets through.
    other = client.post(
        _url(live_district.street), ANSWER, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.9.9.9"
    )
    assert other.status_code == 302
    client.cookies.pop(DEVICE_COOKIE, None)
    same = client.post(
        _url(live_district.street), ANSWER, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.1.2.3"
    )
    assert same.status_code == 429


def test_a_unit_keeps_one_link_however_often_it_is_shown(live_district, monkeypatch):
    # The link is printed on posters: it must not change with the time it was made.
    first = survey_token(live_district.school1)
    later = time.time() + 86400 * 30
    monkeypatch.setattr(time, "time", lambda: later)
    assert survey_token(live_district.school1) == first
    assert survey_token(live_district.school2) != first

"""The public survey's limit per address when the cache is down: the visitor is answered
as usual, and the limit goes on per process (common.throttle)."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from common import throttle
from ledgers.models import SurveyResponse
from ledgers.services.rectification import survey_token
from ledgers.views.rectification import DEVICE_COOKIE, RATE_LIMIT

ANSWER = {"office_rating": "4", "organisation_rating": "3", "members_rating": "2"}

# Nothing listens on port 1: every cache call fails at once with a connection error.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    cache.clear()
    throttle._local.clear()
    monkeypatch.setattr(throttle, "_cache_down", False)
    yield
    throttle._local.clear()


@pytest.fixture
def cache_down(settings):
    settings.CACHES = DEAD_REDIS


def _url(unit):
    return reverse("ledgers:survey", args=[survey_token(unit)])


def _answer(client, unit, address, n=0):
    # A new device each time: only the address ties the answers together. Each says
    # something else: the same form sent twice would be one submission (common.submissions).
    client.cookies.pop(DEVICE_COOKIE, None)
    return client.post(_url(unit), {**ANSWER, "opinion": f"意见{n}"}, REMOTE_ADDR=address)


def test_the_dead_cache_really_is_down(cache_down):
    with pytest.raises(Exception, match="Connection refused"):
        cache.get("anything")


def test_with_the_cache_down_the_page_and_an_answer_still_work(live_district, client, cache_down):
    url = _url(live_district.school1)
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWER, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_with_the_cache_down_the_limit_holds_per_process(live_district, client, cache_down):
    units = [live_district.school1, live_district.school2, live_district.ward]
    for n in range(RATE_LIMIT):
        assert _answer(client, units[n % 3], "10.1.2.3", n).status_code == 302, n
    assert _answer(client, live_district.street, "10.1.2.3", 100).status_code == 429
    assert _answer(client, live_district.street, "10.9.9.9", 101).status_code == 302
    assert SurveyResponse.objects.count() == RATE_LIMIT + 1


def test_the_cache_going_down_is_logged_once(live_district, client, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="common.throttle"):
        for n in range(3):
            _answer(client, live_district.school1, f"10.1.2.{n}", n)
    assert [r.getMessage() for r in caplog.records if r.name == "common.throttle"] == [
        "cache unreachable: attempts are counted per process"
    ]


def test_with_the_cache_up_the_limit_is_counted_in_the_cache(live_district, client):
    _answer(client, live_district.school1, "10.1.2.3")
    assert not throttle._local
    assert throttle.attempts_count("survey:10.1.2.3", window=60 * 60) == 1

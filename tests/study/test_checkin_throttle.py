"""Self sign-in codes can't be tried in turn: ten wrong codes in ten minutes and the member
waits for the window to end; another branch's code is answered as a wrong one. The count
is kept in the cache, and per process when the cache is down."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from common import throttle
from study.models import Attendance
from study.services import sessions as services
from tests.factories import make_session
from units.models import Member

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    """The counts live in the process's cache (or memory), which outlive a test."""
    cache.clear()
    throttle._local.clear()
    monkeypatch.setattr(throttle, "_cache_down", False)
    yield
    cache.clear()
    throttle._local.clear()


@pytest.fixture
def session(live_district):
    return make_session(live_district.school1, live_district.users["secretary1"], hours="2")


def _wrong_codes(n, *sessions):
    taken = {s.checkin_code for s in sessions}
    return [code for code in (f"{k:06d}" for k in range(n + len(taken))) if code not in taken][:n]


def _checkin(client, code):
    return client.post(reverse("study:checkin"), {"code": code})


def test_sixty_guesses_get_ten_answers_then_a_wait(live_district, session, login):
    client = login(live_district.users["member1"])
    pages = [_checkin(client, code).content.decode() for code in _wrong_codes(60, session)]
    assert all("签到码不正确" in page for page in pages[:10])
    assert all("尝试次数过多" in page and "分钟后再试" in page for page in pages[10:])
    # Now the right code waits too, or the guesser could still tell it from the others.
    page = _checkin(client, session.checkin_code).content.decode()
    assert "尝试次数过多" in page
    assert not Attendance.objects.exists()


def test_the_wait_says_how_many_minutes_are_left(live_district, session, monkeypatch):
    window_start = (time.time() // services.CHECKIN_GUESS_WINDOW + 1) * (
        services.CHECKIN_GUESS_WINDOW
    )
    monkeypatch.setattr(time, "time", lambda: window_start + 1)
    for code in _wrong_codes(10, session):
        with pytest.raises(services.CheckinRefused, match="签到码不正确"):
            services.self_check_in(member=live_district.member1, code=code)
    monkeypatch.setattr(time, "time", lambda: window_start + 6 * 60 + 30)
    with pytest.raises(services.CheckinRefused, match="尝试次数过多,请4分钟后再试"):
        services.self_check_in(member=live_district.member1, code=session.checkin_code)
    # The next window starts again from nothing.
    monkeypatch.setattr(time, "time", lambda: window_start + services.CHECKIN_GUESS_WINDOW)
    attendance = services.self_check_in(member=live_district.member1, code=session.checkin_code)
    assert attendance.self_signed_at is not None


def test_another_branch_s_code_is_a_wrong_code_and_counts(live_district, login):
    d = live_district
    other = make_session(d.ward, d.users["secretary2"])
    client = login(d.users["member1"])
    answers = {}
    for code in [other.checkin_code, *_wrong_codes(1, other)]:
        answers[code] = _checkin(client, code).content.decode()
    for page in answers.values():
        assert "签到码不正确" in page
        assert "其他支部" not in page
    for _ in range(8):
        _checkin(client, other.checkin_code)
    assert "尝试次数过多" in _checkin(client, other.checkin_code).content.decode()
    assert not Attendance.objects.exists()


def test_a_member_s_wrong_codes_do_not_stop_another_member(live_district, session):
    for code in _wrong_codes(10, session):
        with pytest.raises(services.CheckinRefused):
            services.self_check_in(member=live_district.member1, code=code)
    wang = Member.objects.get(name="王强")
    assert services.self_check_in(member=wang, code=session.checkin_code).member == wang


def test_right_codes_do_not_count(live_district, session):
    services.self_check_in(member=live_district.member1, code=session.checkin_code)
    for _ in range(services.CHECKIN_GUESSES + 2):
        with pytest.raises(services.CheckinRefused, match="已经签到过了"):
            services.self_check_in(member=live_district.member1, code=session.checkin_code)


def test_with_the_cache_down_the_limit_holds_in_the_process(
    live_district, session, login, settings
):
    settings.CACHES = DEAD_REDIS
    client = login(live_district.users["member1"])
    responses = [_checkin(client, code) for code in _wrong_codes(11, session)]
    assert {response.status_code for response in responses} == {200}
    assert "签到码不正确" in responses[9].content.decode()
    assert "尝试次数过多" in responses[10].content.decode()


def test_with_the_cache_down_the_right_code_signs_in(live_district, session, login, settings):
    settings.CACHES = DEAD_REDIS
    client = login(live_district.users["member1"])
    response = _checkin(client, session.checkin_code)
    assert response.status_code == 302
    assert Attendance.objects.get().self_signed_at is not None

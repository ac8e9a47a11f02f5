"""What every request goes through (common.middleware): the session ends after a working
day without use, a request body has a ceiling, and pages turn off the browser features
they don't use."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from common.middleware import SESSION_REFRESH_AFTER
from ledgers.services.practice import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def _expires_in(client):
    return _session_row(client).expire_date - timezone.now()


def _as_if_saved_hours_ago(client, hours):
    row = _session_row(client)
    row.expire_date -= datetime.timedelta(hours=hours)
    row.save(update_fields=["expire_date"])


# The session ---------------------------------------------------------------------------


def test_a_session_lasts_a_working_day(district, client):
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 10 * 3600
    response = client.post(
        reverse("login"), {"username": "secretary1", "password": "pw"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    left = _expires_in(client)
    assert datetime.timedelta(hours=8) < left <= datetime.timedelta(hours=10)


def test_use_moves_the_end_forward_at_most_every_ten_minutes(district, login, monkeypatch):
    client = login(district.users["secretary1"])
    _as_if_saved_hours_ago(client, 8)
    client.get(reverse("home"))
    # Just logged in: the session isn't written again.
    assert _expires_in(client) < datetime.timedelta(hours=2)

    later = time.time() + SESSION_REFRESH_AFTER + 1
    monkeypatch.setattr(time, "time", lambda: later)
    client.get(reverse("home"))
    assert _expires_in(client) > datetime.timedelta(hours=8)


def test_an_idle_session_has_ended(district, login):
    client = login(district.users["secretary1"])
    row = _session_row(client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save(update_fields=["expire_date"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_without_a_login_keep_no_session(district, client):
    client.get(reverse("login"))
    assert not Session.objects.exists()


# The request size ------------------------------------------------------------------------


def test_an_activity_s_five_photos_fit_under_the_ceiling():
    assert settings.REQUEST_MAX_BYTES > MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024
    assert settings.REQUEST_MAX_BYTES <= 50 * 1024 * 1024


def test_a_body_over_the_ceiling_is_refused_before_it_is_read(district, login, settings):
    settings.REQUEST_MAX_BYTES = 10_000
    client = login(district.users["secretary1"])
    response = client.post(reverse("study:checkin"), {"code": "123456", "padding": "x" * 20_000})
    assert response.status_code == 413
    assert "提交的内容超过" in response.content.decode()


def test_a_body_under_the_ceiling_goes_through(district, login, settings):
    settings.REQUEST_MAX_BYTES = 10_000
    client = login(district.users["member1"])
    response = client.post(reverse("study:checkin"), {"code": "123456", "padding": "x" * 100})
    assert response.status_code == 200


# Permissions-Policy ----------------------------------------------------------------------


@pytest.mark.parametrize("url", ["login", "home", "study:checkin"], ids=lambda u: u)
def test_pages_turn_off_camera_microphone_and_location(district, login, url):
    response = login(district.users["member1"]).get(reverse(url))
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy

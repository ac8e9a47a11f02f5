"""Login throttling (django-axes, units.lockouts): five wrong passwords for one user name
from one address lock that pair for half an hour, the login page says until when, and the
office can unlock it sooner."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PERSONAS
from tests.factories import UserFactory
from units.models import Role, RoleAssignment

OFFICE_ADDRESS = "10.0.0.8"


def _log_in(client, username, password, address=OFFICE_ADDRESS, **headers):
    """The login form as a browser sends it."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _logged_in(client):
    return "_auth_user_id" in client.session


def _fail(client, username, times, address=OFFICE_ADDRESS, **headers):
    for _ in range(times):
        _log_in(client, username, "wrong-password", address, **headers)


@pytest.fixture
def office(district):
    return district.users["office"]


def test_the_right_password_logs_in(office, client):
    response = _log_in(client, "office", "pw")
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_user_name_longer_than_any_is_refused_on_the_form(office, client):
    # Found by tests/test_fuzz_forms.py: the login form never checked the length, and
    # django-axes recorded the failure in a column of 255, which PostgreSQL refused (a 500).
    response = _log_in(client, "党" * 3000, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].has_error("username", "max_length")
    assert not _logged_in(client)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(office, client):
    _fail(client, "office", 30)
    response = _log_in(client, "office", "pw")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_the_fifth_wrong_password_locks_and_the_page_says_until_when(office, client):
    _fail(client, "office", 4)
    assert _log_in(client, "office", "wrong-password").status_code == 429
    response = _log_in(client, "office", "pw")
    html = response.content.decode()
    assert response.status_code == 429
    assert 'id="login-locked"' in html
    assert "密码输错次数过多" in html and "锁定30分钟" in html
    until = timezone.localtime(AccessAttempt.objects.get().attempt_time) + datetime.timedelta(
        minutes=30
    )
    assert f"请在 {until:%H:%M} 以后再登录" in html
    assert "区委先进性教育办公室" in html
    # The login form is there again, with the user name filled in.
    assert 'name="password"' in html and 'value="office"' in html


def test_four_wrong_passwords_still_let_the_right_one_in(office, client):
    _fail(client, "office", 4)
    assert _log_in(client, "office", "pw").status_code == 302


def test_a_success_forgets_the_earlier_failures(office, client):
    _fail(client, "office", 4)
    _log_in(client, "office", "pw")
    client.logout()
    _fail(client, "office", 4)
    assert _log_in(client, "office", "pw").status_code == 302


def test_the_lock_is_for_the_user_from_that_address_only(district, client):
    _fail(client, "office", 5)
    # The same user from another address, and another user from the same one.
    assert _log_in(client, "office", "pw", address="10.0.0.9").status_code == 302
    client.logout()
    assert _log_in(client, "secretary1", "pw").status_code == 302


def test_after_the_cool_off_the_right_password_logs_in(office, client):
    _fail(client, "office", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert _log_in(client, "office", "pw").status_code == 302


def test_tries_during_the_lock_do_not_prolong_it(office, client):
    _fail(client, "office", 5)
    locked_at = AccessAttempt.objects.get().attempt_time
    _fail(client, "office", 3)
    _log_in(client, "office", "pw")
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_behind_the_proxy_the_lock_counts_the_client_not_the_proxy(office, client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    _fail(client, "office", 5, address="127.0.0.1", HTTP_X_REAL_IP="10.1.2.3")
    assert AccessAttempt.objects.get().ip_address == "10.1.2.3"
    # Everyone comes from the proxy's address; the office in its own room still logs in.
    other = _log_in(client, "office", "pw", address="127.0.0.1", HTTP_X_REAL_IP="10.9.9.9")
    assert other.status_code == 302
    client.logout()
    same = _log_in(client, "office", "pw", address="127.0.0.1", HTTP_X_REAL_IP="10.1.2.3")
    assert same.status_code == 429


def test_a_forwarded_for_list_counts_the_address_the_proxy_added(office, client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(5):
        # The client makes up the first entries; the proxy appends the real one.
        _log_in(client, "office", "x", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 10.1.2.3")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.1.2.3"]
    response = _log_in(client, "office", "pw", HTTP_X_FORWARDED_FOR="5.5.5.5, 10.1.2.3")
    assert response.status_code == 429


def test_the_test_client_and_force_login_still_log_in(district, client):
    assert client.login(username="office", password="pw")
    client.logout()
    client.force_login(district.users["secretary1"])
    assert client.get(reverse("home")).status_code == 200


# The office unlocks ---------------------------------------------------------------------


def test_the_office_sees_the_locked_login_and_unlocks_it(district, client, login):
    _fail(client, "office", 5)
    _fail(client, "secretary1", 2)
    # Another clerk of the office, at another desk.
    clerk = UserFactory(username="clerk")
    RoleAssignment.objects.create(user=clerk, role=Role.OFFICE, unit=district.root)
    page = login(clerk).get(reverse("units:lockouts")).content.decode()
    table = page[page.index('id="lockouts"') :]
    assert "office" in table and OFFICE_ADDRESS in table
    # Two wrong passwords lock nothing.
    assert "secretary1" not in table

    response = client.post(
        reverse("units:lockout_release"), {"username": "office", "ip_address": OFFICE_ADDRESS}
    )
    assert response.status_code == 302
    assert "已解除 office 的登录锁定" in client.get(response["Location"]).content.decode()
    assert not AccessAttempt.objects.filter(username="office").exists()
    client.logout()
    assert _log_in(client, "office", "pw").status_code == 302


def test_an_address_that_is_none_unlocks_nothing(district, client, login):
    # Found by tests/test_fuzz_forms.py: PostgreSQL's address column refused to be compared
    # with " " (a 500).
    _fail(client, "office", 5)
    response = login(district.users["office"]).post(
        reverse("units:lockout_release"), {"username": "office", "ip_address": " "}
    )
    assert response.status_code == 302
    assert "这个登录已经不在锁定中" in client.get(response["Location"]).content.decode()
    assert AccessAttempt.objects.filter(username="office").exists()


def test_an_empty_list_says_so(office, login):
    page = login(office).get(reverse("units:lockouts")).content.decode()
    assert 'id="no-lockouts"' in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_office_finds_the_lockouts_in_its_menu(district, login, persona):
    page = login(district.users[persona]).get(reverse("home")).content.decode()
    assert (f'href="{reverse("units:lockouts")}"' in page) is (persona == "office")


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "office"])
def test_only_the_office_may_unlock(district, client, login, persona):
    _fail(client, "office", 5)
    user_client = login(district.users[persona])
    assert user_client.get(reverse("units:lockouts")).status_code == 403
    response = user_client.post(
        reverse("units:lockout_release"), {"username": "office", "ip_address": OFFICE_ADDRESS}
    )
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="office").exists()


def test_the_unlock_page_asks_for_a_login(district, client):
    response = client.get(reverse("units:lockouts"))
    assert response.status_code == 302
    assert re.search(r"/login/\?next=", response["Location"])


def test_query_count_of_the_lockouts_does_not_grow(district, client, login, count_queries):
    _fail(client, "office", 5)
    office_client = login(district.users["office"])
    before = count_queries(office_client, reverse("units:lockouts"))
    for n in range(3):
        _fail(client, "secretary1", 5, address=f"10.0.1.{n}")
    assert count_queries(office_client, reverse("units:lockouts")) == before

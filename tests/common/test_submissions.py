"""A form sent twice — a double tap on 保存, a phone resending on a bad network — is saved
once: the repeat is sent where the first went, and told so (common.submissions)."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.models import Submission
from study.models import SelfStudy

URL = reverse("study:my_self_study")


def _entry(**overrides):
    day = timezone.localdate() - datetime.timedelta(days=1)
    data = {"studied_on": day.isoformat(), "hours": "2", "material": "学习党章第三章"}
    data.update(overrides)
    return data


def test_the_same_form_twice_is_saved_once_and_the_repeat_is_told(live_district, login):
    client = login(live_district.users["member1"])
    first = client.post(URL, _entry())
    again = client.post(URL, _entry(), follow=True)
    assert first.status_code == 302
    assert again.redirect_chain[0] == (first["Location"], 302)
    assert "这份表单刚刚已经提交过,没有重复保存" in again.content.decode()
    assert SelfStudy.objects.count() == 1


def test_different_values_are_a_new_submission(live_district, login):
    client = login(live_district.users["member1"])
    client.post(URL, _entry())
    client.post(URL, _entry(hours="1.5"))
    assert SelfStudy.objects.count() == 2


def test_the_same_values_by_someone_else_are_theirs(live_district, login):
    d = live_district
    url = reverse("study:self_study_create", args=[d.member1.pk])
    login(d.users["secretary1"]).post(url, _entry())
    login(d.users["member1"]).post(URL, _entry())
    assert SelfStudy.objects.count() == 2


def test_a_form_with_errors_can_be_sent_again(live_district, login):
    """Shown again with its errors, the form has saved nothing and holds no claim."""
    client = login(live_district.users["member1"])
    for _ in range(2):
        response = client.post(URL, _entry(hours=""))
        assert response.status_code == 200 and "请填写" in response.content.decode()
    assert not Submission.objects.exists()
    assert client.post(URL, _entry()).status_code == 302
    assert SelfStudy.objects.count() == 1


def test_the_same_values_after_a_minute_are_a_new_entry(live_district, login):
    client = login(live_district.users["member1"])
    client.post(URL, _entry())
    Submission.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert client.post(URL, _entry()).status_code == 302
    assert SelfStudy.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_taps_at_the_same_moment_save_one_entry(live_district):
    """Two requests in flight at once: the second waits for the first's claim and is sent
    where the first went. Threads with their own connections need a server database."""
    if connection.vendor == "sqlite":
        pytest.skip("an in-memory SQLite test database is not shared between threads")
    d = live_district
    clients = [Client() for _ in range(2)]
    for client in clients:
        client.force_login(d.users["member1"])
    start = threading.Barrier(2)
    answers = []

    def tap(client):
        start.wait()
        try:
            answers.append(client.post(URL, _entry()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [302, 302]
    assert SelfStudy.objects.count() == 1

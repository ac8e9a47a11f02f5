"""The reminder settings page: each person turns their own weekly reminder on or off."""

from django.urls import reverse

from todos.models import ReminderPreference

URL = reverse("todos:settings")


def test_the_reminder_is_on_until_turned_off(district, login):
    client = login(district.users["secretary1"])
    page = client.get(URL)
    assert page.context["form"]["weekly_digest"].value() is True
    response = client.post(URL, {}, follow=True)
    assert "已关闭每周待办提醒。" in response.content.decode()
    assert not ReminderPreference.objects.get(user=district.users["secretary1"]).weekly_digest
    assert client.get(URL).context["form"]["weekly_digest"].value() is False


def test_turning_it_back_on(district, login):
    client = login(district.users["member1"])
    client.post(URL, {})
    response = client.post(URL, {"weekly_digest": "on"}, follow=True)
    assert "已开启每周待办提醒。" in response.content.decode()
    assert ReminderPreference.objects.get(user=district.users["member1"]).weekly_digest


def test_one_persons_choice_changes_no_one_elses(district, login):
    login(district.users["secretary1"]).post(URL, {})
    assert list(ReminderPreference.objects.values_list("user__username", flat=True)) == [
        "secretary1"
    ]


def test_the_home_page_links_to_it(district, login):
    page = login(district.users["secretary1"]).get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(URL, {}).status_code == 302

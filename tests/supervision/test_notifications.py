"""Whoever acts next is told, in the app and by e-mail; the notifications page."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common.models import Notification
from supervision.services import transitions as services
from tests.factories import UserFactory
from tests.supervision.test_state_machine import (
    answer_all,
    application_in,
    approve,
    fresh,
    give_opinion,
    hold_meeting,
    send_back,
    start,
    submit,
)
from units.models import Role, RoleAssignment

URL = reverse("supervision:notifications")


def _told(text_part=""):
    """Usernames with a notice containing `text_part`."""
    return set(
        Notification.objects.filter(text__contains=text_part).values_list(
            "user__username", flat=True
        )
    )


@pytest.fixture
def with_addresses(live_district):
    """Some users have an e-mail address; the others are told only in the app."""
    for name in ["supervisor1", "secretary1", "leader1"]:
        user = live_district.users[name]
        user.email = f"{name}@example.cn"
        user.save(update_fields=["email"])
    return live_district


# Who is told ---------------------------------------------------------------------------


def test_recording_the_meeting_tells_the_supervision_group(live_district):
    d = live_district
    application = start(d)
    answer_all(d, application)
    hold_meeting(d, application)
    assert _told("召开了转段分析会") == {"supervisor1"}


def test_submitting_tells_the_group_and_the_office(
    with_addresses, django_capture_on_commit_callbacks, mailoutbox
):
    d = with_addresses
    application = application_in(d, "draft_evaluated")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        submit(d, application)

    assert _told() == {"supervisor1", "office"}
    notice = Notification.objects.get(user=d.users["office"])
    assert notice.text == "区一中党支部报送了转段申请(学习动员,第1轮)。"
    assert notice.link == reverse("supervision:application", args=[application.pk])
    assert notice.read_at is None
    # The office has no address here: only the supervisor gets a mail.
    assert [mail.to for mail in mailoutbox] == [["supervisor1@example.cn"]]
    mail = mailoutbox[0]
    assert "区一中党支部" in mail.subject
    assert "区一中党支部" in mail.body
    assert f"{settings.SITE_URL}{notice.link}" in mail.body


def test_no_mail_leaves_before_the_submission_is_committed(
    with_addresses, django_capture_on_commit_callbacks, mailoutbox
):
    d = with_addresses
    application = application_in(d, "draft_evaluated")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(d, application)
    assert mailoutbox == []
    assert callbacks


def test_the_groups_opinion_tells_the_office(live_district):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    Notification.objects.all().delete()
    give_opinion(d, application, agrees=False)
    assert _told() == {"office"}
    assert _told("不同意") == {"office"}


@pytest.mark.parametrize("decide", [approve, send_back], ids=["approve", "return"])
def test_the_decision_tells_the_branchs_secretary_and_leader(
    with_addresses, django_capture_on_commit_callbacks, mailoutbox, decide
):
    d = with_addresses
    application = application_in(d, "submitted_with_opinion")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        decide(d, application)

    # Not the other branches' secretaries, not the group, not the office.
    assert _told("区一中党支部") == {"secretary1", "leader1"}
    assert _told() == {"secretary1", "leader1"}
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "leader1@example.cn",
        "secretary1@example.cn",
    ]


def test_the_approval_notice_names_the_stage_and_date(live_district):
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    approve(d, application, transition_date=timezone.localdate() + datetime.timedelta(days=2))
    text = Notification.objects.get(user=d.users["secretary1"], text__contains="审批同意").text
    assert "进入分析评议" in text


def test_the_return_notice_gives_the_reason(live_district):
    d = live_district
    application_in(d, "returned")
    assert _told("退回补课:缺课未补齐") == {"secretary1", "leader1"}


def test_a_ward_application_tells_its_own_group_and_secretary(live_district):
    d = live_district
    office, secretary2, supervisor2 = (d.users[n] for n in ["office", "secretary2", "supervisor2"])
    application = start(d, d.ward)
    services.answers_save(
        application=fresh(application),
        answers=dict.fromkeys(range(1, 5), "已提高"),
        user=secretary2,
    )
    services.meeting_record(
        application=fresh(application),
        held_on=timezone.localdate(),
        attendees="全体党员",
        minutes="逐条分析",
        user=secretary2,
    )
    services.meeting_evaluate(application=fresh(application), evaluation="好", user=supervisor2)
    services.application_submit(application=fresh(application), user=secretary2)
    assert _told("区医院内科党支部报送") == {"supervisor2", "office"}
    services.group_opinion_give(
        application=fresh(application),
        agrees=True,
        reasons="合格",
        user=supervisor2,
        unmet_acknowledged=True,
    )
    services.application_approve(
        application=fresh(application), user=office, reason="合格", unmet_acknowledged=True
    )
    assert _told("区医院内科党支部的转段申请已审批同意") == {"secretary2"}


def test_inactive_users_are_not_told(live_district):
    d = live_district
    office2 = UserFactory(username="office2", is_active=False)
    RoleAssignment.objects.create(user=office2, role=Role.OFFICE, unit=d.root)
    application = application_in(d, "draft_evaluated")
    submit(d, application)
    assert "office2" not in _told()


# The notifications page ------------------------------------------------------------------


def _notice(user, text, link="", read=False):
    return Notification.objects.create(
        user=user, text=text, link=link, read_at=timezone.now() if read else None
    )


def _items(response):
    """The notices on the page, top first, as (id, unread)."""
    html = response.content.decode()
    return [
        (int(pk), "list-group-item-warning" in classes)
        for classes, pk in re.findall(
            r'class="([^"]*)"\s+href="\?open=\d+" data-notification="(\d+)"', html
        )
    ]


def test_the_page_lists_the_users_notices_newest_first_unread_highlighted(live_district, login):
    d = live_district
    user = d.users["secretary1"]
    old = _notice(user, "区一中党支部的转段申请被退回补课:缺课未补齐。", "/a/", read=True)
    new = _notice(user, "区一中党支部的转段申请已审批同意。", "/b/")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    _notice(d.users["secretary2"], "别人的通知")

    response = login(user).get(URL)

    assert response.status_code == 200
    assert _items(response) == [(new.pk, True), (old.pk, False)]
    content = response.content.decode()
    assert "别人的通知" not in content
    assert "1条未读" in content
    assert "全部标为已读" in content


def test_a_user_without_notices_is_told_so(live_district, login):
    response = login(live_district.users["outsider"]).get(URL)
    assert "暂无通知" in response.content.decode()
    assert "全部标为已读" not in response.content.decode()


def test_opening_a_notice_marks_it_read_and_follows_its_link(live_district, login):
    d = live_district
    user = d.users["secretary1"]
    notice = _notice(user, "区一中党支部的转段申请已审批同意。", "/supervision/applications/7/")
    other = _notice(user, "另一条")

    response = login(user).get(URL, {"open": notice.pk})

    assert response.status_code == 302
    assert response.url == "/supervision/applications/7/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    other.refresh_from_db()
    assert other.read_at is None


def test_opening_again_keeps_the_first_reading_time(live_district, login):
    d = live_district
    user = d.users["secretary1"]
    first = timezone.now() - datetime.timedelta(hours=3)
    notice = Notification.objects.create(user=user, text="t", link="/x/", read_at=first)
    login(user).get(URL, {"open": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at == first


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", ""],
    ids=["other site", "scheme-relative", "javascript", "no link"],
)
def test_a_notice_without_a_same_site_link_comes_back_to_the_list(live_district, login, link):
    d = live_district
    user = d.users["secretary1"]
    notice = _notice(user, "t", link)
    response = login(user).get(URL, {"open": notice.pk})
    assert response.status_code == 302
    assert response.url == URL
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "²", "99999999999999999999999"])
def test_opening_someone_elses_or_no_notice_is_not_found(live_district, login, value):
    d = live_district
    theirs = _notice(d.users["secretary2"], "别人的通知", "/x/")
    client = login(d.users["secretary1"])
    assert client.get(URL, {"open": theirs.pk}).status_code == 404
    assert client.get(URL, {"open": value}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_marks_only_the_users_own(live_district, login):
    d = live_district
    user = d.users["secretary1"]
    for n in range(3):
        _notice(user, f"通知{n}")
    earlier = timezone.now() - datetime.timedelta(days=2)
    already = Notification.objects.create(user=user, text="早已读过", read_at=earlier)
    theirs = _notice(d.users["secretary2"], "别人的通知")

    response = login(user).post(URL, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "已将3条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    already.refresh_from_db()
    assert already.read_at == earlier
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "全部标为已读" not in response.content.decode()


def test_the_page_shows_thirty_at_a_time(live_district, login):
    d = live_district
    user = d.users["secretary1"]
    Notification.objects.bulk_create(
        Notification(user=user, text=f"第{n}条通知") for n in range(1, 36)
    )
    client = login(user)
    first = client.get(URL)
    assert len(_items(first)) == 30
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(_items(second)) == 5


def test_the_page_query_count_does_not_grow_with_notices(live_district, login, count_queries):
    d = live_district
    user = d.users["secretary1"]
    _notice(user, "一条")
    client = login(user)
    before = count_queries(client, URL)
    Notification.objects.bulk_create(
        Notification(
            user=user, text=f"第{n}条通知", link="/x/", read_at=None if n % 2 else timezone.now()
        )
        for n in range(60)
    )
    assert count_queries(client, URL) == before
    assert count_queries(client, URL, page=2) == before

"""The weekly reminder (每周待办提醒): each secretary hears of the branch's to-dos and each
member still owing study of what is owed, at most once a week, in the app and by e-mail
when the server has a mail backend; anyone may turn it off."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from common.models import Notification
from config.celery import app as celery_app
from study.models import WritingKind
from study.services.writings import writing_submit
from tests.factories import UserFactory
from tests.todos.ledger import build_ledger
from todos.models import ReminderPreference
from todos.selectors import digest_recipients
from todos.services import digest_send, reminder_preference_set
from todos.tasks import digest_weekly
from units.models import Member


@pytest.fixture
def ledger(live_district):
    build_ledger(live_district)
    for name in ("secretary1", "secretary2", "member1"):
        user = live_district.users[name]
        user.email = f"{name}@example.org"
        user.save()
    return live_district


def monday_at(hour, weeks=0):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time(hour)))


def notices(user):
    return Notification.objects.filter(user=user)


def test_two_runs_in_one_week_send_one_reminder(ledger, django_capture_on_commit_callbacks):
    secretary = ledger.users["secretary1"]
    with django_capture_on_commit_callbacks(execute=True):
        first = digest_weekly()
    with django_capture_on_commit_callbacks(execute=True):
        second = digest_weekly()
    assert first >= 1 and second == 0
    assert notices(secretary).count() == 1
    assert [message.to for message in mail.outbox].count([secretary.email]) == 1


@pytest.mark.parametrize(
    ("later", "sent"),
    [
        (lambda: monday_at(0, weeks=1) - datetime.timedelta(minutes=1), False),
        (lambda: monday_at(0, weeks=1), True),
    ],
    ids=["Sunday night", "next Monday"],
)
def test_a_week_is_monday_to_sunday(ledger, later, sent):
    secretary = ledger.users["secretary1"]
    assert digest_send(user=secretary, now=monday_at(8))
    assert digest_send(user=secretary, now=later()) is sent
    assert notices(secretary).count() == (2 if sent else 1)
    preference = ReminderPreference.objects.get(user=secretary)
    assert preference.last_digest_at == (later() if sent else monday_at(8))


def test_a_secretary_is_told_the_branchs_todos(ledger):
    secretary = ledger.users["secretary1"]
    assert digest_send(user=secretary)
    notice = notices(secretary).get()
    assert notice.text.startswith("本周待办")
    assert "区一中党支部 · 缺课未补" in notice.text
    assert "区一中党支部 · 笔记批阅" in notice.text
    assert notice.link == "/"


def test_a_person_who_turned_reminders_off_gets_none(ledger, django_capture_on_commit_callbacks):
    secretary = ledger.users["secretary1"]
    reminder_preference_set(user=secretary, weekly_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        digest_weekly()
    assert not notices(secretary).exists()
    assert secretary.email not in [to for message in mail.outbox for to in message.to]
    assert secretary not in digest_recipients()


def test_a_member_who_has_finished_gets_none(ledger):
    member = ledger.users["member1"]
    # 张建国 has his 40 学时 and two long essays; a note is all he owes.
    assert member in digest_recipients()
    writing_submit(
        member=ledger.member1, kind=WritingKind.NOTE, title="笔记", text="学习党章", user=member
    )
    assert member not in digest_recipients()
    assert not digest_send(user=member)
    assert not notices(member).exists()
    assert not ReminderPreference.objects.filter(user=member, last_digest_at__isnull=False)


def test_a_lagging_member_is_told_what_is_still_owed(ledger, django_capture_on_commit_callbacks):
    wang = Member.objects.get(name="王强")
    wang.user = UserFactory(username="wangqiang", email="wq@example.org")
    wang.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(user=wang.user)
    body = mail.outbox[-1].body
    assert "待补课:有3次缺课还没有补,请与支部书记联系补课。" in body
    assert "学习学时:已学12学时,其中集中学习12学时。还差28学时" in body


def test_the_email_carries_the_reminder_in_chinese_when_mail_is_configured(
    ledger, django_capture_on_commit_callbacks
):
    secretary = ledger.users["secretary1"]
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(user=secretary)
    (message,) = mail.outbox
    assert message.to == [secretary.email]
    assert message.subject == "先进性教育活动:本周待办提醒"
    assert "以下是您本周的待办事项:" in message.body
    assert "区一中党支部 · 缺课未补:有3次缺课还没有补课,补课后请登记。" in message.body
    assert f"{settings.SITE_URL}/study/units/{ledger.school1.pk}/makeups/" in message.body
    assert f"{settings.SITE_URL}/todos/settings/" in message.body


def test_without_a_mail_server_the_reminder_stays_in_the_app(
    ledger, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    secretary = ledger.users["secretary1"]
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(user=secretary)
    assert notices(secretary).count() == 1
    assert mail.outbox == []


def test_a_secretary_with_nothing_owed_is_not_reminded(ledger):
    # 区医院内科 has held no session and received no writing: nothing waits there.
    assert not digest_send(user=ledger.users["secretary2"])


def test_the_weekly_job_runs_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-reminders"]
    assert entry["task"] == "todos.tasks.digest_weekly"
    assert entry["task"] in celery_app.tasks

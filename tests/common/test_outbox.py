"""The outbox (common.outbox): a job is written with the change that needs it and sent once
that commits; one the broker refused stays, and beat's flush sends it later. In-process
(no broker) the job just runs on commit.

The broker here is a stand-in (the task's `delay` raising or recording); with a real Redis
stopped and started: tests/reports/test_broker_faults.py.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.models import Notification, OutboxMessage
from common.notifications import notify
from common.tasks import outbox_flush, send_notification_emails
from config.celery import app
from tests.factories import UserFactory
from todos.services import digest_send
from todos.tasks import digest_email_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_a_broker():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def sent(monkeypatch):
    """The jobs the broker took, as (task name, args)."""
    taken = []
    for task in (send_notification_emails, digest_email_send):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: taken.append((task.name, args)))
    return taken


def refused(*args):
    raise OperationalError("Connection refused.")


@pytest.fixture
def redis_down(monkeypatch):
    monkeypatch.setattr(send_notification_emails, "delay", refused)


def told(user, text="请及时办理。"):
    notify(users=[user], text=text)
    return Notification.objects.filter(user=user).latest("pk")


def aged():
    OutboxMessage.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))


def test_in_process_the_job_runs_on_commit_and_nothing_is_written(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="zhang@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        told(user)
        assert not OutboxMessage.objects.exists()
    assert [mail.to for mail in mailoutbox] == [["zhang@example.cn"]]


def test_with_a_broker_the_job_is_written_with_the_change_and_sent_once_it_commits(
    with_a_broker, sent, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notice = told(user)
        (waiting,) = OutboxMessage.objects.all()
        assert (waiting.task, waiting.args) == (send_notification_emails.name, [[notice.pk]])
        assert sent == []
    assert sent == [(send_notification_emails.name, ([notice.pk],))]
    assert not OutboxMessage.objects.exists()


def test_a_job_of_a_change_rolled_back_is_never_sent(with_a_broker, sent):
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        told(user)
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()
    assert sent == []


def test_a_refused_job_stays_and_beats_flush_sends_it_once_the_broker_is_back(
    with_a_broker, monkeypatch, django_capture_on_commit_callbacks
):
    user = UserFactory()
    monkeypatch.setattr(send_notification_emails, "delay", refused)
    with django_capture_on_commit_callbacks(execute=True):
        notice = told(user)
    (waiting,) = OutboxMessage.objects.all()
    assert (waiting.tries, waiting.last_error) == (1, "OperationalError: Connection refused.")
    # Still being sent by whoever wrote it, as far as the flush knows.
    assert outbox_flush() == 0

    taken = []
    monkeypatch.setattr(send_notification_emails, "delay", lambda *args: taken.append(args))
    aged()
    assert outbox_flush() == 1
    assert taken == [([notice.pk],)]
    assert not OutboxMessage.objects.exists()


def test_the_flush_stops_at_the_first_refusal(
    with_a_broker, redis_down, django_capture_on_commit_callbacks
):
    users = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            told(user)
    aged()
    assert outbox_flush() == 0
    assert list(OutboxMessage.objects.values_list("tries", flat=True)) == [2, 1, 1]


def test_the_weekly_reminder_mail_goes_through_the_outbox_too(
    with_a_broker, sent, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from todos import services

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    user = UserFactory(email="li@example.cn")
    monkeypatch.setattr(services, "digest_todos", lambda user, today: [_todo()])
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_send(user=user)
        (waiting,) = OutboxMessage.objects.all()
        assert waiting.task == digest_email_send.name
    assert [name for name, _args in sent] == [digest_email_send.name]
    assert not OutboxMessage.objects.exists()


def _todo():
    from todos.selectors import Todo

    return Todo(
        key="reviews", label="批阅学习笔记", count=3, url="/", detail="3篇待批阅", owed=True
    )

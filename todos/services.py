"""Writes of the todos app: a person's reminder preference, and the weekly reminder
(每周待办提醒) itself.

A reminder goes to a person at most once a calendar week (Monday to Sunday, Beijing time):
the service claims the week on the person's preference row with a conditional UPDATE, so
a second run of the job, or two running at once, sends nothing a second time. It is left
in the app as a notice, and e-mailed when the server has a real mail backend.
"""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from common.models import Notification
from common.outbox import enqueue
from todos.models import ReminderPreference
from todos.selectors import Todo, digest_todos
from todos.tasks import digest_email_send

# Backends that only print or drop mail: the default of a machine with no mail server.
UNSENT_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}

NOTICE_LENGTH = Notification._meta.get_field("text").max_length


def mail_configured() -> bool:
    return settings.EMAIL_BACKEND not in UNSENT_BACKENDS


def reminder_preference_set(*, user: AbstractBaseUser, weekly_digest: bool) -> ReminderPreference:
    """Turn `user`'s weekly reminder on or off."""
    with transaction.atomic():
        preference, _created = ReminderPreference.objects.get_or_create(user=user)
        preference.weekly_digest = weekly_digest
        preference.save(update_fields=["weekly_digest"])
    return preference


def week_start(now: datetime.datetime) -> datetime.datetime:
    """Monday 0:00 of `now`'s week, Beijing time."""
    today = timezone.localdate(now)
    monday = today - datetime.timedelta(days=today.weekday())
    return timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))


def digest_send(*, user: AbstractBaseUser, now: datetime.datetime | None = None) -> bool:
    """Remind `user` of what they owe (todos.selectors.digest_todos), unless nothing is
    owed, they turned reminders off, or they were reminded this week. True when sent."""
    now = now or timezone.now()
    todos = digest_todos(user, timezone.localdate(now))
    if not todos:
        return False
    ReminderPreference.objects.get_or_create(user=user)
    with transaction.atomic():
        claimed = (
            ReminderPreference.objects.filter(user=user, weekly_digest=True)
            .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=week_start(now)))
            .update(last_digest_at=now)
        )
        if not claimed:
            return False
        Notification.objects.create(user=user, text=digest_notice(todos), link=reverse("home"))
        if mail_configured() and user.email:
            subject, body = _("先进性教育活动:本周待办提醒"), digest_body(user, todos)
            enqueue(digest_email_send, user.pk, subject, body)
    return True


def digest_notice(todos: list[Todo]) -> str:
    """The in-app notice: what is owed, in one line."""
    text = _("本周待办%(n)s项:%(items)s。请在首页逐项办理。") % {
        "n": len(todos),
        "items": ";".join(todo.label for todo in todos),
    }
    return Truncator(text).chars(NOTICE_LENGTH)


def digest_body(user: AbstractBaseUser, todos: list[Todo]) -> str:
    """The e-mail: each to-do as a sentence with the address of the page it is done on."""
    name = f"{user.last_name}{user.first_name}".strip() or user.get_username()
    lines = [_("%(name)s同志:") % {"name": name}, "", _("以下是您本周的待办事项:"), ""]
    for number, todo in enumerate(todos, start=1):
        lines.append(f"{number}. {todo.label}:{todo.detail}")
        lines.append(f"   {settings.SITE_URL}{todo.url}")
    lines += [
        "",
        _("不想再收到每周待办提醒,可以在这里关闭:%(url)s")
        % {"url": f"{settings.SITE_URL}{reverse('todos:settings')}"},
    ]
    return "\n".join(lines)

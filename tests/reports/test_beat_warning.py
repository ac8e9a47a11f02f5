"""Without Celery beat nothing sends a lost briefing again (issue 12): the briefings pages
say so when the sweep, which beat runs every ten minutes, has not run for an hour. In
process (no broker, no beat) they don't."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from reports.models import Briefing, BriefingState, BriefingSweep
from reports.tasks import briefing_sweep

WARNING = "后台定时任务(Celery beat)已超过1小时未运行,排队的简报可能不会重试"


@pytest.fixture
def with_a_broker():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = saved


def list_page(district, login):
    response = login(district.users["office"]).get(reverse("reports:briefing_list"))
    assert response.status_code == 200
    return response.content.decode()


def detail_page(district, login, state):
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=1,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
        state=state,
    )
    url = reverse("reports:briefing_detail", args=[briefing.pk])
    return login(district.users["office"]).get(url).content.decode()


def swept(ago):
    BriefingSweep.objects.update_or_create(pk=1, defaults={"ran_at": timezone.now() - ago})


def test_the_list_warns_when_the_sweep_never_ran(district, login, with_a_broker):
    assert WARNING in list_page(district, login)


def test_the_list_warns_when_the_sweep_last_ran_over_an_hour_ago(district, login, with_a_broker):
    swept(datetime.timedelta(minutes=61))
    assert WARNING in list_page(district, login)


def test_no_warning_while_beat_runs_the_sweep(district, login, with_a_broker):
    swept(datetime.timedelta(hours=3))
    briefing_sweep()
    assert WARNING not in list_page(district, login)
    assert BriefingSweep.objects.get().ran_at > timezone.now() - datetime.timedelta(minutes=1)


def test_no_warning_in_process_where_there_is_no_beat(district, login):
    assert app.conf.task_always_eager
    assert not BriefingSweep.objects.exists()
    assert WARNING not in list_page(district, login)


@pytest.mark.parametrize(
    ("state", "warned"),
    [(BriefingState.QUEUED, True), (BriefingState.RUNNING, True), (BriefingState.DONE, False)],
    ids=["queued", "running", "done"],
)
def test_a_briefing_still_to_be_made_warns_too(district, login, with_a_broker, state, warned):
    assert (WARNING in detail_page(district, login, state)) is warned


def test_beat_runs_the_sweep_and_the_outbox_flush():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.tasks.briefing_sweep", "common.tasks.outbox_flush"} <= tasks

"""A briefing's job delivered twice (issue 12): a delivery takes over a briefing whose
worker went silent, waits while the other is alive, gives up after MAX_ATTEMPTS, and a
worker that was taken over drops its PDF. The sweep sends again what was queued too long.

The task is called as a worker calls it (not eager); the PDF is a stand-in. With real
workers killed mid-render: tests/reports/test_worker_killed.py.
"""

import datetime
import time
import types

import pytest
from django.utils import timezone

from common.models import OutboxMessage
from config.celery import app
from reports import briefing_document
from reports.models import Briefing, BriefingState
from reports.services import briefings
from reports.services.briefings import MAX_ATTEMPTS, briefing_generate, briefing_retry
from reports.tasks import briefing_sweep

FAKE_PDF = b"%PDF-1.7\n% a stand-in for a briefing\n"


@pytest.fixture(autouse=True)
def quick_pdf(settings, tmp_path, monkeypatch):
    """Renders are counted and cost nothing; PDFs land in a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    renders = []

    def render(html):
        renders.append(html)
        return FAKE_PDF

    monkeypatch.setattr(briefing_document, "briefing_pdf", render)
    return renders


@pytest.fixture
def waits(monkeypatch):
    """Each wait of a delivery for another worker runs the next of `waits.then` instead of
    sleeping."""
    then = []

    def sleep(seconds):
        then.pop(0)()

    monkeypatch.setattr(
        briefings, "time", types.SimpleNamespace(sleep=sleep, monotonic=time.monotonic)
    )
    return then


def running(district, *, seen_ago, attempts=1, issue=1):
    return Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=issue,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
        state=BriefingState.RUNNING,
        progress=60,
        attempts=attempts,
        started_at=timezone.now() - datetime.timedelta(minutes=10),
        heartbeat_at=timezone.now() - seen_ago,
    )


def seen(briefing, ago):
    Briefing.objects.filter(pk=briefing.pk).update(heartbeat_at=timezone.now() - ago)


def pdfs(settings):
    from pathlib import Path

    return sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_a_delivery_takes_over_a_briefing_whose_worker_went_silent(district, quick_pdf):
    briefing = running(district, seen_ago=datetime.timedelta(minutes=2))

    briefing_generate(briefing.pk)

    briefing.refresh_from_db()
    assert (briefing.state, briefing.progress, briefing.attempts) == (BriefingState.DONE, 100, 2)
    assert len(quick_pdf) == 1


def test_a_delivery_leaves_the_briefing_to_a_worker_still_alive(district, quick_pdf, waits):
    briefing = running(district, seen_ago=datetime.timedelta(seconds=5))

    def the_other_finishes():
        Briefing.objects.filter(pk=briefing.pk).update(state=BriefingState.DONE, progress=100)

    waits += [lambda: seen(briefing, datetime.timedelta(seconds=1)), the_other_finishes]
    briefing_generate(briefing.pk)

    briefing.refresh_from_db()
    assert (briefing.state, briefing.attempts) == (BriefingState.DONE, 1)
    assert quick_pdf == []
    assert waits == []


def test_a_waiting_delivery_takes_over_once_the_other_worker_goes_silent(
    district, quick_pdf, waits
):
    """A worker killed mid-way gives its message straight back while its stamp is fresh."""
    briefing = running(district, seen_ago=datetime.timedelta(seconds=1))
    waits.append(lambda: seen(briefing, datetime.timedelta(minutes=2)))

    briefing_generate(briefing.pk)

    briefing.refresh_from_db()
    assert (briefing.state, briefing.attempts) == (BriefingState.DONE, 2)
    assert len(quick_pdf) == 1


def test_in_process_a_running_briefing_is_not_waited_for(district, quick_pdf, waits):
    briefing = running(district, seen_ago=datetime.timedelta(seconds=1))
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        briefing_generate.delay(briefing.pk)
    finally:
        app.conf.task_always_eager = saved
    briefing.refresh_from_db()
    assert (briefing.state, briefing.progress) == (BriefingState.RUNNING, 60)


def test_a_briefing_that_keeps_killing_its_worker_is_failed_for_the_office(district, quick_pdf):
    briefing = running(district, seen_ago=datetime.timedelta(minutes=2), attempts=MAX_ATTEMPTS)

    briefing_generate(briefing.pk)

    briefing.refresh_from_db()
    assert briefing.state == BriefingState.FAILED
    assert briefing.error.startswith("生成中断:处理简报的后台进程连续3次中途停止")
    assert quick_pdf == []
    # The office's 重试 starts the count again.
    briefing_retry(briefing=briefing, user=district.users["office"])
    briefing.refresh_from_db()
    assert (briefing.state, briefing.attempts) == (BriefingState.QUEUED, 0)


def test_a_worker_taken_over_drops_its_pdf(district, monkeypatch, settings):
    briefing = running(district, seen_ago=datetime.timedelta(minutes=2))

    def render_while_taken_over(html):
        # Meanwhile another delivery found this worker silent and took the briefing.
        Briefing.objects.filter(pk=briefing.pk).update(attempts=3, heartbeat_at=timezone.now())
        return FAKE_PDF

    monkeypatch.setattr(briefing_document, "briefing_pdf", render_while_taken_over)
    briefing_generate(briefing.pk)

    briefing.refresh_from_db()
    assert (briefing.state, briefing.attempts) == (BriefingState.RUNNING, 3)
    assert not briefing.file
    assert pdfs(settings) == []


# The heartbeat is written from a thread of its own, which sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_a_worker_records_a_heartbeat_while_it_renders(district, monkeypatch):
    monkeypatch.setattr(briefings, "HEARTBEAT_EVERY", 0.05)
    briefing = running(district, seen_ago=datetime.timedelta(minutes=2))
    stamps = []

    def slow_render(html):
        started = timezone.now()
        time.sleep(0.5)
        stamps.append((started, Briefing.objects.get(pk=briefing.pk).heartbeat_at))
        return FAKE_PDF

    monkeypatch.setattr(briefing_document, "briefing_pdf", slow_render)
    briefing_generate(briefing.pk)

    ((render_started, last_stamp),) = stamps
    assert last_stamp > render_started


def test_the_sweep_sends_again_a_briefing_queued_too_long(
    district, django_capture_on_commit_callbacks
):
    old, new = (
        Briefing.objects.create(
            batch=district.batch,
            unit=district.root,
            issue_number=issue,
            period_start=datetime.date(2005, 1, 20),
            period_end=datetime.date(2005, 1, 26),
            heartbeat_at=timezone.now() - ago,
        )
        for issue, ago in [(1, datetime.timedelta(hours=2)), (2, datetime.timedelta(minutes=1))]
    )
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=False):
            briefing_sweep()
            briefing_sweep()  # once sent again, it waits another while
    finally:
        app.conf.task_always_eager = saved

    (waiting,) = OutboxMessage.objects.all()
    assert (waiting.task, waiting.args) == (briefing_generate.name, [old.pk])
    old.refresh_from_db()
    assert old.state == BriefingState.QUEUED
    assert old.heartbeat_at > timezone.now() - datetime.timedelta(minutes=1)
    assert Briefing.objects.get(pk=new.pk).state == BriefingState.QUEUED

"""Asking for a 简报 and making it in the background, with Celery running tasks in-process:
the PDF, the 期号, the period, a failure and its retry, a storage hiccup, the weekly one."""

import datetime
import re
import shutil
import subprocess

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from config.celery import app
from reports import briefing_document
from reports.models import Briefing, BriefingState
from reports.services import briefings
from reports.services.briefings import briefing_generate, briefing_request, briefing_retry
from reports.tasks import briefing_weekly
from tests.conftest import require_service


@pytest.fixture(autouse=True)
def in_process(settings, tmp_path, monkeypatch):
    """Tasks run in the test's process, PDFs land in a directory of the test's own. The
    job runs as it is sent, not in a thread of its own (tests/reports/
    test_briefing_in_process.py): another thread would not see the test's uncommitted rows."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    monkeypatch.setattr(briefings, "_send", briefing_generate.delay)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    app.conf.task_always_eager = saved


def pdf_text(briefing):
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")
    with briefing.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=30
    )
    # Spacing is the layout's business ("第 1 期" or "第1期"): compare the characters only.
    return re.sub(r"\s+", "", done.stdout.decode())


def request(district, *, run, user=None, **kwargs):
    """A briefing of the district's first week, its task run once the request commits."""
    kwargs.setdefault("unit", district.root)
    kwargs.setdefault("period_start", datetime.date(2005, 1, 20))
    kwargs.setdefault("period_end", datetime.date(2005, 1, 26))
    with run(execute=True):
        briefing = briefing_request(user=user or district.users["office"], **kwargs)
    briefing.refresh_from_db()
    return briefing


def test_a_requested_briefing_is_made_in_the_background(
    district, django_capture_on_commit_callbacks
):
    briefing = request(district, run=django_capture_on_commit_callbacks)

    assert briefing.state == BriefingState.DONE
    assert briefing.progress == 100
    assert briefing.finished_at is not None
    assert briefing.error == ""
    assert briefing.requested_by == district.users["office"]
    assert briefing.file.name.endswith("jianbao-1.pdf")
    text = pdf_text(briefing)
    assert "先进性教育活动简报" in text
    assert "第1期" in text


def test_the_task_is_queued_only_once_the_request_commits(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        briefing = briefing_request(
            user=district.users["office"],
            unit=district.root,
            period_start=datetime.date(2005, 1, 20),
            period_end=datetime.date(2005, 1, 26),
        )
    assert len(callbacks) == 1
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.QUEUED
    assert briefing.progress == 0


def test_a_group_briefing_names_its_group(district, django_capture_on_commit_callbacks):
    group = district.groups[0]
    briefing = request(
        district,
        run=django_capture_on_commit_callbacks,
        unit=None,
        group=group,
        user=district.users["supervisor1"],
    )
    assert briefing.state == BriefingState.DONE
    assert briefing.scope_name == group.name


def test_the_issue_number_defaults_to_the_next_one(district, django_capture_on_commit_callbacks):
    request(district, run=django_capture_on_commit_callbacks, issue_number=5)
    briefing = request(district, run=django_capture_on_commit_callbacks)
    assert briefing.issue_number == 6


def test_an_issue_number_used_before_is_refused(district, django_capture_on_commit_callbacks):
    request(district, run=django_capture_on_commit_callbacks, issue_number=3)
    with pytest.raises(ValidationError) as raised:
        briefing_request(
            user=district.users["office"],
            unit=district.education,
            issue_number=3,
            period_start=datetime.date(2005, 2, 1),
            period_end=datetime.date(2005, 2, 7),
        )
    assert raised.value.message_dict["issue_number"] == ["第3期简报已经有了,下一期是第4期。"]
    assert Briefing.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ((2005, 2, 7), (2005, 2, 1), "period_end", "统计截止日期不能早于起始日期。"),
        ((2005, 1, 10), (2005, 1, 26), "period_start", "统计期间应在本批次活动期间"),
        ((2005, 6, 25), (2005, 7, 3), "period_start", "统计期间应在本批次活动期间"),
    ],
    ids=["ends-before-it-starts", "starts-before-the-campaign", "ends-after-the-campaign"],
)
def test_the_period_lies_within_the_batch(district, start, end, field, message):
    with pytest.raises(ValidationError) as raised:
        briefing_request(
            user=district.users["office"],
            unit=district.root,
            period_start=datetime.date(*start),
            period_end=datetime.date(*end),
        )
    assert raised.value.message_dict[field][0].startswith(message)
    assert not Briefing.objects.exists()


@pytest.mark.parametrize("both", [True, False], ids=["unit-and-group", "neither"])
def test_a_briefing_has_exactly_one_scope(district, both):
    scope = {"unit": district.root, "group": district.groups[0]} if both else {}
    with pytest.raises(ValidationError, match="请选择简报的范围"):
        briefing_request(
            user=district.users["office"],
            period_start=datetime.date(2005, 1, 20),
            period_end=datetime.date(2005, 1, 26),
            **scope,
        )


def test_a_failure_is_recorded_with_its_reason_and_can_be_retried(
    district, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html):
        raise RuntimeError("找不到中文字体")

    with monkeypatch.context() as patch:
        patch.setattr(briefing_document, "briefing_pdf", broken)
        briefing = request(district, run=django_capture_on_commit_callbacks)

    assert briefing.state == BriefingState.FAILED
    assert briefing.error == "生成PDF文件时出错:RuntimeError: 找不到中文字体"
    assert briefing.progress == 60
    assert not briefing.file

    with django_capture_on_commit_callbacks(execute=True):
        briefing_retry(briefing=briefing, user=district.users["office"])
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE
    assert briefing.error == ""
    assert briefing.issue_number == 1
    assert "第1期" in pdf_text(briefing)


def test_only_a_failed_briefing_can_be_retried(district, django_capture_on_commit_callbacks):
    briefing = request(district, run=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="只有生成失败的简报才能重试"):
        briefing_retry(briefing=briefing, user=district.users["office"])


def no_space(storage, name, content):
    raise OSError(28, "No space left on device")


def test_a_storage_error_under_a_worker_is_retried(district, monkeypatch):
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=1,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
    )
    retries = []

    def retry(**kwargs):
        retries.append(kwargs)
        return Retry(exc=kwargs["exc"], when=kwargs["countdown"])

    monkeypatch.setattr(briefing_generate, "retry", retry)
    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "_save", no_space)
        # Called directly, as a worker calls it: not eager, first attempt.
        with pytest.raises(Retry):
            briefing_generate(briefing.pk)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.QUEUED
    assert isinstance(retries[0]["exc"], OSError)
    assert retries[0]["countdown"] >= 0

    briefing_generate(briefing.pk)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE


def test_a_storage_error_on_the_last_attempt_fails_the_briefing(district, monkeypatch):
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=1,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
    )
    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    briefing_generate.push_request(retries=briefing_generate.max_retries)
    try:
        briefing_generate.run(briefing.pk)
    finally:
        briefing_generate.pop_request()
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.FAILED
    assert briefing.error.startswith("保存PDF文件时出错:OSError:")
    assert briefing.progress == 90


def test_a_storage_error_in_process_fails_at_once(
    district, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    briefing = request(district, run=django_capture_on_commit_callbacks)

    assert briefing.state == BriefingState.FAILED
    assert briefing.error.startswith("保存PDF文件时出错:OSError:")


@pytest.mark.parametrize("state", [BriefingState.RUNNING, BriefingState.DONE, BriefingState.FAILED])
def test_the_task_leaves_a_briefing_it_does_not_own_alone(district, state):
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=1,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
        state=state,
        progress=40,
    )
    briefing_generate.delay(briefing.pk)
    briefing.refresh_from_db()
    assert briefing.state == state
    assert briefing.progress == 40


def test_the_task_returns_quietly_for_a_briefing_gone(db):
    briefing_generate.delay(987654)


def test_the_weekly_briefing_covers_the_last_seven_days(
    live_district, django_capture_on_commit_callbacks
):
    request(
        live_district,
        run=django_capture_on_commit_callbacks,
        period_start=live_district.batch.starts_on,
        period_end=live_district.batch.starts_on,
        issue_number=4,
    )
    with django_capture_on_commit_callbacks(execute=True):
        pk = briefing_weekly.delay().get()

    briefing = Briefing.objects.get(pk=pk)
    today = timezone.localdate()
    assert briefing.issue_number == 5
    assert briefing.unit == live_district.root
    assert briefing.requested_by is None
    assert (briefing.period_start, briefing.period_end) == (
        today - datetime.timedelta(days=6),
        today,
    )
    assert briefing.state == BriefingState.DONE
    assert "第5期" in pdf_text(briefing)


def test_no_weekly_briefing_outside_the_batch(district):
    # The district fixture's campaign ran in 2005.
    assert briefing_weekly.delay().get() is None
    assert not Briefing.objects.exists()


def test_the_weekly_briefing_is_scheduled_on_friday_afternoons():
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-briefing"]
    assert entry["task"] == briefing_weekly.name == "reports.tasks.briefing_weekly"
    schedule = entry["schedule"]
    assert schedule.day_of_week == {5}
    assert (schedule.hour, schedule.minute) == ({16}, {0})
    assert app.conf.timezone == "Asia/Shanghai"


def test_a_briefing_whose_worker_died_is_marked_failed_and_can_be_retried(live_district):
    from reports.tasks import briefing_sweep

    d = live_district
    now = timezone.now()

    def running(issue, started_minutes_ago):
        return Briefing.objects.create(
            batch=d.batch,
            unit=d.root,
            issue_number=issue,
            period_start=d.batch.starts_on,
            period_end=d.batch.starts_on,
            state=BriefingState.RUNNING,
            progress=40,
            started_at=now - datetime.timedelta(minutes=started_minutes_ago),
        )

    stalled, busy = running(31, 20), running(32, 2)

    assert briefing_sweep() == 1

    stalled.refresh_from_db()
    busy.refresh_from_db()
    assert stalled.state == BriefingState.FAILED
    assert "后台进程停止" in stalled.error and stalled.progress == 40
    assert busy.state == BriefingState.RUNNING
    # The office's 重试 takes it from here.
    briefing_retry(briefing=stalled, user=d.users["office"])
    stalled.refresh_from_db()
    assert stalled.state in (BriefingState.QUEUED, BriefingState.DONE)


def test_generation_records_when_it_started(
    live_district, in_process, django_capture_on_commit_callbacks
):
    d = live_district
    with django_capture_on_commit_callbacks(execute=True):
        briefing = briefing_request(
            user=d.users["office"],
            unit=d.root,
            period_start=d.batch.starts_on,
            period_end=timezone.localdate(),
        )
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE
    assert briefing.started_at is not None and briefing.started_at <= briefing.finished_at

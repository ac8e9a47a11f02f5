"""Without a broker Celery runs a task where it is sent. Asking for a 简报 must still answer
at once: the job runs in a thread beside the request, and the page shows how far it has
got as the job stores it. With a broker the task goes to the worker as before.

The thread has a database connection of its own, so these tests commit their rows.
"""

import threading

import pytest
from django.urls import reverse

from config.celery import app
from reports import briefing_document
from reports.models import Briefing, BriefingState
from reports.services import briefings
from reports.services.briefings import briefing_generate

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {
    "scope": "district",
    "period_start": "2005-01-20",
    "period_end": "2005-01-26",
    "issue_number": "1",
}
# Long enough for a slow machine, short enough that a PDF made inside the request fails
# the test rather than hanging it.
WAIT = 20


@pytest.fixture
def eager(settings, tmp_path):
    saved = app.conf.task_always_eager
    settings.MEDIA_ROOT = str(tmp_path / "media")
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def held_pdf(monkeypatch):
    """The PDF step waits for `release`; `rendering` is set once the job has reached it."""
    rendering, release = threading.Event(), threading.Event()
    render = briefing_document.briefing_pdf

    def held(html):
        rendering.set()
        if not release.wait(WAIT):
            raise TimeoutError("the test never let the PDF be made")
        return render(html)

    monkeypatch.setattr(briefing_document, "briefing_pdf", held)
    yield rendering, release
    release.set()


def wait_for_the_job(briefing):
    for thread in threading.enumerate():
        if thread.name == f"briefing-{briefing.pk}":
            thread.join(WAIT)


def test_asking_answers_before_the_pdf_is_made(eager, held_pdf, district, login):
    rendering, release = held_pdf
    client = login(district.users["office"])

    response = client.post(reverse("reports:briefing_list"), FORM)

    # The request came back while the job is still waiting to make the PDF.
    assert response.status_code == 302
    briefing = Briefing.objects.get()
    assert rendering.wait(WAIT)
    page = client.get(response.url).content.decode()
    assert "已申请第1期简报。" in page
    assert "data-state-badge>生成中</span>" in page
    assert 'aria-valuenow="60"' in page
    assert "下载PDF" not in page
    status = client.get(reverse("reports:briefing_status", args=[briefing.pk])).json()
    assert (status["state"], status["progress"]) == ("running", 60)

    release.set()
    wait_for_the_job(briefing)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE
    page = client.get(response.url).content.decode()
    assert "data-state-badge>已完成</span>" in page
    assert reverse("reports:briefing_download", args=[briefing.pk]) in page
    assert "简报在后台生成" not in page


def test_a_retry_answers_before_the_pdf_is_made(eager, held_pdf, district, login):
    rendering, release = held_pdf
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=district.root,
        issue_number=1,
        period_start=district.batch.starts_on,
        period_end=district.batch.starts_on,
        state=BriefingState.FAILED,
        progress=60,
        error="生成PDF文件时出错:RuntimeError: 找不到中文字体",
    )
    client = login(district.users["office"])

    response = client.post(reverse("reports:briefing_retry", args=[briefing.pk]))

    assert response.status_code == 302
    assert rendering.wait(WAIT)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.RUNNING
    release.set()
    wait_for_the_job(briefing)
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE


def test_a_job_that_breaks_in_its_thread_leaves_the_briefing_failed(
    eager, district, login, monkeypatch
):
    def broken(html):
        raise RuntimeError("找不到中文字体")

    monkeypatch.setattr(briefing_document, "briefing_pdf", broken)
    client = login(district.users["office"])
    response = client.post(reverse("reports:briefing_list"), FORM)
    briefing = Briefing.objects.get()
    wait_for_the_job(briefing)
    page = client.get(response.url).content.decode()
    assert "简报生成失败" in page
    assert "找不到中文字体" in page


def test_with_a_broker_the_task_goes_to_the_worker(district, monkeypatch):
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    sent = []
    monkeypatch.setattr(briefing_generate, "delay", sent.append)
    try:
        briefing = briefings.briefing_request(
            user=district.users["office"],
            unit=district.root,
            period_start=district.batch.starts_on,
            period_end=district.batch.starts_on,
        )
    finally:
        app.conf.task_always_eager = saved
    assert sent == [briefing.pk]
    assert not any(t.name.startswith("briefing-") for t in threading.enumerate())

"""The district office asks for a 简报 on a phone, watches it finish and downloads the PDF.

Celery runs in-process here, as on a machine without Redis: the task runs in a thread of
the live server once the request commits, and the page follows it until the PDF is ready.
The second test holds the task back to watch the page poll its progress until the
download link appears.
"""

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from config.celery import app
from reports.models import Briefing, BriefingState
from reports.services.briefings import briefing_generate
from tests.conftest import log_in, require_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def in_process(settings, tmp_path):
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    app.conf.task_always_eager = saved


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def tall_enough_to_tap(locator):
    assert locator.bounding_box()["height"] >= 44


def request_a_district_briefing(phone):
    log_in(phone, "office")
    phone.open("/reports/briefings/")
    expect(phone.get_by_role("heading", name="先进性教育活动简报")).to_be_visible()
    fits_the_phone(phone)
    form = phone.locator("#briefing-form")
    form.get_by_label("全区").check()
    expect(form.get_by_label("期号")).to_have_value("1")
    form.get_by_role("button", name="生成简报").click()
    expect(phone.get_by_text("已申请第1期简报。")).to_be_visible()


def test_the_office_requests_a_briefing_and_downloads_it(live_district, phone, tmp_path):
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")
    request_a_district_briefing(phone)

    expect(phone.get_by_role("heading", name="先进性教育活动简报 第1期")).to_be_visible()
    # Made beside the request: the page polls and reloads once the PDF is ready.
    expect(phone.locator("[data-state-badge]")).to_have_text("已完成", timeout=30_000)
    expect(phone.get_by_text("简报在后台生成")).to_have_count(0)
    fits_the_phone(phone)
    with phone.expect_download() as info:
        phone.get_by_role("link", name="下载PDF").click()
    download = info.value
    assert download.suggested_filename == "先进性教育活动简报第1期.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(saved), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)  # "第 1 期" or "第1期": the layout decides
    assert "先进性教育活动简报" in text
    assert "第1期" in text

    # It stays in the list, downloadable again.
    phone.get_by_role("link", name="简报", exact=True).click()
    expect(phone.locator("#briefings")).to_contain_text("第1期")
    expect(phone.locator("#briefings").get_by_role("link", name="下载PDF")).to_be_visible()


def test_the_page_follows_the_progress_until_the_pdf_is_ready(live_district, phone, monkeypatch):
    # Hold the task back: the request only queues it, and the test runs it later.
    queued = []
    monkeypatch.setattr(briefing_generate, "delay", queued.append)
    request_a_district_briefing(phone)
    expect(phone.locator("[data-state-badge]")).to_have_text("排队中")
    expect(phone.locator("#progress")).to_have_attribute("aria-valuenow", "0")
    tall_enough_to_tap(phone.get_by_role("link", name="刷新进度"))
    fits_the_phone(phone)

    briefing_generate(queued[0])
    assert Briefing.objects.get(pk=queued[0]).state == BriefingState.DONE
    # The page polls every two seconds and reloads when the PDF is ready.
    expect(phone.get_by_role("link", name="下载PDF")).to_be_visible(timeout=8_000)
    expect(phone.locator("[data-state-badge]")).to_have_text("已完成")
    tall_enough_to_tap(phone.get_by_role("link", name="下载PDF"))

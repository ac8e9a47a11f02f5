"""The office's dashboard on a 375-px phone: the headline cards wrap two to a row, the wide
tables scroll inside their own box, the page itself never scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.reports.test_dashboard import build_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_reads_on_a_phone(live_district, phone):
    build_ledger(live_district)
    log_in(phone, "office")

    phone.open("/reports/dashboard/")

    expect(phone.get_by_role("heading", name="区委 先进性教育活动进度")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    cards = phone.locator("#headline .card").all()
    boxes = [card.bounding_box() for card in cards]
    assert len(boxes) == 8
    assert len({round(box["x"]) for box in boxes}) == 2
    assert len({round(box["y"]) for box in boxes}) == 4
    assert all(box["x"] + box["width"] <= 375 for box in boxes)
    for table in ("#lagging", "#units"):
        assert phone.locator(f".table-responsive > {table}").count() == 1
    for chart in ("#progress-chart svg", "#stage-chart svg"):
        expect(phone.locator(chart)).to_be_visible()

    phone.get_by_role("link", name="区教育党委").first.click()
    expect(phone.get_by_role("heading", name="区教育党委 先进性教育活动进度")).to_be_visible()
    phone.get_by_role("link", name="区一中党支部").first.click()
    expect(phone.locator(".table-responsive > #members")).to_contain_text("张建国")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

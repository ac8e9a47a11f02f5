"""The home page on a 375-px phone: to-dos as cards one under another, each at least 44 px
tall and one tap from its page; today's roster one tap away; no sideways scrolling."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import log_in
from tests.factories import make_session
from tests.todos.ledger import build_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44


def assert_fits_and_taps(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    boxes = [card.bounding_box() for card in phone.locator("[data-todo]").all()]
    assert boxes
    assert all(box["height"] >= TAP and box["x"] + box["width"] <= 375 for box in boxes)
    # One a row: each card starts where the one above it ends.
    assert len({round(box["x"]) for box in boxes}) == 1


def test_the_secretary_taps_from_home_to_todays_roster(live_district, phone):
    d = live_district
    build_ledger(d)
    make_session(d.school1, d.users["secretary1"], starts_at=timezone.now(), title="学习党章")
    log_in(phone, "secretary1")

    assert_fits_and_taps(phone)
    roster = phone.get_by_role("link", name="打开签到名单")
    assert roster.bounding_box()["height"] >= TAP
    roster.click()
    expect(phone.get_by_role("heading", name="签到名单")).to_be_visible()

    phone.open("/")
    phone.locator("[data-todo=makeups]").click()
    expect(phone.locator("body")).to_contain_text("王强")
    assert phone.url.endswith(f"/study/units/{d.school1.pk}/makeups/")


@pytest.mark.parametrize("persona", ["office", "supervisor1", "leader1", "member1"])
def test_every_roles_todos_fit_a_phone(live_district, phone, persona):
    log_in(phone, persona)
    assert_fits_and_taps(phone)

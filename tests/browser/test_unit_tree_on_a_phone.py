import pytest
from playwright.sync_api import expect

from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_drills_down_to_a_branch_and_filters_its_members_on_a_phone(district, phone):
    log_in(phone, "office")
    expect(phone.get_by_role("heading", name="全区概况")).to_be_visible()

    phone.get_by_role("button", name="展开菜单").click()
    phone.get_by_role("link", name="组织与党员").click()
    expect(phone.get_by_role("heading", name="区委")).to_be_visible()
    phone.get_by_role("link", name="区教育党委").click()
    phone.get_by_role("link", name="区一中党支部").click()
    expect(phone.get_by_role("heading", name="区一中党支部")).to_be_visible()

    phone.get_by_role("link", name="党员名册").click()
    expect(phone.locator("#member-table tbody tr")).to_have_count(3)
    phone.get_by_label("流动党员").select_option("1")
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator("#member-table tbody tr")).to_have_count(1)
    expect(phone.locator("#member-table")).to_contain_text("王强")

    # Nothing on the page is wider than the phone: no sideways scrolling of the whole page.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_secretary_cannot_open_another_branch_by_its_address(district, phone):
    log_in(phone, "secretary1")
    response = phone.open(f"/units/{district.ward.pk}/")
    assert response.status == 404
    expect(phone.get_by_role("heading", name="页面不存在")).to_be_visible()

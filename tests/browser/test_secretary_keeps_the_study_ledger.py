"""secretary1, on a phone at the branch's study session: creates it, signs members in,
and sees the branch's progress move."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_signs_the_branch_in_on_a_phone_and_progress_follows(live_district, phone):
    branch = live_district.school1
    log_in(phone, "secretary1")

    phone.open(f"/study/units/{branch.pk}/")
    expect(phone.locator("[data-figure=no-participation]")).to_have_text("3 人")
    expect(phone.locator("[data-figure=makeups-owed]")).to_have_text("0 次")

    phone.open("/")
    phone.get_by_role("link", name="集中学习与签到").click()
    phone.get_by_role("link", name="新建学习").click()
    phone.get_by_label("形式").select_option(label="党课")
    phone.get_by_label("学习内容").fill("党员领导干部上党课:保持先进性从我做起")
    now = timezone.localtime()
    phone.get_by_label("开始时间").fill(now.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("学时").fill("3")
    phone.get_by_label("地点").fill("区一中会议室")
    phone.get_by_role("button", name="保存").click()

    # The roster: everyone present to start with, then 王强 marked absent.
    expect(phone.get_by_role("heading", name="签到名单")).to_be_visible()
    phone.get_by_role("button", name="全部出席").click()
    phone.get_by_role("radiogroup", name="王强的签到情况").get_by_text("缺席").click()
    phone.get_by_role("button", name="保存签到").click()
    expect(phone.locator("#attendance-counts")).to_contain_text("出席 2")
    expect(phone.locator("#attendance-counts")).to_contain_text("缺席 1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.open(f"/study/units/{branch.pk}/")
    # 王强 owes a make-up and is the only one left with no hours.
    expect(phone.locator("[data-figure=no-participation]")).to_have_text("1 人")
    expect(phone.locator("[data-figure=makeups-owed]")).to_have_text("1 次")
    expect(phone.locator("#member-table")).to_contain_text("张建国")

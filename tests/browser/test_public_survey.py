"""A member of the public scans the unit's QR code and answers 群众满意度测评 on a phone,
without an account; a second try the same day is kindly refused. The branch's secretary
checks the opinions on a phone and takes one into the ledger."""

import secrets

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.models import RectificationItem, SurveyOpinion, SurveyResponse
from ledgers.services.rectification import survey_answer, survey_token
from tests.browser.test_every_page_on_a_phone import SMALL_TARGETS
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_the_public_answers_the_survey_on_a_phone(live_district, phone):
    url = reverse("ledgers:survey", args=[survey_token(live_district.school1)])
    phone.open(url)
    expect(phone.get_by_role("heading", name="区一中党支部")).to_be_visible()
    # No menu of the app, no login.
    expect(phone.get_by_role("button", name="展开菜单")).to_have_count(0)

    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text("请选择一项。")).to_have_count(3)

    # The radio buttons are big labels to tap.
    phone.locator("fieldset").nth(0).get_by_text("满意", exact=True).click()
    phone.locator("fieldset").nth(1).get_by_text("基本满意").click()
    phone.locator("fieldset").nth(2).get_by_text("不太满意").click()
    phone.get_by_label("您的意见和建议(可不填)").fill("办事窗口中午没人,希望安排值班")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="提交").click()

    expect(phone.get_by_text("提交成功,感谢您参加测评!")).to_be_visible()
    answer = SurveyResponse.objects.get()
    assert (answer.office_rating, answer.organisation_rating, answer.members_rating) == (4, 3, 2)
    # The opinion waits for the branch to check it; the ledger is the branch's to fill.
    assert SurveyOpinion.objects.get().text == "办事窗口中午没人,希望安排值班"
    assert not RectificationItem.objects.exists()

    phone.open(url)
    expect(phone.get_by_text("您今天已经参加过测评,谢谢!")).to_be_visible()
    expect(phone.get_by_role("button", name="提交")).to_have_count(0)
    assert SurveyResponse.objects.count() == 1


def test_the_branch_checks_the_public_s_opinions_on_a_phone(live_district, phone):
    d = live_district
    for opinion in ("食堂饭菜太贵", "食堂饭菜太贵。", "希望延长办事时间"):
        survey_answer(
            unit=d.school1,
            device=secrets.token_urlsafe(32),
            day=timezone.localdate(),
            office_rating=3,
            organisation_rating=3,
            members_rating=3,
            opinion=opinion,
        )
    log_in(phone, "secretary1")
    phone.open(reverse("ledgers:survey_inbox", args=[d.school1.pk]))
    expect(phone.get_by_text("2 人提出")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.evaluate(SMALL_TARGETS) == []

    phone.get_by_role("link", name="采纳", exact=True).first.click()
    assert phone.evaluate(SMALL_TARGETS) == []
    phone.get_by_role("button", name="确认采纳").click()
    expect(phone.get_by_text("已采纳,登记为整改问题")).to_be_visible()
    item = RectificationItem.objects.get()
    assert (item.problem, item.source) == ("食堂饭菜太贵", "public")
    assert SurveyOpinion.objects.filter(item=item).count() == 2

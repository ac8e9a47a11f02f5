"""A member of the public scans the unit's QR code and answers 群众满意度测评 on a phone,
without an account; a second try the same day is kindly refused."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from playwright.sync_api import expect

from ledgers.models import RectificationItem, SurveyResponse
from ledgers.services.rectification import survey_token

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
    assert RectificationItem.objects.get().source == "public"

    phone.open(url)
    expect(phone.get_by_text("您今天已经参加过测评,谢谢!")).to_be_visible()
    expect(phone.get_by_role("button", name="提交")).to_have_count(0)
    assert SurveyResponse.objects.count() == 1

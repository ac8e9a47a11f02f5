"""A branch's 转段, two rounds, on phones: secretary1 applies, supervisor1's group evaluates
the 转段分析会 and gives its opinion, the office returns the first round for 补课 and
approves the second (which keeps the first round's meeting); the branch ends up in 分析评议
with both rounds on record."""

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_of(chromium, live_server):
    """phone_of(username) → a logged-in page in its own 375-px phone browser."""
    contexts = []

    def _phone(username):
        context = chromium.new_context(
            viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.open = lambda path: page.goto(f"{live_server.url}{path}")
        log_in(page, username)
        return page

    yield _phone
    for context in contexts:
        context.close()


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def record_the_meeting(page, minutes):
    meeting = page.locator("#meeting-form")
    meeting.get_by_label("参加人员").fill("支部委员3人,党员全体;督导组到会")
    meeting.get_by_label("会议记录").fill(minutes)
    meeting.get_by_role("button", name="保存会议登记").click()
    expect(page.get_by_text("转段分析会已登记")).to_be_visible()


def evaluate_the_meeting(page, application_url, evaluation):
    page.goto(application_url)
    page.get_by_label("督导组对前段工作的评价").fill(evaluation)
    page.get_by_role("button", name="登记评价").click()
    expect(page.get_by_text("已登记督导组到会情况")).to_be_visible()
    expect(page.locator("#evaluation")).to_contain_text(evaluation)


def submit(page, application_url):
    page.goto(application_url)
    page.get_by_role("button", name="报送转段申请").click()
    expect(page.get_by_text("转段申请已报送")).to_be_visible()
    expect(page.locator("#state")).to_have_text("待督导组意见")


def agree(page, application_url):
    page.goto(application_url)
    page.get_by_role("radio", name="同意转段", exact=True).check()
    page.get_by_label("理由").fill("学习培训落实,分析会开得扎实。")
    # The group confirms, as the office does, having seen what is still unmet.
    page.locator("#opinion-form input[type=checkbox][name$=confirm]").check()
    page.get_by_role("button", name="签署意见").click()
    expect(page.get_by_text("督导组意见已签署")).to_be_visible()
    expect(page.locator("#state")).to_have_text("待办公室审批")


def test_a_branch_is_returned_for_makeup_then_moves_on(live_district, phone_of):
    branch = live_district.school1
    secretary = phone_of("secretary1")
    supervisor = phone_of("supervisor1")
    office = phone_of("office")

    # Round 1: the self-check with the ledger beside it, then the meeting.
    secretary.open(f"/supervision/units/{branch.pk}/transition/")
    expect(secretary.locator("#current-stage")).to_contain_text("学习动员")
    secretary.get_by_role("button", name="开始填写转段申请").click()
    expect(secretary.get_by_text("已开始填写转段申请")).to_be_visible()
    round_1 = secretary.url
    expect(secretary.locator("[data-question='1'] .facts")).to_contain_text("还没有任何学时的党员")
    for number in range(1, 5):
        secretary.locator(f"[name=answer_{number}]").fill(f"第{number}条:对照检查,情况属实。")
    secretary.get_by_role("button", name="保存自查").click()
    expect(secretary.get_by_text("回头看自查已保存")).to_be_visible()
    expect(secretary.get_by_role("button", name="报送转段申请")).to_be_disabled()
    record_the_meeting(secretary, "总结前段学习,认为基本具备转段条件。")
    fits_the_phone(secretary)

    evaluate_the_meeting(supervisor, round_1, "组织认真,分析到位。")
    submit(secretary, round_1)
    expect(secretary.locator("#self-check")).to_contain_text("报送时实测")
    expect(secretary.locator("#answers-form")).to_have_count(0)
    agree(supervisor, round_1)

    # The office finds it on its list and returns it for 补课.
    office.open("/supervision/applications/")
    office.get_by_role("link", name="区一中党支部").click()
    office.get_by_label("退回原因").fill("必读科目没有学完,有党员未参学。")
    office.get_by_label("需补课事项").fill("补学《党章》\n组织未参学党员补课")
    fits_the_phone(office)
    office.get_by_text("确认退回补课").click()
    office.get_by_role("button", name="退回补课").click()
    expect(office.get_by_text("已退回区一中党支部补课")).to_be_visible()
    expect(office.locator("#state")).to_have_text("退回补课")

    # Round 2 starts from round 1's answers and keeps its meeting: the branch says what it
    # made up, and resubmits.
    secretary.goto(round_1)
    expect(secretary.locator("#returned")).to_contain_text("组织未参学党员补课")
    secretary.get_by_role("button", name="开始第2轮(补课后重新申请)").click()
    expect(secretary.get_by_text("上一轮的自查已带入")).to_be_visible()
    round_2 = secretary.url
    assert round_2 != round_1
    expect(secretary.locator("[name=answer_1]")).to_have_value("第1条:对照检查,情况属实。")
    expect(secretary.locator("#previous-returned")).to_contain_text("补学《党章》")
    expect(secretary.locator("#meeting-carried")).to_be_visible()
    secretary.get_by_label("补课情况").fill("组织未参学党员补学《党章》,已全部补完。")
    secretary.locator("[name=answer_4]").fill("第4条:已组织补课,必读科目补学完毕。")
    secretary.get_by_role("button", name="保存自查").click()
    expect(secretary.get_by_text("回头看自查已保存")).to_be_visible()
    submit(secretary, round_2)
    agree(supervisor, round_2)

    office.goto(round_2)
    expect(office.locator("#unmet")).to_be_visible()
    office.locator("#approve-form").get_by_label("同意理由").fill("补课到位,其余在下一阶段跟进。")
    office.locator("#approve-form").get_by_text("仍同意转段").click()
    office.get_by_role("button", name="同意转段").click()
    expect(office.get_by_text("已同意区一中党支部转段")).to_be_visible()
    expect(office.locator("#new-stage")).to_contain_text("分析评议")

    # The branch's page: the new stage, and both rounds of the first stage.
    secretary.open(f"/supervision/units/{branch.pk}/transition/")
    expect(secretary.locator("#current-stage")).to_contain_text("分析评议")
    rounds = secretary.locator("[data-stage='学习动员'] li")
    expect(rounds).to_have_count(2)
    expect(rounds.nth(0)).to_contain_text("退回补课")
    expect(rounds.nth(1)).to_contain_text("已同意转段")
    fits_the_phone(secretary)

    # Round 1 is as it was returned.
    secretary.goto(round_1)
    expect(secretary.locator("#state")).to_have_text("退回补课")
    expect(secretary.locator("#self-check")).not_to_contain_text("已组织补课")

"""疑似重复: a 心得体会 that repeats itself (a paragraph pasted to reach 3000字) or copies
another member's is pointed out to its reviewer with the share repeated; the member is not
stopped ("坚决克服厌学、浅学、不学、假学等不良现象")."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from study.models import Writing, WritingKind
from study.services.writings import writing_log_paper, writing_submit
from tests.conftest import log_in
from units.models import Member

MY_WRITINGS = reverse("study:my_writings")

PARAGRAPH = (
    "通过学习,我深刻认识到保持共产党员先进性的重要意义,"
    "一定要在今后的工作中牢记全心全意为人民服务的宗旨,发挥先锋模范作用。"
)

HONEST = """\u3000\u3000这次先进性教育活动开展以来,我认真学习了党章和《保持共产党员先进性教育读本》,
参加了支部组织的每一次集中学习,也利用晚上的时间自学了规定篇目。对照党章规定的党员标准,
我觉得自己在理想信念上是坚定的,但在把理论学习和本职工作结合起来这一点上做得还不够。

\u3000\u3000作为学校的校长,过去我总把主要精力放在升学率上,对青年教师的思想状况关心不多,
有的老师家里有困难,我知道得很晚。听了区委书记的动员讲话,我认识到先进性不是一句口号,
要落在为群众办实事上。下一步,我准备每月到两名困难教师家中走访,把食堂承包中群众意见较大的
问题拿到校务会上公开讨论,年底前给全校教职工一个交代。

\u3000\u3000学习中我也发现,自己写东西、讲道理习惯照搬文件,很少讲自己的体会。今后要多到班级听课,
多听学生家长的意见,把学到的理论用来分析学校发展中遇到的实际矛盾,做一名让群众满意的党员。"""


def _essay(member, text, *, by=None, title="学习心得"):
    return writing_submit(
        member=member, kind=WritingKind.ESSAY, title=title, text=text, user=by or member.user
    )


def _queue_page(client, unit):
    return client.get(reverse("study:review_queue", args=[unit.pk])).content.decode()


def _writing_page(client, writing):
    return client.get(reverse("study:writing", args=[writing.pk])).content.decode()


def _share_shown(page, wording):
    found = re.search(r"疑似重复:约(\d+)%的内容" + wording, page)
    return int(found.group(1)) if found else None


def test_a_paragraph_pasted_twenty_times_is_accepted_and_flagged(district, login):
    client = login(district.users["member1"])
    response = client.post(
        MY_WRITINGS,
        {"kind": WritingKind.ESSAY, "title": "学习心得", "text": "\n".join([PARAGRAPH] * 20)},
    )
    # The member is not stopped: the essay is in, with all its characters.
    assert response.status_code == 302
    essay = Writing.objects.get()
    assert essay.characters >= 1000
    assert essay.repeated_percent >= 90
    # The author is not told; the reviewer is, on the queue and on the essay's page.
    assert "疑似重复" not in client.get(MY_WRITINGS).content.decode()
    assert "疑似重复" not in _writing_page(client, essay)

    secretary = login(district.users["secretary1"])
    assert _share_shown(_queue_page(secretary, district.school1), "重复") >= 90
    assert _share_shown(_writing_page(secretary, essay), "重复") >= 90


def test_an_honest_essay_is_not_flagged(district, login):
    essay = _essay(district.member1, HONEST)
    assert essay.repeated_percent < 10
    assert essay.shared_percent == 0
    assert not essay.repeats_itself and not essay.repeats_others

    client = login(district.users["leader1"])
    assert "疑似重复" not in _queue_page(client, district.education)
    assert "疑似重复" not in _writing_page(client, essay)


def test_a_copy_of_another_members_essay_is_flagged_as_shared(district, login):
    original = _essay(district.member1, HONEST, title="我的学习体会")
    zhao = Member.objects.get(name="赵敏")
    # Copied across with the lines run together and the punctuation changed.
    copied = HONEST.replace("\n", "").replace(",", ",").replace("。", ". ")
    copy = _essay(zhao, copied, by=district.users["secretary1"], title="学习体会")

    assert copy.shared_percent >= 90
    assert copy.shared_with == original
    assert copy.repeated_percent < 10
    # The earlier essay is not the copy.
    original.refresh_from_db()
    assert original.shared_percent == 0

    client = login(district.users["leader1"])
    assert _share_shown(_queue_page(client, district.education), "与其他党员的心得体会相同") >= 90
    page = _writing_page(client, copy)
    assert _share_shown(page, "与其他党员的心得体会相同") >= 90
    assert "张建国(区一中党支部)的《我的学习体会》" in page
    assert reverse("study:writing", args=[original.pk]) in page
    # The other essay's page is not flagged.
    assert "疑似重复" not in _writing_page(client, original)


def test_a_reviewer_who_may_not_read_the_other_essay_gets_no_link(district, login):
    liu = Member.objects.get(name="刘洋")
    original = _essay(liu, HONEST, by=district.users["secretary2"])
    copy = _essay(district.member1, HONEST)
    page = _writing_page(login(district.users["secretary1"]), copy)
    assert _share_shown(page, "与其他党员的心得体会相同") == 100
    assert reverse("study:writing", args=[original.pk]) not in page


def test_a_member_revising_their_own_essay_is_not_copying(district):
    _essay(district.member1, HONEST, title="初稿")
    revised = _essay(district.member1, HONEST + "\n补充:今后每周写一篇学习笔记。", title="修改稿")
    assert revised.shared_percent == 0
    assert not revised.repeats_others


@pytest.mark.parametrize("kind", ["note", "paper"])
def test_notes_and_paper_copies_are_not_measured(district, kind):
    if kind == "note":
        writing = writing_submit(
            member=district.member1,
            kind=WritingKind.NOTE,
            title="笔记",
            text="\n".join([PARAGRAPH] * 20),
            user=district.users["member1"],
        )
    else:
        writing = writing_log_paper(
            member=district.member1,
            kind=WritingKind.ESSAY,
            title="体会",
            characters=3000,
            user=district.users["secretary1"],
        )
    assert writing.repeated_percent is None and writing.shared_percent is None
    assert not writing.repeats_itself and not writing.repeats_others


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_flags_fit_a_phone(district, phone):
    original = _essay(Member.objects.get(name="赵敏"), HONEST, by=district.users["secretary1"])
    _essay(district.member1, HONEST, title="我的体会")
    _essay(district.member1, "\n".join([PARAGRAPH] * 20), title="学习党章的体会")
    log_in(phone, "leader1")
    phone.open(reverse("study:review_queue", args=[district.education.pk]))
    expect(phone.locator("#review-queue")).to_contain_text("的内容与其他党员的心得体会相同")
    expect(phone.locator("#review-queue")).to_contain_text("的内容重复")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.get_by_role("link", name="我的体会").first.click()
    expect(phone.locator("#repetition")).to_contain_text(f"《{original.title}》")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

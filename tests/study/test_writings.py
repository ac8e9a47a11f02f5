"""A member's own notes and essays: submitting online, the secretary logging paper copies,
and the rule each member is held to ("党员领导干部至少要写出两篇3000字以上的心得体会文章。
有书写能力的党员都要作好学习笔记……至少写出一篇")."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from study.models import MemberProgress, Writing, WritingKind
from study.services.writings import (
    count_characters,
    writing_log_paper,
    writing_review,
    writing_submit,
)
from tests.conftest import log_in
from tests.factories import MemberFactory, UserFactory
from units.models import Member

MY_WRITINGS = reverse("study:my_writings")


def _essay(member, characters, *, by=None, title="学习党章的体会"):
    return writing_log_paper(
        member=member,
        kind=WritingKind.ESSAY,
        title=title,
        characters=characters,
        user=by or member.user,
    )


def _note(member, *, by=None):
    return writing_submit(
        member=member, kind=WritingKind.NOTE, title="学习笔记", text="学习笔记正文", user=by
    )


def _requirement(client):
    """The text of the requirement card on the member's page."""
    page = client.get(MY_WRITINGS).content.decode()
    return page.split('id="writing-requirement"')[1].split("</div></div>")[0]


def test_member_submits_a_note_and_its_characters_come_from_the_text(district, login):
    client = login(district.users["member1"])
    text = "学习党章,\n  坚定理想信念。\r\n\u3000\u3000做合格党员!"
    response = client.post(
        MY_WRITINGS, {"kind": WritingKind.NOTE, "title": "学习《党章》笔记", "text": text}
    )
    assert response.status_code == 302
    writing = Writing.objects.get()
    # Spaces, full-width spaces and line breaks are not counted; Chinese punctuation is.
    assert writing.characters == len("学习党章,坚定理想信念。做合格党员!") == 18
    assert writing.text == text
    assert not writing.is_paper
    assert writing.submitted_by == district.users["member1"]
    page = client.get(MY_WRITINGS).content.decode()
    assert "已提交学习笔记“学习《党章》笔记”,共18字。" in page
    assert "学习《党章》笔记" in page and "待批阅" in page


def test_empty_text_is_refused_and_the_title_is_kept(district, login):
    client = login(district.users["member1"])
    for text in ("", "  \n\u3000 "):
        response = client.post(
            MY_WRITINGS, {"kind": WritingKind.ESSAY, "title": "我的心得", "text": text}
        )
        assert response.status_code == 200
        assert "正文不能为空" in response.content.decode()
        assert response.context["form"]["title"].value() == "我的心得"
    assert not Writing.objects.exists()


def test_missing_title_is_refused_and_the_text_is_kept(district, login):
    response = login(district.users["member1"]).post(
        MY_WRITINGS, {"kind": WritingKind.NOTE, "title": "", "text": "\u3000\u3000正文"}
    )
    assert "请填写题目" in response.content.decode()
    # The paragraph's opening full-width spaces are kept as typed.
    assert response.context["form"]["text"].value() == "\u3000\u3000正文"
    assert not Writing.objects.exists()


def test_a_user_who_is_not_a_member_is_told_so(district, login):
    response = login(district.users["secretary1"]).get(MY_WRITINGS)
    assert response.status_code == 404
    assert "没有对应的党员信息" in response.content.decode()


def test_leading_cadre_needs_two_essays_of_3000_characters(district, login):
    member1 = district.member1
    client = login(district.users["member1"])

    page = _requirement(client)
    assert "党员领导干部:至少两篇3000字以上的心得体会" in page
    assert "还差2篇3000字以上的心得体会" in page
    assert "还没有学习笔记" in page

    _note(member1, by=district.users["member1"])
    _essay(member1, 3000)
    # One character short of 3000 does not count toward the two.
    _essay(member1, 2999, title="第二篇")
    assert client.get(MY_WRITINGS).context["requirement"]["long_essays"] == 1
    page = _requirement(client)
    assert "还差1篇3000字以上的心得体会" in page
    assert "还没有学习笔记" not in page
    assert "已达到要求" not in page

    _essay(member1, 4200, title="第三篇")
    page = _requirement(client)
    assert "还差" not in page
    assert "已达到要求" in page
    assert MemberProgress.objects.get(member=member1).writing_done


def test_member_who_can_write_needs_notes_and_one_essay(district, login):
    user = UserFactory(username="writer")
    member = MemberFactory(name="周明", unit=district.school1, user=user)
    client = login(user)

    page = _requirement(client)
    assert "有书写能力的党员:做好学习笔记,至少一篇心得体会" in page
    assert "党员领导干部" not in page
    assert "还差1篇心得体会" in page and "还没有学习笔记" in page

    _essay(member, 800)
    page = _requirement(client)
    assert "还差1篇心得体会" not in page and "还没有学习笔记" in page

    _note(member, by=user)
    page = _requirement(client)
    assert "已达到要求" in page


def test_member_who_cannot_write_owes_nothing(district, login):
    user = UserFactory(username="elder")
    MemberFactory(name="孙大爷", unit=district.school1, user=user, can_write=False)
    page = _requirement(login(user))
    assert "无书写能力的党员不作学习笔记和心得体会的要求" in page
    assert "还差" not in page and "还没有" not in page
    assert "至少" not in page


def test_my_writings_shows_the_latest_grade(district, login):
    member1 = district.member1
    writing = _essay(member1, 3200)
    writing_review(
        writing=writing, reviewer=district.users["secretary1"], comment="再充实", grade="pass"
    )
    writing_review(
        writing=writing, reviewer=district.users["leader1"], comment="很好", grade="excellent"
    )
    response = login(district.users["member1"]).get(MY_WRITINGS)
    [row] = response.context["writings"]
    assert row.latest_grade_label == "优秀"
    assert "纸质稿" in response.content.decode()


def test_my_writings_query_count_does_not_grow(district, login, count_queries):
    member1 = district.member1
    client = login(district.users["member1"])
    _essay(member1, 3000)
    before = count_queries(client, MY_WRITINGS)
    for i in range(5):
        writing = _essay(member1, 3000 + i, title=f"体会{i}")
        writing_review(
            writing=writing, reviewer=district.users["secretary1"], comment="阅", grade="good"
        )
        _note(member1, by=district.users["member1"])
    assert count_queries(client, MY_WRITINGS) == before


# Paper copies -------------------------------------------------------------------------


def _paper_url(member):
    return reverse("study:writing_paper", args=[member.pk])


def test_secretary_logs_a_paper_essay_with_its_count(district, login):
    infirm = Member.objects.get(name="李秀英")
    client = login(district.users["secretary1"])
    response = client.post(
        _paper_url(infirm),
        {"kind": WritingKind.ESSAY, "title": "老党员的心里话", "characters": "1500"},
    )
    writing = Writing.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("study:writing", args=[writing.pk])
    assert writing.is_paper and writing.characters == 1500 and writing.text == ""
    assert writing.member == infirm and writing.submitted_by == district.users["secretary1"]
    page = client.get(response.url).content.decode()
    assert "纸质稿" in page and "1500" in page
    assert MemberProgress.objects.get(member=infirm).essays == 1


@pytest.mark.parametrize(
    ("characters", "message"),
    [("", "请填写纸质稿的字数"), ("0", "请填写纸质稿的字数"), ("三千", "字数请填写整数")],
    ids=["blank", "zero", "not a number"],
)
def test_paper_copy_needs_a_character_count(district, login, characters, message):
    response = login(district.users["secretary1"]).post(
        _paper_url(district.member1),
        {"kind": WritingKind.ESSAY, "title": "体会", "characters": characters},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"]["title"].value() == "体会"
    assert not Writing.objects.exists()


def test_a_count_past_what_the_ledger_holds_is_refused_on_the_form(district, login):
    # Found by tests/test_fuzz_forms.py: the database refused the number (a 500).
    response = login(district.users["secretary1"]).post(
        _paper_url(district.member1),
        {"kind": WritingKind.ESSAY, "title": "体会", "characters": "9223372036854775808"},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("characters")
    assert not Writing.objects.exists()


def test_leader_above_the_branch_logs_paper_copies_too(district, login):
    response = login(district.users["leader1"]).post(
        _paper_url(district.member1),
        {"kind": WritingKind.NOTE, "title": "笔记", "characters": "600"},
    )
    assert response.status_code == 302
    assert Writing.objects.get().submitted_by == district.users["leader1"]


def test_character_count_matches_the_service_on_every_kind_of_space():
    text = "一 二\t三\n四\r\n五\u3000六\xa0七\u2003八\u200b九\ufeff十,。!?"
    # Zero-width space and BOM are not white space to Python: they count, as in the browser.
    assert count_characters(text) == 10 + 4 + 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_live_counter_counts_like_the_ledger_and_says_what_is_left_for_3000(district, phone):
    log_in(phone, "member1")
    phone.open(MY_WRITINGS)
    counter = phone.locator("#char-counter")
    expect(counter).to_have_text("已写 0 字")

    phone.get_by_label("类别").select_option(WritingKind.ESSAY)
    phone.get_by_label("正文").fill("学习 党章,\n坚定信念。")
    expect(counter).to_have_text("已写 10 字,距3000字还差 2990 字")

    # Every character Python treats as white space, plus two it doesn't, plus a character
    # outside the Basic Multilingual Plane (one character, two UTF-16 units).
    spaces = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    tricky = "甲" + spaces + "\u200b\ufeff𠀀乙"
    phone.get_by_label("正文").fill(tricky)
    expected = count_characters(tricky)
    assert expected == 5
    expect(counter).to_have_text(f"已写 {expected} 字,距3000字还差 {3000 - expected} 字")

    phone.get_by_label("类别").select_option(WritingKind.NOTE)
    expect(counter).to_have_text(f"已写 {expected} 字")

    phone.get_by_label("正文").fill("字" * 3000)
    phone.get_by_label("类别").select_option(WritingKind.ESSAY)
    expect(counter).to_have_text("已写 3000 字,已达到3000字")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.get_by_label("题目").fill("学习体会")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator(".alert-success")).to_contain_text("共3000字")
    assert Writing.objects.get().characters == 3000


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_counter_does_not_mention_3000_for_a_member_who_is_not_a_cadre(district, phone):
    user = UserFactory(username="writer")
    MemberFactory(name="周明", unit=district.school1, user=user)
    log_in(phone, "writer")
    phone.open(MY_WRITINGS)
    phone.get_by_label("类别").select_option(WritingKind.ESSAY)
    phone.get_by_label("正文").fill("心得体会")
    expect(phone.locator("#char-counter")).to_have_text("已写 4 字")

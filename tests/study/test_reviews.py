"""批改: the branch secretary or the leader above the branch reviews notes and essays
("由党委(党组)、工委负责人或支部书记批改"), at least weekly ("支部负责人每周应查看、批阅一次
党员的学习笔记"): a branch with notes waiting is flagged once its last review is more than
7 days old, or, never having reviewed, once its oldest waiting note is."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import expect

from study.models import Review, Writing, WritingKind
from study.selectors.writings import branches_with_review_backlog
from study.services.progress import unit_progress_refresh
from study.services.writings import writing_log_paper, writing_review, writing_submit
from tests.conftest import log_in
from tests.factories import MemberFactory
from units.models import Member


def _write(member, *, by, kind=WritingKind.NOTE, title="学习笔记", text="学习党章笔记"):
    return writing_submit(member=member, kind=kind, title=title, text=text, user=by)


def _age(writing, days):
    """Backdate a writing, as if it had come in `days` ago. No page changes when a writing
    came in, so the unit's stored sums are brought up to date here by hand."""
    Writing.objects.filter(pk=writing.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )
    unit_progress_refresh(unit_ids=[writing.member.unit_id])


def _review_data(**overrides):
    data = {
        "grade": "good",
        "comment": "联系本职工作谈体会,较为深刻。",
        "reviewed_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def note(district):
    return _write(district.member1, by=district.users["member1"])


@pytest.mark.parametrize("persona", ["secretary1", "leader1"])
def test_secretary_and_leader_above_review_a_note(district, login, note, persona):
    client = login(district.users[persona])
    url = reverse("study:writing", args=[note.pk])
    page = client.get(url).content.decode()
    assert "保存批阅" in page and "尚未批阅" in page

    response = client.post(url, _review_data(grade="excellent"))
    assert response.status_code == 302 and response.url == url
    review = Review.objects.get()
    assert review.reviewer == district.users[persona]
    assert review.grade == "excellent"
    assert review.reviewed_on == timezone.localdate()

    page = client.get(url).content.decode()
    assert "已批阅张建国的“学习笔记”,等次:优秀。" in page
    assert "联系本职工作谈体会" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor1", 403), ("office", 403), ("member1", 403), ("secretary2", 404)],
)
def test_others_may_not_review(district, login, note, persona, status):
    client = login(district.users[persona])
    url = reverse("study:writing", args=[note.pk])
    if status == 403:
        # They may read it, but are offered no review form.
        response = client.get(url)
        assert response.status_code == 200
        assert "保存批阅" not in response.content.decode()
    assert client.post(url, _review_data()).status_code == status
    assert not Review.objects.exists()


def test_reviewer_name_grade_and_date_are_shown_to_the_author(district, login, note):
    district.users["secretary1"].last_name = "李"
    district.users["secretary1"].first_name = "明华"
    district.users["secretary1"].save()
    writing_review(
        writing=note,
        reviewer=district.users["secretary1"],
        comment="认真,有思考。",
        grade="good",
    )
    page = (
        login(district.users["member1"])
        .get(reverse("study:writing", args=[note.pk]))
        .content.decode()
    )
    assert (
        "李明华" in page
        and "良好" in page
        and date_format(timezone.localdate(), "Y年n月j日") in page
        and "认真,有思考。" in page
    )
    assert "学习党章笔记" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": ""}, "请填写批语"),
        ({"comment": "   "}, "请填写批语"),
        ({"grade": ""}, "请选择等次"),
        ({"reviewed_on": "2099-01-01"}, "批改日期不能晚于今天"),
    ],
    ids=["no comment", "blank comment", "no grade", "future date"],
)
def test_bad_review_is_refused_and_what_was_typed_is_kept(district, login, note, data, message):
    typed = _review_data(**data)
    response = login(district.users["secretary1"]).post(
        reverse("study:writing", args=[note.pk]), typed
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    form = response.context["form"]
    assert form["comment"].value() == typed["comment"]
    assert form["grade"].value() == typed["grade"]
    assert not Review.objects.exists()


def test_review_from_the_queue_returns_to_the_queue(district, login, note):
    queue = reverse("study:review_queue", args=[district.school1.pk])
    url = reverse("study:writing", args=[note.pk])
    client = login(district.users["secretary1"])
    assert f"{url}?next=" in client.get(queue).content.decode()
    response = client.post(f"{url}?next={queue}", _review_data())
    assert response.url == queue
    # A link elsewhere is not followed.
    other = _write(district.member1, by=district.users["member1"], title="第二篇")
    other_url = reverse("study:writing", args=[other.pk])
    response = client.post(f"{other_url}?next=https://example.com/", _review_data())
    assert response.url == other_url


def test_a_next_that_is_not_a_path_returns_to_the_writing(district, login, note):
    # A name without a slash, which redirect() took for a view's name to look up (a 500).
    url = reverse("study:writing", args=[note.pk])
    response = login(district.users["secretary1"]).post(f"{url}?next=garbage", _review_data())
    assert response.status_code == 302
    assert response.url == url
    assert Review.objects.filter(writing=note).exists()


def test_paper_copy_page_says_the_text_is_on_paper(district, login):
    writing = writing_log_paper(
        member=district.member1,
        kind=WritingKind.ESSAY,
        title="体会",
        characters=2500,
        user=district.users["secretary1"],
    )
    page = (
        login(district.users["leader1"])
        .get(reverse("study:writing", args=[writing.pk]))
        .content.decode()
    )
    assert "纸质稿" in page and "2500" in page
    # A leading cadre's essay under 3000 characters is pointed out to the reviewer.
    assert "不足3000字" in page


# The queue --------------------------------------------------------------------------


def _queue(client, unit, **params):
    return client.get(reverse("study:review_queue", args=[unit.pk]), params)


def test_queue_lists_unreviewed_writings_of_the_subtree_oldest_first(district, login):
    secretary = district.users["secretary1"]
    zhao = Member.objects.get(name="赵敏")
    liu = Member.objects.get(name="刘洋")
    _write(district.member1, by=district.users["member1"], title="新笔记")
    oldest = _write(zhao, by=secretary, title="二中笔记")
    _age(oldest, 3)
    reviewed = _write(district.member1, by=district.users["member1"], title="已批笔记")
    writing_review(writing=reviewed, reviewer=secretary, comment="阅", grade="pass")
    _write(liu, by=secretary, title="医院笔记")

    response = _queue(login(district.users["leader1"]), district.education)
    titles = [w.title for w in response.context["page"]]
    assert titles == ["二中笔记", "新笔记"]
    page = response.content.decode()
    assert "3天" in page and "区二中党支部" in page

    response = _queue(login(district.users["secretary1"]), district.school1)
    assert [w.title for w in response.context["page"]] == ["新笔记"]


def test_writing_waiting_more_than_7_days_flags_the_branch_until_reviewed(district, login, note):
    _age(note, 7)
    response = _queue(login(district.users["leader1"]), district.education)
    assert list(response.context["overdue_branches"]) == []
    assert "超过7天未批阅" not in response.content.decode()
    # A branch that never reviewed anything: its week runs from its first waiting note.
    page = _queue(login(district.users["secretary1"]), district.school1).content.decode()
    assert "本支部还没有批阅过学习笔记或心得体会" in page

    _age(note, 8)
    response = _queue(login(district.users["leader1"]), district.education)
    assert [u.name for u in response.context["overdue_branches"]] == ["区一中党支部"]
    page = response.content.decode()
    assert "超过7天未批阅" in page and "table-warning" in page
    assert response.context["page"][0].waiting_days == 8

    # The secretary sees the same flag on the branch's own queue.
    secretary = login(district.users["secretary1"])
    assert "超过7天未批阅" in _queue(secretary, district.school1).content.decode()

    secretary.post(reverse("study:writing", args=[note.pk]), _review_data())
    response = _queue(login(district.users["leader1"]), district.education)
    assert list(response.context["overdue_branches"]) == []
    assert list(response.context["page"]) == []
    assert "都已批阅" in response.content.decode()


def _reviewed_days_ago(district, days):
    """A note of the branch reviewed `days` ago (it came in the day before)."""
    reviewed = _write(district.member1, by=district.users["member1"], title="上周笔记")
    _age(reviewed, days + 1)
    reviewed.refresh_from_db()
    return writing_review(
        writing=reviewed,
        reviewer=district.users["secretary1"],
        comment="阅",
        grade="pass",
        reviewed_on=timezone.localdate() - datetime.timedelta(days=days),
    )


@pytest.mark.parametrize(("days", "behind"), [(7, False), (8, True)], ids=["day 7", "day 8"])
def test_branch_is_behind_a_week_after_its_last_review_however_new_its_notes(
    district, login, days, behind
):
    _reviewed_days_ago(district, days)
    _age(_write(district.member1, by=district.users["member1"], title="昨天的笔记"), 1)

    response = _queue(login(district.users["leader1"]), district.education)
    flagged = [u.name for u in response.context["overdue_branches"]]
    assert flagged == (["区一中党支部"] if behind else [])
    assert branches_with_review_backlog(district.root) == int(behind)
    # The waiting note itself is a day old: no note is marked overdue.
    assert "table-warning" not in response.content.decode()

    page = _queue(login(district.users["secretary1"]), district.school1).content.decode()
    assert f"距今{days}天" in page
    assert ("超过7天未批阅" in page) is behind


def test_branch_with_nothing_waiting_is_not_behind_however_long_ago_it_reviewed(district):
    _reviewed_days_ago(district, 30)
    assert branches_with_review_backlog(district.root) == 0
    assert branches_with_review_backlog(district.school1) == 0


def test_a_review_today_clears_the_flag_though_older_notes_still_wait(district, login):
    _reviewed_days_ago(district, 20)
    older = _write(district.member1, by=district.users["member1"], title="两周前的笔记")
    _age(older, 14)
    newer = _write(district.member1, by=district.users["member1"], title="昨天的笔记")
    _age(newer, 1)
    assert branches_with_review_backlog(district.education) == 1

    secretary = login(district.users["secretary1"])
    secretary.post(reverse("study:writing", args=[newer.pk]), _review_data())
    response = _queue(secretary, district.school1)
    assert list(response.context["overdue_branches"]) == []
    assert branches_with_review_backlog(district.education) == 0
    page = response.content.decode()
    assert "上次批阅:今天" in page
    # The older note still waits, marked on its own row, and counts again in a week.
    assert [w.title for w in response.context["page"]] == ["两周前的笔记"]
    assert "table-warning" in page
    later = timezone.localdate() + datetime.timedelta(days=8)
    assert branches_with_review_backlog(district.education, later) == 1


def test_supervisor_reads_the_queue_but_is_offered_no_review(district, login, note):
    response = _queue(login(district.users["supervisor1"]), district.education)
    assert [w.pk for w in response.context["page"]] == [note.pk]
    assert not response.context["can_review"]
    assert "#review-form" not in response.content.decode()


def test_secretary_finds_the_branch_members_to_log_paper_copies(district, login):
    page = _queue(login(district.users["secretary1"]), district.school1).content.decode()
    assert reverse("study:writing_paper", args=[district.member1.pk]) in page
    page = _queue(login(district.users["supervisor1"]), district.school1).content.decode()
    assert reverse("study:writing_paper", args=[district.member1.pk]) not in page


def test_queue_is_paginated(district, login):
    secretary = district.users["secretary1"]
    for i in range(55):
        _write(district.member1, by=secretary, title=f"笔记{i}")
    client = login(secretary)
    assert len(_queue(client, district.school1).context["page"]) == 50
    assert len(_queue(client, district.school1, page=2).context["page"]) == 5


def test_queue_query_count_does_not_grow(district, login, count_queries):
    client = login(district.users["leader1"])
    url = reverse("study:review_queue", args=[district.education.pk])
    secretary = district.users["secretary1"]
    _age(_write(district.member1, by=secretary), 10)
    before = count_queries(client, url)
    for i in range(3):
        member = MemberFactory(unit=district.school2)
        _age(_write(member, by=secretary, title=f"笔记{i}"), 9)
        writing_log_paper(
            member=member, kind=WritingKind.ESSAY, title="体会", characters=900, user=secretary
        )
    assert count_queries(client, url) == before


def test_branch_queue_query_count_does_not_grow(district, login, count_queries):
    client = login(district.users["secretary1"])
    url = reverse("study:review_queue", args=[district.school1.pk])
    member = district.member1
    _reviewed_days_ago(district, 9)
    _write(member, by=member.user, kind=WritingKind.ESSAY, title="体会", text="学" * 40)
    before = count_queries(client, url)
    for i in range(3):
        other = MemberFactory(unit=district.school1)
        reviewed = _write(other, by=district.users["secretary1"], title=f"笔记{i}")
        writing_review(
            writing=reviewed, reviewer=district.users["secretary1"], comment="阅", grade="pass"
        )
        _write(other, by=district.users["secretary1"], kind=WritingKind.ESSAY, text="学" * 40)
    assert count_queries(client, url) == before


def test_writing_page_query_count_does_not_grow_with_reviews(district, login, count_queries):
    note = _write(district.member1, by=district.users["member1"])
    client = login(district.users["secretary1"])
    url = reverse("study:writing", args=[note.pk])
    writing_review(writing=note, reviewer=district.users["leader1"], comment="阅", grade="pass")
    before = count_queries(client, url)
    for grade in ("good", "excellent", "fail"):
        writing_review(
            writing=note, reviewer=district.users["secretary1"], comment="阅", grade=grade
        )
    assert count_queries(client, url) == before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_reviews_an_overdue_note_from_the_queue_on_a_phone(district, phone):
    note = _write(district.member1, by=district.users["member1"], title="第一周学习笔记")
    _age(note, 9)
    log_in(phone, "secretary1")
    phone.open(reverse("study:review_queue", args=[district.school1.pk]))
    expect(phone.locator("#overdue-branches")).to_contain_text("超过7天未批阅")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.get_by_role("link", name="批阅").click()
    expect(phone.get_by_role("heading", name="第一周学习笔记")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("良好").check()
    phone.get_by_label("批语").fill("记录认真,联系了本职工作。")
    phone.get_by_role("button", name="保存批阅").click()

    expect(phone.locator(".alert-success")).to_contain_text("等次:良好")
    expect(phone.locator("#review-queue")).to_contain_text("都已批阅")
    expect(phone.locator("#overdue-branches")).to_have_count(0)


def test_a_review_cannot_predate_the_writing(district, note):
    with pytest.raises(ValidationError, match="不能早于提交日期"):
        writing_review(
            writing=note,
            reviewer=district.users["secretary1"],
            comment="阅",
            grade="pass",
            reviewed_on=timezone.localdate(note.submitted_at) - datetime.timedelta(days=1),
        )


def test_nobody_reviews_their_own_writing(district, note):
    note.member.user = district.users["secretary1"]
    note.member.save()
    with pytest.raises(ValidationError, match="不能批改自己"):
        writing_review(
            writing=note, reviewer=district.users["secretary1"], comment="阅", grade="pass"
        )

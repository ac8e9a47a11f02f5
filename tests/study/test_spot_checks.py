"""督导组审查或抽查: a supervisor draws a random sample of a unit's notes and essays, reads
them with their reviews, and records what was found."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from study.models import SpotCheck, Writing, WritingKind
from study.services.writings import spot_check_draw, writing_log_paper, writing_review
from tests.conftest import log_in
from tests.factories import MemberFactory, a_minute_later
from units.models import Member


def _write(member, *, by, title="学习笔记", characters=800):
    return writing_log_paper(
        member=member, kind=WritingKind.NOTE, title=title, characters=characters, user=by
    )


@pytest.fixture
def writings(district):
    """Twelve writings in 区一中, two in 区二中, one at the hospital."""
    secretary = district.users["secretary1"]
    school1 = list(Member.objects.filter(unit=district.school1))
    made = [_write(school1[i % 3], by=secretary, title=f"一中{i}") for i in range(12)]
    made += [
        _write(Member.objects.get(name="赵敏"), by=secretary, title=f"二中{i}") for i in range(2)
    ]
    made.append(_write(Member.objects.get(name="刘洋"), by=secretary, title="医院"))
    return made


def _list(unit):
    return reverse("study:spot_checks", args=[unit.pk])


@pytest.mark.parametrize("size", [3, 5, 10])
def test_supervisor_draws_a_sample_of_the_units_writings(district, login, writings, size):
    client = login(district.users["supervisor1"])
    response = client.post(_list(district.school1), {"size": size})
    check = SpotCheck.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("study:spot_check", args=[check.pk])
    assert check.unit == district.school1 and check.drawn_by == district.users["supervisor1"]
    sample = list(check.writings.select_related("member__unit"))
    assert len(sample) == size
    assert {w.member.unit for w in sample} == {district.school1}

    page = client.get(response.url).content.decode()
    assert f"随机抽取{size}篇" in page  # the message after the draw
    assert "登记结果" in page
    for writing in sample:
        assert reverse("study:writing", args=[writing.pk]) in page
    assert "待登记结果" in client.get(_list(district.school1)).content.decode()


def test_sample_from_a_committee_comes_from_its_whole_subtree_only(district, login, writings):
    client = login(district.users["supervisor1"])
    client.post(_list(district.education), {"size": 10})
    a_minute_later()
    client.post(_list(district.education), {"size": 10})
    drawn = Writing.objects.filter(spot_checks__unit=district.education).select_related(
        "member__unit"
    )
    assert {w.member.unit for w in drawn} <= {district.school1, district.school2}
    assert drawn.count() == 20


def test_a_unit_smaller_than_the_sample_gives_all_it_has(district, login, writings):
    login(district.users["supervisor1"]).post(_list(district.school2), {"size": 5})
    assert SpotCheck.objects.get().writings.count() == 2


def test_a_unit_with_no_writings_is_told_so(district, login):
    response = login(district.users["supervisor1"]).post(_list(district.school2), {"size": 5})
    assert response.status_code == 200
    assert "这个党组织还没有可抽查的学习笔记或心得体会" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_only_the_offered_sample_sizes_are_accepted(district, login, writings):
    response = login(district.users["supervisor1"]).post(_list(district.school1), {"size": 200})
    assert response.status_code == 200
    assert not SpotCheck.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor2", 404), ("secretary1", 403), ("leader1", 403), ("office", 403)],
)
def test_only_the_units_supervisors_draw(district, login, writings, persona, status):
    client = login(district.users[persona])
    assert client.post(_list(district.school1), {"size": 5}).status_code == status
    assert not SpotCheck.objects.exists()
    if status == 403:
        assert "随机抽取" not in client.get(_list(district.school1)).content.decode()


def test_supervisor_records_the_result(district, login, writings):
    check = spot_check_draw(unit=district.school1, user=district.users["supervisor1"], size=3)
    url = reverse("study:spot_check", args=[check.pk])
    client = login(district.users["supervisor1"])

    response = client.post(url, {"result": "  "})
    assert "请填写抽查结果" in response.content.decode()

    response = client.post(url, {"result": "笔记均已批阅,批语认真;一篇心得字数不足。"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.result == "笔记均已批阅,批语认真;一篇心得字数不足。"
    assert check.recorded_at is not None

    page = login(district.users["secretary1"]).get(_list(district.school1)).content.decode()
    assert "笔记均已批阅" in page and "待登记结果" not in page
    page = login(district.users["secretary1"]).get(url).content.decode()
    assert "一篇心得字数不足" in page and "登记结果" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("secretary1", 403), ("office", 403), ("supervisor2", 404), ("secretary2", 404)],
)
def test_only_the_units_supervisors_record_results(district, login, writings, persona, status):
    check = spot_check_draw(unit=district.school1, user=district.users["supervisor1"])
    response = login(district.users[persona]).post(
        reverse("study:spot_check", args=[check.pk]), {"result": "合格"}
    )
    assert response.status_code == status
    check.refresh_from_db()
    assert check.result == ""


def test_sample_shows_each_writings_reviews(district, login, writings):
    secretary = district.users["secretary1"]
    for writing in writings[:12]:
        writing_review(writing=writing, reviewer=secretary, comment="认真", grade="excellent")
    check = spot_check_draw(unit=district.school1, user=district.users["supervisor1"], size=3)
    page = (
        login(district.users["supervisor1"])
        .get(reverse("study:spot_check", args=[check.pk]))
        .content.decode()
    )
    assert page.count("优秀") == 3 and "未批阅" not in page


def test_spot_check_pages_query_counts_do_not_grow(district, login, writings, count_queries):
    supervisor = district.users["supervisor1"]
    client = login(supervisor)
    list_url = _list(district.school1)
    first = spot_check_draw(unit=district.school1, user=supervisor, size=3)
    detail_url = reverse("study:spot_check", args=[first.pk])
    list_before = count_queries(client, list_url)
    detail_before = count_queries(client, detail_url)

    for _i in range(4):
        spot_check_draw(unit=district.school1, user=supervisor, size=5)
    extra = MemberFactory(unit=district.school1)
    for writing in writings[:12]:
        writing_review(
            writing=writing, reviewer=district.users["secretary1"], comment="阅", grade="good"
        )
        writing_review(
            writing=writing, reviewer=district.users["leader1"], comment="阅", grade="pass"
        )
    first.writings.add(*[_write(extra, by=supervisor, title=f"新{i}") for i in range(5)])

    assert count_queries(client, list_url) == list_before
    assert count_queries(client, detail_url) == detail_before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_draws_and_records_on_a_phone(district, phone, writings):
    log_in(phone, "supervisor1")
    phone.open(_list(district.school1))
    phone.get_by_label("抽取篇数").select_option("3")
    phone.get_by_role("button", name="随机抽取").click()
    expect(phone.locator("#sample li")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("抽查结果").fill("抽查3篇,均已批阅。")
    phone.get_by_role("button", name="登记结果").click()
    expect(phone.locator("#result")).to_contain_text("抽查3篇,均已批阅。")

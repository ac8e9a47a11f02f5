"""What the progress pages show: a member's gaps, a branch's headline and laggards, the
rollup of a committee and the district, a supervision group — and that none of them
costs more queries as the district fills up."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import Batch, Reading, Topic
from study.models import AttendanceStatus, Grade, Writing, WritingKind
from study.selectors.progress import Figures, unit_rollup
from study.services.absences import self_study_log
from study.services.progress import unit_progress_refresh
from study.services.sessions import roster_save
from study.services.writings import writing_log_paper, writing_review
from tests.conftest import log_in
from tests.factories import MemberFactory, make_session
from units.models import Member, Unit, UnitKind

PRESENT = AttendanceStatus.PRESENT
ABSENT = AttendanceStatus.ABSENT


def _names(district):
    return {m.name: m for m in Member.objects.filter(unit=district.school1)}


@pytest.fixture
def studied(live_district):
    """区一中: 张建国 attends four sessions (40 学时, complete), 李秀英 is taught at home
    once (12), 王强 misses them all (four make-ups owed). The first session takes the
    党章 and the first of the four topics. 区二中 has no session yet."""
    d = live_district
    members = _names(d)
    secretary = d.users["secretary1"]
    now = timezone.now()
    party_constitution = Reading.objects.get(batch=d.batch, number=1)
    first_topic = Topic.objects.get(batch=d.batch, unit=None, number=1)
    for index, hours in enumerate(["12", "12", "12", "4"]):
        extra = {"readings": [party_constitution], "topic": first_topic} if index == 0 else {}
        session = make_session(
            d.school1,
            secretary,
            starts_at=now - datetime.timedelta(days=4 - index),
            hours=hours,
            **extra,
        )
        entries = [(members["张建国"].pk, PRESENT), (members["王强"].pk, ABSENT)]
        if index == 0:
            entries.append((members["李秀英"].pk, AttendanceStatus.HOME_DELIVERY))
        roster_save(session=session, entries=entries, user=secretary)
    return d


def _figures(response):
    return response.context["figures"]


def test_branch_headline_shows_the_completion_rate_and_the_three_lines(studied, login):
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    figures = _figures(response)
    assert (figures.members, figures.complete) == (3, 1)
    assert figures.makeups_owed == 4
    assert figures.no_participation == 1
    assert figures.readings_uncovered == 9
    page = response.content.decode()
    assert '<div class="figure" data-figure="completion">33.3%</div>' in page
    assert 'data-figure="makeups-owed">4 次' in page
    assert 'data-figure="no-participation">1 人' in page
    assert 'data-figure="readings-uncovered">9 篇' in page
    assert "规定学习时间不缺一课" in page and "党员参学不漏一人" in page
    assert "必读科目不少一篇" in page
    # 52 of 52 hours concentrated; average (40 + 12 + 0) / 3.
    assert figures.concentrated_share == Decimal("100.0")
    assert figures.average_hours == Decimal("17.3")


def test_a_branch_page_counts_uncovered_readings_as_the_dashboards_do(studied, login):
    """The branch page counts the readings its sessions missed off the list it shows; the
    dashboards read the stored coverage. The two must agree."""
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    stored = unit_rollup(studied.school1, studied.batch).figures.readings_uncovered
    assert _figures(response).readings_uncovered == stored == 9
    assert len(response.context["readings_uncovered"]) == stored


def test_the_current_batch_brings_its_readings_so_a_headline_is_one_query(
    studied, django_assert_num_queries
):
    batch = Batch.objects.current()
    assert batch.reading_count == Reading.objects.filter(batch=batch).count() == 10
    with django_assert_num_queries(1):
        figures = unit_rollup(studied.education, batch).figures
    # A batch read otherwise has its readings counted: the same figures.
    plain = Batch.objects.get(pk=batch.pk)
    assert unit_rollup(studied.education, plain).figures == figures
    assert figures.readings_uncovered == 19


def test_branch_members_are_listed_lagging_first(studied, login):
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    assert [m.name for m in response.context["members"]] == ["王强", "李秀英", "张建国"]
    page = response.content.decode()
    assert page.index("王强") < page.index("李秀英") < page.index("张建国")
    wang = response.context["members"][0]
    assert reverse("study:member_progress", args=[wang.pk]) in page
    assert "已达标" in page


def test_branch_lists_the_readings_and_topics_not_yet_covered(studied, login):
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    uncovered = [r.title for r in response.context["readings_uncovered"]]
    assert len(uncovered) == 9
    assert "《中国共产党章程》" not in uncovered
    assert "《保持共产党员先进性教育读本》" in uncovered
    topics = [t.name for t in response.context["topics_uncovered"]]
    assert topics == [
        "党员先锋模范作用与党的执政能力建设",
        "求真务实与坚持科学发展观和正确政绩观",
        "党的优良传统和作风",
    ]
    page = response.content.decode()
    assert "只统计本支部集中学习登记涉及的篇目" in page
    assert "本支部还没有确定“加一”自选专题" in page


def test_branch_own_topic_is_owed_once_chosen(studied, login):
    Topic.objects.create(
        batch=studied.batch, unit=studied.school1, number=5, name="教书育人与师德建设"
    )
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    assert "教书育人与师德建设" in [t.name for t in response.context["topics_uncovered"]]
    assert "本支部还没有确定“加一”自选专题" not in response.content.decode()


def _fields(figures):
    return {name: getattr(figures, name) for name in Figures.__dataclass_fields__}


def test_committee_rollup_is_the_sum_of_its_branches(studied, login):
    client = login(studied.users["office"])
    branches = [
        _figures(client.get(reverse("study:unit_progress", args=[branch.pk])))
        for branch in (studied.school1, studied.school2)
    ]
    committee = client.get(reverse("study:unit_progress", args=[studied.education.pk]))
    assert _fields(_figures(committee)) == _fields(branches[0] + branches[1])
    assert _figures(committee).completion_rate == Decimal("25.0")
    assert _figures(committee).readings_uncovered == 19
    rows = {unit.name: _fields(f) for unit, f in committee.context["rows"]}
    assert rows == {"区一中党支部": _fields(branches[0]), "区二中党支部": _fields(branches[1])}


def test_district_rollup_counts_every_branch(studied, login):
    response = login(studied.users["office"]).get(
        reverse("study:unit_progress", args=[studied.root.pk])
    )
    figures = _figures(response)
    assert (figures.members, figures.complete, figures.no_participation) == (6, 1, 4)
    assert figures.branches == 4
    assert figures.readings_uncovered == 39
    assert '<div class="figure" data-figure="completion">16.7%</div>' in response.content.decode()
    children = {unit.name: f for unit, f in response.context["rows"]}
    assert children["区教育党委"].members == 4
    assert children["区卫生党委"].members == 1
    assert children["区卫生党委"].readings_uncovered == 10


def test_children_are_sorted_lagging_first_and_link_down(studied, login):
    client = login(studied.users["office"])
    response = client.get(reverse("study:unit_progress", args=[studied.education.pk]))
    assert [unit.name for unit, _f in response.context["rows"]] == ["区二中党支部", "区一中党支部"]
    page = response.content.decode()
    for branch in (studied.school1, studied.school2):
        assert reverse("study:unit_progress", args=[branch.pk]) in page
    district = client.get(reverse("study:unit_progress", args=[studied.root.pk])).content.decode()
    for committee in (studied.education, studied.health, studied.town):
        assert reverse("study:unit_progress", args=[committee.pk]) in district
    # And back up: the breadcrumbs of a branch lead to its committee.
    branch = client.get(reverse("study:unit_progress", args=[studied.school1.pk])).content.decode()
    assert reverse("study:unit_progress", args=[studied.education.pk]) in branch


def test_committee_lists_its_most_lagging_branches_and_members(studied, login):
    response = login(studied.users["leader1"]).get(
        reverse("study:unit_progress", args=[studied.education.pk])
    )
    assert [name for _pk, name, _f in response.context["lagging_branches"]] == [
        "区二中党支部",
        "区一中党支部",
    ]
    names = [m.name for m in response.context["lagging_members"]]
    assert names[-2:] == ["李秀英", "张建国"]
    assert set(names[:2]) == {"王强", "赵敏"}


def test_general_branch_shows_its_own_members_beside_its_branches(studied, login):
    MemberFactory(unit=studied.hospital, name="孙立")
    response = login(studied.users["office"]).get(
        reverse("study:unit_progress", args=[studied.hospital.pk])
    )
    assert response.context["direct"].members == 1
    assert _figures(response).members == 2
    page = response.content.decode()
    assert "本党总支直属党员" in page
    assert reverse("study:ledger_export", args=[studied.hospital.pk]) in page


def test_flags_backlog_and_mobile_members_out_of_contact(studied, login):
    response = login(studied.users["secretary1"]).get(
        reverse("study:unit_progress", args=[studied.school1.pk])
    )
    assert response.context["out_of_contact"] == 1
    assert "1 名流动党员30天以上没有联系记录" in response.content.decode()
    assert reverse("study:mobile_members", args=[studied.school1.pk]) in response.content.decode()


def test_flags_notes_waiting_unreviewed_for_over_a_week(studied, login):
    wang = _names(studied)["王强"]
    waiting = writing_log_paper(
        member=wang,
        kind=WritingKind.NOTE,
        title="学习笔记",
        characters=500,
        user=studied.users["secretary1"],
    )
    client = login(studied.users["leader1"])
    url = reverse("study:unit_progress", args=[studied.education.pk])
    assert client.get(url).context["review_backlog"] == 0
    # Backdated past the services (no page changes when a writing came in): the unit's
    # stored sums are brought up to date by hand.
    Writing.objects.filter(pk=waiting.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=8)
    )
    unit_progress_refresh(unit_ids=[wang.unit_id])
    assert "1 个党支部有笔记心得在等批阅,且超过一周没有批阅了" in client.get(url).content.decode()
    branch = client.get(reverse("study:unit_progress", args=[studied.school1.pk]))
    assert branch.context["review_backlog"] == 1
    assert "而本支部超过一周没有批阅了" in branch.content.decode()
    writing_review(
        writing=waiting, reviewer=studied.users["leader1"], comment="认真。", grade=Grade.GOOD
    )
    assert client.get(url).context["review_backlog"] == 0


def test_branch_page_links_to_the_branch_ledgers(studied, login):
    page = (
        login(studied.users["secretary1"])
        .get(reverse("study:unit_progress", args=[studied.school1.pk]))
        .content.decode()
    )
    for name in ("sessions", "makeups", "mobile_members", "review_queue", "spot_checks"):
        assert reverse(f"study:{name}", args=[studied.school1.pk]) in page
    assert reverse("study:leave_list", args=[studied.school1.pk]) in page
    assert reverse("study:ledger_export", args=[studied.school1.pk]) in page
    committee = (
        login(studied.users["office"])
        .get(reverse("study:unit_progress", args=[studied.education.pk]))
        .content.decode()
    )
    assert reverse("study:sessions", args=[studied.education.pk]) not in committee
    assert reverse("study:leave_list", args=[studied.education.pk]) not in committee


# A member -------------------------------------------------------------------------------


def test_member_page_states_what_is_missing(studied, login):
    wang = _names(studied)["王强"]
    response = login(studied.users["secretary1"]).get(
        reverse("study:member_progress", args=[wang.pk])
    )
    page = response.content.decode()
    assert "还差40学时;其中集中学习还差26.7学时。" in page
    assert "还差1篇心得体会" in page and "还没有学习笔记" in page
    assert 'data-figure="makeups-owed">4<' in page
    assert page.count("待补课</span>") == 4
    assert [s.status for s in response.context["history"]] == [ABSENT] * 4


def test_member_page_shows_a_completed_member(studied, login):
    response = login(studied.users["secretary1"]).get(
        reverse("study:member_progress", args=[studied.member1.pk])
    )
    page = response.content.decode()
    assert "已达到40学时,集中学习占三分之二以上。" in page
    assert 'data-figure="total">40<' in page
    assert "还差2篇3000字以上的心得体会" in page
    assert [s.credited_hours for s in response.context["history"]] == [
        Decimal("12"),
        Decimal("12"),
        Decimal("12"),
        Decimal("4"),
    ]


def test_member_page_shows_self_study_and_the_concentrated_share(studied, login):
    li = _names(studied)["李秀英"]
    self_study_log(
        member=li,
        studied_on=timezone.localdate(),
        hours=Decimal("6"),
        material="自学党章",
        user=studied.users["secretary1"],
    )
    page = (
        login(studied.users["secretary1"])
        .get(reverse("study:member_progress", args=[li.pk]))
        .content.decode()
    )
    assert 'data-figure="self-study">6<' in page
    assert "66.7%" in page
    assert "还差22学时;其中集中学习还差14.7学时。" in page
    assert "送课上门" in page


def test_my_progress_is_the_members_hub(studied, login):
    response = login(studied.users["member1"]).get(reverse("study:my_progress"))
    assert response.status_code == 200
    assert response.context["member"] == studied.member1
    page = response.content.decode()
    assert "我的学习进度" in page
    for name in ("checkin", "my_leave", "my_self_study", "my_writings"):
        assert reverse(f"study:{name}") in page


def test_my_progress_tells_a_user_without_member_record(studied, login):
    response = login(studied.users["office"]).get(reverse("study:my_progress"))
    assert response.status_code == 404
    assert "您的账号没有关联党员信息" in response.content.decode()


def test_member_page_lists_sessions_not_yet_on_the_roster(studied, login):
    make_session(
        studied.school1,
        studied.users["secretary1"],
        starts_at=timezone.now() + datetime.timedelta(days=1),
        title="学习《读本》",
    )
    response = login(studied.users["member1"]).get(reverse("study:my_progress"))
    assert len(response.context["history"]) == 5
    assert "未开始" in response.content.decode()


# A supervision group --------------------------------------------------------------------


def test_group_page_rolls_up_its_units(studied, login):
    client = login(studied.users["supervisor1"])
    response = client.get(reverse("study:group_progress", args=[studied.groups[0].pk]))
    committee = client.get(reverse("study:unit_progress", args=[studied.education.pk]))
    assert _fields(_figures(response)) == _fields(_figures(committee))
    assert [unit.name for unit, _f in response.context["rows"]] == ["区教育党委"]
    assert reverse("study:unit_progress", args=[studied.education.pk]) in (
        response.content.decode()
    )


def test_group_with_several_units_shows_a_row_each(studied, login):
    studied.groups[0].units.add(studied.town, studied.school1)
    response = login(studied.users["office"]).get(
        reverse("study:group_progress", args=[studied.groups[0].pk])
    )
    rows = {unit.name: f.members for unit, f in response.context["rows"]}
    # 区一中 lies inside 区教育党委: counted there, not twice.
    assert rows == {"区教育党委": 4, "城关镇党委": 1}
    assert _figures(response).members == 5


# Query counts ---------------------------------------------------------------------------


def _grow(district):
    """More of everything: branches, members, sessions, sign-ins, self-study."""
    secretary = district.users["secretary1"]
    now = timezone.now()
    reading = Reading.objects.filter(batch=district.batch).last()
    for b in range(3):
        branch = Unit.objects.create(
            name=f"新增党支部{b}",
            kind=UnitKind.BRANCH,
            parent=district.education,
            stage=district.stages[0],
        )
        members = [MemberFactory(unit=branch, is_mobile=i == 0) for i in range(5)]
        session = make_session(branch, secretary, starts_at=now, readings=[reading])
        roster_save(
            session=session,
            entries=[(m.pk, PRESENT if i % 2 else ABSENT) for i, m in enumerate(members)],
            user=secretary,
        )
    extra = [MemberFactory(unit=district.school1) for _ in range(4)]
    everyone = list(Member.objects.filter(unit=district.school1))
    for day in range(3):
        session = make_session(
            district.school1,
            secretary,
            starts_at=now - datetime.timedelta(hours=day + 1),
            readings=[reading],
        )
        roster_save(session=session, entries=[(m.pk, PRESENT) for m in everyone], user=secretary)
    for member in extra:
        self_study_log(
            member=member,
            studied_on=timezone.localdate(),
            hours=Decimal("2"),
            material="自学",
            user=secretary,
        )


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("secretary1", lambda d: reverse("study:member_progress", args=[d.member1.pk])),
        ("member1", lambda d: reverse("study:my_progress")),
        ("secretary1", lambda d: reverse("study:unit_progress", args=[d.school1.pk])),
        ("leader1", lambda d: reverse("study:unit_progress", args=[d.education.pk])),
        ("office", lambda d: reverse("study:unit_progress", args=[d.root.pk])),
        ("supervisor1", lambda d: reverse("study:group_progress", args=[d.groups[0].pk])),
    ],
    ids=["member", "my progress", "branch", "committee", "district", "group"],
)
def test_query_count_does_not_grow_with_data(studied, login, count_queries, persona, url):
    client = login(studied.users[persona])
    before = count_queries(client, url(studied))
    _grow(studied)
    after = count_queries(client, url(studied))
    assert after == before


# On a phone --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_secretary_reads_the_branch_progress_on_a_phone(studied, phone):
    log_in(phone, "secretary1")
    phone.open(reverse("study:unit_progress", args=[studied.school1.pk]))
    expect(phone.get_by_role("heading", name="区一中党支部")).to_be_visible()
    expect(phone.locator("[data-figure=completion]")).to_have_text("33.3%")
    expect(phone.locator("#member-table tbody tr").first).to_contain_text("王强")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.locator("#member-table").get_by_role("link", name="王强").click()
    expect(phone.locator("#shortfall")).to_contain_text("还差40学时;其中集中学习还差26.7学时。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

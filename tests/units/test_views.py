import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, UserFactory
from units.models import Member, MemberCategory, Role, RoleAssignment, Unit, UnitKind


def _grow(district, branches=5, members_per_branch=20):
    """Add branches and members under 区教育党委, to show page costs don't grow with data."""
    for b in range(branches):
        branch = Unit.objects.create(
            name=f"新增党支部{b}",
            kind=UnitKind.BRANCH,
            parent=district.education,
            stage=district.stages[0],
        )
        Member.objects.bulk_create(
            Member(name=f"党员{b}-{i}", unit=branch, is_mobile=i % 3 == 0)
            for i in range(members_per_branch)
        )
    for i in range(members_per_branch):
        MemberFactory(unit=district.school1, name=f"一中党员{i}")


def test_office_drills_down_from_district_to_branch(district, login):
    client = login(district.users["office"])
    response = client.get(reverse("units:tree"), follow=True)
    page = response.content.decode()
    assert "区委" in page and "区教育党委" in page and "城关镇党委" in page

    page = client.get(reverse("units:detail", args=[district.education.pk])).content.decode()
    assert "区一中党支部" in page and "区二中党支部" in page
    assert "区医院内科党支部" not in page
    assert "第一督导组" in page

    response = client.get(reverse("units:detail", args=[district.school1.pk]))
    assert [a.name for a in response.context["ancestors"]] == ["区委", "区教育党委"]
    assert response.context["breakdown"]["total"] == 3
    assert response.context["breakdown"]["leading_cadres"] == 1


def test_subtree_totals_count_everything_below(district, login):
    response = login(district.users["office"]).get(reverse("units:detail", args=[district.root.pk]))
    totals = {u.name: (u.branch_total, u.member_total) for u in response.context["children"]}
    assert totals == {"区教育党委": (2, 4), "区卫生党委": (1, 1), "城关镇党委": (1, 1)}


def test_breadcrumbs_stop_at_the_top_of_the_users_scope(district, login):
    response = login(district.users["secretary1"]).get(
        reverse("units:detail", args=[district.school1.pk])
    )
    assert response.context["ancestors"] == []


def test_supervisor_with_several_units_sees_a_list_of_them(district, login):
    district.groups[0].units.add(district.town)
    response = login(district.users["supervisor1"]).get(reverse("units:tree"))
    assert response.status_code == 200
    assert [u.name for u in response.context["roots"]] == ["区教育党委", "城关镇党委"]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"q": "张"}, {"张建国"}),
        ({"q": "校长"}, {"张建国"}),
        ({"category": MemberCategory.RETIRED}, {"李秀英"}),
        ({"is_leading_cadre": "1"}, {"张建国"}),
        ({"is_mobile": "1"}, {"王强"}),
        ({"is_infirm": "1"}, {"李秀英"}),
        ({"is_infirm": "0", "is_mobile": "0"}, {"张建国", "赵敏"}),
    ],
    ids=["name", "position", "retired", "leading cadre", "mobile", "infirm", "combined"],
)
def test_member_list_search_and_filters(district, login, params, names):
    response = login(district.users["office"]).get(
        reverse("units:members", args=[district.education.pk]), params
    )
    assert {m.name for m in response.context["page"]} == names


def test_member_list_pages_keep_the_filter(district, login):
    for i in range(60):
        MemberFactory(unit=district.school2, name=f"赵{i}")
    client = login(district.users["office"])
    url = reverse("units:members", args=[district.education.pk])
    first = client.get(url, {"q": "赵"})
    assert first.context["page"].paginator.count == 61
    assert "?q=%E8%B5%B5&amp;page=2" in first.content.decode()
    second = client.get(url, {"q": "赵", "page": 2})
    assert len(second.context["page"]) == 11


def test_office_edits_a_member(district, login):
    client = login(district.users["office"])
    response = client.post(
        reverse("units:member_edit", args=[district.member1.pk]),
        {
            "name": "张建国",
            "unit": district.school2.pk,
            "category": "in_service",
            "phone": "13900001111",
            "can_write": "on",
        },
    )
    assert response.status_code == 302
    district.member1.refresh_from_db()
    assert district.member1.unit == district.school2
    assert district.member1.phone == "13900001111"
    assert not district.member1.is_leading_cadre


def test_a_secretary_marks_a_member_of_the_branch_as_infirm(district, login):
    # The secretary knows who can no longer come to meetings: 送课上门 follows the flag.
    member = Member.objects.get(name="王强")
    client = login(district.users["secretary1"])
    assert "编辑" in client.get(reverse("units:member", args=[member.pk])).content.decode()
    response = client.post(
        reverse("units:member_edit", args=[member.pk]),
        {"name": "王强", "unit": district.school1.pk, "category": "retired", "is_infirm": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_infirm and member.category == MemberCategory.RETIRED


def test_a_secretary_cannot_move_a_member_out_of_the_branch(district, login):
    client = login(district.users["secretary1"])
    form = client.get(reverse("units:member_edit", args=[district.member1.pk])).context["form"]
    assert list(form.fields["unit"].queryset) == [district.school1]
    response = client.post(
        reverse("units:member_edit", args=[district.member1.pk]),
        {"name": "张建国", "unit": district.school2.pk, "category": "in_service"},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    district.member1.refresh_from_db()
    assert district.member1.unit == district.school1


def test_a_leader_adds_a_member_to_a_branch_below(district, login):
    response = login(district.users["leader1"]).post(
        reverse("units:member_create", args=[district.school2.pk]),
        {"name": "新党员", "unit": district.school2.pk, "category": "in_service"},
    )
    assert response.status_code == 302
    assert Member.objects.get(name="新党员").unit == district.school2


def test_member_form_errors_keep_what_was_typed(district, login):
    client = login(district.users["office"])
    response = client.post(
        reverse("units:member_create", args=[district.school1.pk]),
        {
            "name": "",
            "unit": district.school1.pk,
            "category": "in_service",
            "phone": "13911112222",
            "position": "教师",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "这个字段是必填项" in page
    assert "13911112222" in page and "教师" in page


def test_a_member_cannot_be_put_in_a_committee(district, login):
    response = login(district.users["office"]).post(
        reverse("units:member_create", args=[district.school1.pk]),
        {"name": "新党员", "unit": district.education.pk, "category": "in_service"},
    )
    assert response.status_code == 200
    assert not Member.objects.filter(name="新党员").exists()


def test_office_creates_and_moves_units(district, login):
    client = login(district.users["office"])
    response = client.post(
        reverse("units:create", args=[district.town.pk]),
        {
            "name": "西街社区党支部",
            "kind": UnitKind.BRANCH,
            "parent": district.town.pk,
            "sector": "community",
        },
    )
    assert response.status_code == 302
    branch = Unit.objects.get(name="西街社区党支部")
    assert branch.is_descendant_of(district.town)

    response = client.post(
        reverse("units:edit", args=[district.hospital.pk]),
        {
            "name": "区医院党总支",
            "kind": UnitKind.GENERAL_BRANCH,
            "parent": district.education.pk,
            "sector": "institution",
        },
    )
    assert response.status_code == 302
    district.ward.refresh_from_db()
    assert district.ward.is_descendant_of(district.education)


def test_moving_a_unit_under_its_own_child_is_refused_on_the_form(district, login):
    response = login(district.users["office"]).post(
        reverse("units:edit", args=[district.health.pk]),
        {"name": "区卫生党委", "kind": UnitKind.COMMITTEE, "parent": district.hospital.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    district.health.refresh_from_db()
    assert district.health.parent == district.root


def test_deleting_a_unit_with_members_explains_why_not(district, login):
    client = login(district.users["office"])
    response = client.post(reverse("units:delete", args=[district.school1.pk]), follow=True)
    assert "还有党组织或党员" in response.content.decode()
    assert Unit.objects.filter(pk=district.school1.pk).exists()


def test_secretary_home_shows_their_branch(district, login):
    page = login(district.users["secretary1"]).get(reverse("home")).content.decode()
    assert "区一中党支部" in page and "支部书记" in page
    assert "区医院内科党支部" not in page


def test_member_home_shows_own_record_only(district, login):
    page = login(district.users["member1"]).get(reverse("home")).content.decode()
    assert "张建国" in page and "区一中党支部" in page
    assert "李秀英" not in page


def test_user_with_two_roles_sees_both(district, login):
    RoleAssignment.objects.create(
        user=district.users["secretary1"], role=Role.SECRETARY, unit=district.school2
    )
    page = login(district.users["secretary1"]).get(reverse("home")).content.decode()
    assert "区一中党支部" in page and "区二中党支部" in page


@pytest.mark.parametrize(
    "persona", ["office", "supervisor1", "leader1", "secretary1", "member1", "outsider"]
)
def test_home_query_count_does_not_grow_with_the_district(district, login, persona, count_queries):
    client = login(district.users[persona])
    before = count_queries(client, reverse("home"))
    _grow(district)
    UserFactory(username="another")
    assert count_queries(client, reverse("home")) == before


@pytest.mark.parametrize(
    "view", ["units:detail", "units:members"], ids=["unit page", "member list"]
)
def test_unit_pages_query_count_does_not_grow_with_the_district(
    district, login, view, count_queries
):
    client = login(district.users["office"])
    url = reverse(view, args=[district.education.pk])
    before = count_queries(client, url)
    _grow(district)
    assert count_queries(client, url) == before


def test_making_a_member_a_leading_cadre_raises_what_they_owe(district, login):
    from study.models import MemberProgress, WritingKind
    from study.services.writings import writing_submit

    member = Member.objects.get(name="王强")
    for kind in (WritingKind.NOTE, WritingKind.ESSAY):
        writing_submit(
            member=member,
            kind=kind,
            title="体会",
            text="学" * 100,
            user=district.users["secretary1"],
        )
    assert MemberProgress.objects.get(member=member).writing_done

    login(district.users["office"]).post(
        reverse("units:member_edit", args=[member.pk]),
        {
            "name": "王强",
            "unit": district.school1.pk,
            "category": "in_service",
            "is_leading_cadre": "on",
            "can_write": "on",
            "is_mobile": "on",
        },
    )
    assert not MemberProgress.objects.get(member=member).writing_done


def test_home_says_how_many_notices_are_unread(district, login):
    from common.models import Notification

    user = district.users["secretary1"]
    Notification.objects.create(user=user, text="转段申请已退回", link="/")
    Notification.objects.create(user=user, text="已读的", link="/", read_at=timezone.now())
    page = login(user).get(reverse("home")).content.decode()
    assert "您有 1 条未读通知" in page


def test_a_large_committee_lists_its_units_a_page_at_a_time(district, login, count_queries):
    client = login(district.users["office"])
    url = reverse("units:detail", args=[district.education.pk])
    before = count_queries(client, url)
    for b in range(55):
        branch = Unit.objects.create(
            name=f"新增党支部{b:02}", kind=UnitKind.BRANCH, parent=district.education
        )
        if b == 54:
            MemberFactory(unit=branch, name="最后一个支部的党员")

    first = client.get(url)
    assert len(first.context["children"]) == 50
    assert "第 1 / 2 页" in first.content.decode()
    assert "共 57 个" in first.content.decode()
    last = client.get(url, {"page": 2})
    totals = {u.name: (u.branch_total, u.member_total) for u in last.context["children"]}
    assert len(totals) == 7
    # Totals of a unit on the second page count its subtree like any other.
    assert totals["新增党支部54"] == (1, 1)
    # What the page costs follows the 50 it shows, not the 57 under the committee.
    assert count_queries(client, url) == before
    assert count_queries(client, url, page=2) == before


def test_a_large_committees_progress_lists_its_units_a_page_at_a_time(district, login):
    client = login(district.users["office"])
    for b in range(55):
        Unit.objects.create(
            name=f"新增党支部{b:02}", kind=UnitKind.BRANCH, parent=district.education
        )
    url = reverse("study:unit_progress", args=[district.education.pk])
    first = client.get(url)
    assert len(list(first.context["rows"])) == 50
    assert "第 1 / 2 页" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(list(second.context["rows"])) == 7
    names = {unit.name for unit, _figures in first.context["rows"]}
    names |= {unit.name for unit, _figures in second.context["rows"]}
    assert {"区一中党支部", "区二中党支部"} <= names and len(names) == 57


def test_a_units_table_reads_each_childs_kind_sector_totals_and_stage(district, login):
    """The rows of the children's table, as a user reads them: the name linking to the
    unit's page, its kind and sector in words, its branches and members below it, and its
    stage — a dash where it has no sector or stage, and a name's markup shown as text."""
    from units.models import Sector

    d = district
    d.education.sector = Sector.choices[0][0]
    d.education.save()
    d.town.stage = None
    d.town.sector = ""
    d.town.save()
    d.health.name = "区卫生<b>党委</b>"
    d.health.save()

    page = login(d.users["office"]).get(reverse("units:detail", args=[d.root.pk])).content.decode()
    table = re.sub(r">\s+<", "><", page.split("<tbody>")[1].split("</tbody>")[0])
    rows = table.split("</tr>")
    education = next(row for row in rows if "区教育党委" in row)
    assert f'href="{reverse("units:detail", args=[d.education.pk])}"' in education
    assert str(UnitKind(d.education.kind).label) in education
    assert str(Sector.choices[0][1]) in education
    assert '<td class="text-end">2</td><td class="text-end">4</td>' in education
    assert d.education.stage.name in education
    town = next(row for row in rows if "城关镇党委" in row)
    assert town.count("—") == 2  # no sector, no stage
    assert "区卫生&lt;b&gt;党委&lt;/b&gt;" in page and "<b>党委</b>" not in page

"""先进典型: a group records the typical people, branches and practices it finds ("要注意
挖掘和掌握先进性教育活动中涌现出来的先进典型人物和典型支部、典型事例"); the office
reads every group's to publicise them."""

import pytest
from django.urls import reverse

from supervision.models import CaseKind, TypicalCase
from supervision.services.groups import typical_case_record
from tests.factories import MemberFactory
from units.models import Unit, UnitKind


def cases(district, group=0):
    return reverse("supervision:typical_cases", args=[district.groups[group].pk])


ALL_CASES = reverse("supervision:all_cases")


def _data(district, **changes):
    data = {
        "kind": CaseKind.PERSON,
        "title": "带病坚持送课上门的老校长",
        "unit": str(district.school1.pk),
        "member": "张建国",
        "description": "张建国同志带头学习,先后三次为年老体弱党员送课上门。",
    }
    data.update(changes)
    return data


def _record(district, *, group=0, unit=None, kind=CaseKind.PRACTICE, title="做法", member=None):
    by = ("supervisor1", "supervisor2", "supervisor3")[group]
    return typical_case_record(
        group=district.groups[group],
        kind=kind,
        title=title,
        unit=unit or (district.school1, district.ward, district.street)[group],
        description="具体做法。",
        member=member,
        user=district.users[by],
    )


def test_a_supervisor_records_a_typical_person_found_by_name(live_district, login):
    d = live_district
    client = login(d.users["supervisor1"])
    response = client.post(cases(d), _data(d))
    case = TypicalCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:typical_case", args=[case.pk])
    assert (case.group, case.kind, case.unit, case.member) == (
        d.groups[0],
        CaseKind.PERSON,
        d.school1,
        d.member1,
    )
    page = client.get(response["Location"]).content.decode()
    assert "已登记先进典型人物“带病坚持送课上门的老校长”。" in page
    assert "张建国(校长)" in page and "先后三次为年老体弱党员送课上门" in page


def test_a_member_is_found_anywhere_below_the_chosen_unit(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(
        cases(d), _data(d, unit=str(d.education.pk), member="赵敏")
    )
    assert response.status_code == 302
    assert TypicalCase.objects.get().member.unit == d.school2


def test_a_branch_or_practice_needs_no_member(live_district, login):
    d = live_district
    client = login(d.users["supervisor1"])
    response = client.post(
        cases(d),
        _data(d, kind=CaseKind.BRANCH, title="“五查五看”做得实的支部", member=""),
    )
    assert response.status_code == 302
    case = TypicalCase.objects.get()
    assert case.kind == CaseKind.BRANCH and case.member is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"member": ""}, "member", "先进典型人物请填写党员姓名。"),
        (
            {"member": "刘洋"},
            "member",
            "区一中党支部没有名叫“刘洋”的党员,请核对姓名或所选党组织。",
        ),
        ({"title": ""}, "title", "请填写标题。"),
        ({"description": "  "}, "description", "请填写事迹和做法。"),
        ({"kind": ""}, "kind", "请选择典型的类别。"),
    ],
    ids=["person-without-name", "name-not-in-unit", "no-title", "no-description", "no-kind"],
)
def test_bad_input_is_shown_on_the_form_with_what_was_typed(
    live_district, login, changes, field, message
):
    d = live_district
    response = login(d.users["supervisor1"]).post(cases(d), _data(d, **changes))
    assert response.status_code == 200
    assert not TypicalCase.objects.exists()
    assert message in response.context["form"].errors[field]
    page = response.content.decode()
    assert message in page
    if field != "title":
        assert "带病坚持送课上门的老校长" in page


def test_namesakes_in_two_branches_ask_for_the_branch(live_district, login):
    d = live_district
    MemberFactory(name="张建国", unit=d.school2)
    client = login(d.users["supervisor1"])
    response = client.post(cases(d), _data(d, unit=str(d.education.pk)))
    assert response.status_code == 200
    [error] = response.context["form"].errors["member"]
    assert "区教育党委有不止一名党员叫“张建国”(在区一中党支部、区二中党支部)" in error
    assert "请在“所在党组织”中选到其所在的党支部" in error
    # Choosing the branch settles it.
    assert client.post(cases(d), _data(d, unit=str(d.school2.pk))).status_code == 302
    assert TypicalCase.objects.get().member.unit == d.school2


def test_a_name_not_found_under_a_committee_names_its_subtree(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(
        cases(d), _data(d, unit=str(d.education.pk), member="刘洋")
    )
    assert response.context["form"].errors["member"] == [
        "区教育党委及其下级党组织中没有名叫“刘洋”的党员,请核对姓名或所选党组织。"
    ]


def test_namesakes_in_one_branch_cannot_be_told_apart(live_district, login):
    d = live_district
    MemberFactory(name="张建国", unit=d.school1)
    response = login(d.users["supervisor1"]).post(cases(d), _data(d))
    [error] = response.context["form"].errors["member"]
    assert "按姓名无法区分" in error


def test_a_unit_outside_the_groups_subtree_is_refused(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(
        cases(d), _data(d, unit=str(d.ward.pk), member="刘洋")
    )
    assert response.context["form"].errors["unit"] == ["请选择本组督导范围内的党组织。"]
    assert not TypicalCase.objects.exists()


def test_the_group_list_is_newest_first_and_only_the_groups(live_district, login):
    d = live_district
    _record(d, title="较早的经验")
    _record(d, title="最新的经验")
    _record(d, group=1, title="二组的经验")
    page = login(d.users["supervisor1"]).get(cases(d)).content.decode()
    assert page.index("最新的经验") < page.index("较早的经验")
    assert "二组的经验" not in page
    assert "本组已登记 2 个" in page


def test_the_office_reads_a_groups_cases_without_the_form(live_district, login):
    d = live_district
    _record(d, title="一组的经验")
    response = login(d.users["office"]).get(cases(d))
    assert response.context["form"] is None
    assert "一组的经验" in response.content.decode()


def test_all_cases_lists_every_group_newest_first(live_district, login):
    d = live_district
    _record(d, title="一组的经验")
    _record(d, group=1, kind=CaseKind.BRANCH, title="二组的支部")
    _record(d, group=2, title="三组的经验")
    response = login(d.users["office"]).get(ALL_CASES)
    page = response.content.decode()
    assert page.index("三组的经验") < page.index("二组的支部") < page.index("一组的经验")
    assert "第二督导组" in page and "共 3 个" in page


def test_all_cases_filters_by_group_and_kind(live_district, login):
    d = live_district
    _record(d, title="一组的经验")
    _record(d, kind=CaseKind.BRANCH, title="一组的支部")
    _record(d, group=1, kind=CaseKind.BRANCH, title="二组的支部")
    client = login(d.users["office"])

    by_group = client.get(ALL_CASES, {"group": d.groups[0].pk})
    assert {c.title for c in by_group.context["page"]} == {"一组的经验", "一组的支部"}
    by_kind = client.get(ALL_CASES, {"kind": CaseKind.BRANCH})
    assert {c.title for c in by_kind.context["page"]} == {"一组的支部", "二组的支部"}
    both = client.get(ALL_CASES, {"group": d.groups[0].pk, "kind": CaseKind.BRANCH})
    assert [c.title for c in both.context["page"]] == ["一组的支部"]
    nothing = client.get(ALL_CASES, {"group": d.groups[2].pk})
    assert "还没有符合条件的先进典型。" in nothing.content.decode()


def test_all_cases_pages_keep_the_filter(live_district, login):
    d = live_district
    for index in range(21):
        _record(d, title=f"经验{index}")
    page = login(d.users["office"]).get(ALL_CASES, {"group": d.groups[0].pk}).content.decode()
    assert f"?group={d.groups[0].pk}&amp;page=2" in page


def test_a_case_detail_from_all_cases_leads_back_there(live_district, login):
    d = live_district
    case = _record(d, group=1, title="二组的经验")
    page = login(d.users["office"]).get(reverse("supervision:typical_case", args=[case.pk]))
    assert reverse("supervision:all_cases") in page.content.decode()


@pytest.mark.parametrize("persona", ["supervisor1", "office"])
def test_query_counts_do_not_grow(live_district, login, count_queries, persona):
    d = live_district
    client = login(d.users[persona])
    first = _record(d, kind=CaseKind.PERSON, title="人物", member=d.member1)
    detail = reverse("supervision:typical_case", args=[first.pk])
    urls = [cases(d), detail] + ([ALL_CASES] if persona == "office" else [])
    before = [count_queries(client, url) for url in urls]

    for index in range(25):
        branch = Unit.objects.create(
            name=f"第{index}党支部", kind=UnitKind.BRANCH, parent=d.education
        )
        member = MemberFactory(unit=branch)
        _record(d, unit=branch, kind=CaseKind.PERSON, title=f"人物{index}", member=member)
        _record(d, group=1 + index % 2, title=f"别组{index}")

    assert [count_queries(client, url) for url in urls] == before

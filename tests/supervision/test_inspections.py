"""督查记录: a group member records an inspection of a unit in the group's subtree; bad
input comes back on the form with what was typed; the list filters by unit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from supervision.models import Inspection, InspectionFocus
from supervision.services.groups import inspection_record
from tests.conftest import log_in
from tests.factories import UserFactory, day_from_today, resolved
from units.models import Unit, UnitKind


def inspections(district, group=0):
    return reverse("supervision:inspections", args=[district.groups[group].pk])


def _data(district, **changes):
    data = {
        "inspected_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "unit": str(district.school1.pk),
        "focus": [InspectionFocus.LEADER_LECTURES, InspectionFocus.FOUR_PLUS_ONE],
        "findings": "校长已上党课一次;四加一专题学习尚缺“党的优良传统和作风”。",
        "follow_up": "三月十日前补上专题学习,下周回访。",
    }
    data.update(changes)
    return data


def _record(district, unit, *, days_ago=1, by="supervisor1", findings="按计划开展学习。"):
    return inspection_record(
        group=district.groups[0],
        unit=unit,
        inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        focus=[InspectionFocus.STUDY],
        findings=findings,
        user=district.users[by],
    )


def test_a_supervisor_records_an_inspection(live_district, login):
    d = live_district
    client = login(d.users["supervisor1"])
    response = client.post(inspections(d), _data(d))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:inspection", args=[inspection.pk])
    assert inspection.group == d.groups[0]
    assert inspection.unit == d.school1
    assert inspection.recorded_by == d.users["supervisor1"]
    assert inspection.focus == ["leader_lectures", "four_plus_one"]

    page = client.get(response["Location"]).content.decode()
    assert "已登记" in page and "区一中党支部" in page
    assert "党员领导干部上党课、做形势报告" in page and "四加一专题学习" in page
    assert "三月十日前补上专题学习" in page


def test_the_form_offers_every_unit_of_the_subtree_in_tree_order(live_district, login):
    d = live_district
    form = login(d.users["supervisor1"]).get(inspections(d)).context["form"]
    labels = [label for value, label in form.fields["unit"].choices if value]
    assert labels == ["区教育党委", "\u3000区一中党支部", "\u3000区二中党支部"]
    checkboxes = [label for _value, label in form.fields["focus"].choices]
    assert "边学边查边改" in checkboxes and "学习培训计划" in checkboxes


def test_a_group_with_two_units_groups_the_choices(live_district, login):
    d = live_district
    d.groups[0].units.add(d.town)
    form = login(d.users["supervisor1"]).get(inspections(d)).context["form"]
    groups = [group for group, _options in form.fields["unit"].choices[1:]]
    assert groups == ["区教育党委", "城关镇党委"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"inspected_on": day_from_today(1)},
            "inspected_on",
            "督查日期不能晚于今天。",
        ),
        ({"inspected_on": "三月八日"}, "inspected_on", "日期格式不正确。"),
        ({"focus": []}, "focus", "请至少选择一项督查内容。"),
        ({"findings": "   "}, "findings", "请填写发现的问题和情况。"),
        ({"unit": ""}, "unit", "请选择党组织。"),
    ],
    ids=["future-date", "bad-date", "nothing-checked", "empty-findings", "no-unit"],
)
def test_bad_input_is_shown_on_the_form_with_what_was_typed(
    live_district, login, changes, field, message
):
    d = live_district
    response = login(d.users["supervisor1"]).post(inspections(d), _data(d, **resolved(changes)))
    assert response.status_code == 200
    assert not Inspection.objects.exists()
    form = response.context["form"]
    assert form.errors[field] == [message]
    page = response.content.decode()
    assert message in page
    if field != "findings":
        assert "四加一专题学习尚缺" in page
    assert "三月十日前补上专题学习" in page


def test_a_unit_of_another_groups_subtree_is_refused(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(inspections(d), _data(d, unit=str(d.ward.pk)))
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["请选择本组督导范围内的党组织。"]
    assert not Inspection.objects.exists()
    assert "四加一专题学习尚缺" in response.content.decode()


def test_the_date_picker_stops_at_today(live_district, login):
    page = login(live_district.users["supervisor1"]).get(inspections(live_district))
    assert f'max="{timezone.localdate().isoformat()}"' in page.content.decode()


def test_the_list_is_newest_first_and_filters_by_unit(live_district, login):
    d = live_district
    _record(d, d.school1, days_ago=5, findings="一中五天前")
    _record(d, d.school2, days_ago=2, findings="二中两天前")
    _record(d, d.education, days_ago=1, findings="党委昨天")
    client = login(d.users["supervisor1"])

    page = client.get(inspections(d)).content.decode()
    assert page.index("党委昨天") < page.index("二中两天前") < page.index("一中五天前")

    only_school1 = client.get(inspections(d), {"unit": d.school1.pk})
    assert [i.findings for i in only_school1.context["page"]] == ["一中五天前"]
    assert "区一中党支部及其下级共 1 次督查" in only_school1.content.decode()
    # A committee takes in its branches.
    whole = client.get(inspections(d), {"unit": d.education.pk})
    assert len(whole.context["page"]) == 3


def test_a_filter_outside_the_group_shows_everything_of_the_group(live_district, login):
    d = live_district
    _record(d, d.school1)
    response = login(d.users["supervisor1"]).get(inspections(d), {"unit": d.ward.pk})
    assert response.status_code == 200
    assert len(response.context["page"]) == 1
    assert response.context["chosen"] is None


def test_the_office_reads_the_list_without_the_form(live_district, login):
    d = live_district
    _record(d, d.school1, findings="一中的情况")
    response = login(d.users["office"]).get(inspections(d))
    assert response.context["form"] is None
    page = response.content.decode()
    assert "一中的情况" in page and "登记一次督查" not in page


def test_each_group_sees_only_its_own_records(live_district, login):
    d = live_district
    _record(d, d.school1, findings="一组的记录")
    inspection_record(
        group=d.groups[1],
        unit=d.ward,
        inspected_on=timezone.localdate(),
        focus=[InspectionFocus.RECTIFY],
        findings="二组的记录",
        user=d.users["supervisor2"],
    )
    page = login(d.users["supervisor2"]).get(inspections(d, 1)).content.decode()
    assert "二组的记录" in page and "一组的记录" not in page


def test_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["supervisor1"])
    _record(d, d.school1)
    list_before = count_queries(client, inspections(d))
    filtered_before = count_queries(client, inspections(d), unit=d.education.pk)
    detail = reverse("supervision:inspection", args=[Inspection.objects.get().pk])
    detail_before = count_queries(client, detail)

    colleague = UserFactory(username="supervisor1b")
    d.groups[0].members.add(colleague)
    d.users["supervisor1b"] = colleague
    for index in range(25):
        unit = Unit.objects.create(
            name=f"区第{index + 3}中党支部", kind=UnitKind.BRANCH, parent=d.education
        )
        _record(d, unit, days_ago=index % 5, by="supervisor1b" if index % 2 else "supervisor1")

    assert count_queries(client, inspections(d)) == list_before
    assert count_queries(client, inspections(d), unit=d.education.pk) == filtered_before
    assert count_queries(client, detail) == detail_before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_records_an_inspection_on_a_phone(live_district, phone):
    d = live_district
    _record(d, d.school2, findings="上次的督查")
    log_in(phone, "supervisor1")
    phone.open(inspections(d))
    phone.get_by_role("button", name="登记一次督查").click()
    phone.get_by_label("督查单位").select_option(label="\u3000区一中党支部")
    phone.get_by_label("学习培训计划").check()
    phone.get_by_label("边学边查边改").check()
    phone.get_by_label("发现的问题和情况").fill("学习培训计划已细化到每周。")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_role("button", name="登记", exact=True).click()
    expect(phone.locator("#findings")).to_contain_text("学习培训计划已细化到每周。")
    expect(phone.locator("#inspection-facts")).to_contain_text("边学边查边改")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_unit_assigned_inside_another_is_offered_once(live_district, login):
    d = live_district
    d.groups[0].units.add(d.school1)
    form = login(d.users["supervisor1"]).get(inspections(d)).context["form"]
    values = [value for value, _label in form.fields["unit"].choices if value]
    assert values == [str(d.education.pk), str(d.school1.pk), str(d.school2.pk)]

"""重点帮促单位: a group names two or three of its units ("每个督导组都要在所督导的单位中
选取两至三个基础较好,工作较扎实单位重点督促帮助"), and can take one off again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import InspectionFocus, KeyUnit
from supervision.services.groups import inspection_record, key_unit_choose
from tests.factories import a_minute_later
from units.models import Unit, UnitKind


def key_units(district, group=0):
    return reverse("supervision:key_units", args=[district.groups[group].pk])


def remove(key_unit):
    return reverse("supervision:key_unit_remove", args=[key_unit.pk])


def _choose(district, unit, reason=""):
    return key_unit_choose(
        group=district.groups[0], unit=unit, user=district.users["supervisor1"], reason=reason
    )


@pytest.fixture
def more_branches(live_district):
    d = live_district
    d.school3 = Unit.objects.create(name="区三中党支部", kind=UnitKind.BRANCH, parent=d.education)
    d.school4 = Unit.objects.create(name="区四中党支部", kind=UnitKind.BRANCH, parent=d.education)
    return d


def test_the_page_explains_the_rule(live_district, login):
    page = login(live_district.users["supervisor1"]).get(key_units(live_district))
    assert (
        "每个督导组在所督导的单位中选取两至三个基础较好、工作较扎实的单位重点督促帮助,总结典型经验"
        in (page.content.decode())
    )


def test_a_supervisor_chooses_a_key_unit_with_the_reason(live_district, login):
    d = live_district
    client = login(d.users["supervisor1"])
    response = client.post(key_units(d), {"unit": d.school1.pk, "reason": "班子重视,计划扎实"})
    assert response.status_code == 302
    assert response["Location"] == key_units(d)
    key_unit = KeyUnit.objects.get()
    assert (key_unit.group, key_unit.unit, key_unit.reason) == (
        d.groups[0],
        d.school1,
        "班子重视,计划扎实",
    )
    assert key_unit.chosen_by == d.users["supervisor1"]
    page = client.get(key_units(d)).content.decode()
    assert "已将区一中党支部列为本组重点帮促单位。" in page
    assert "班子重视,计划扎实" in page
    # One chosen: the page says two to three are wanted.
    assert "本组已选 1 个,应选两至三个。" in page


def test_choosing_the_same_unit_twice_is_refused_on_the_form(live_district, login):
    d = live_district
    _choose(d, d.school1)
    response = login(d.users["supervisor1"]).post(
        key_units(d), {"unit": d.school1.pk, "reason": "再选一次"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["已经是本组的重点帮促单位。"]
    assert "再选一次" in response.content.decode()
    assert KeyUnit.objects.count() == 1


def test_a_fourth_is_refused_with_the_limit_on_the_form(more_branches, login):
    d = more_branches
    for unit in (d.school1, d.school2, d.school3):
        _choose(d, unit)
    client = login(d.users["supervisor1"])
    full = client.get(key_units(d)).content.decode()
    assert "本组已选满三个。如需调整,请先移出一个。" in full
    assert 'id="key-unit-form"' not in full

    response = client.post(key_units(d), {"unit": d.school4.pk, "reason": "第四个"})
    assert response.status_code == 200
    message = "每个督导组选取两至三个重点帮促单位,本组已选3个。"
    assert response.context["form"].non_field_errors() == [message]
    page = response.content.decode()
    assert message in page and "第四个" in page
    assert KeyUnit.objects.count() == 3


def test_a_unit_outside_the_groups_subtree_is_refused(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(key_units(d), {"unit": d.ward.pk})
    assert response.context["form"].errors["unit"] == ["请选择本组督导范围内的党组织。"]
    assert not KeyUnit.objects.exists()


def test_a_reason_too_long_is_refused(live_district, login):
    d = live_district
    response = login(d.users["supervisor1"]).post(
        key_units(d), {"unit": d.school1.pk, "reason": "扎" * 201}
    )
    assert response.context["form"].errors["reason"] == ["选定理由请控制在200字以内。"]


def test_removing_asks_first_then_takes_the_unit_off(live_district, login):
    d = live_district
    key_unit = _choose(d, d.school1, "计划扎实")
    client = login(d.users["supervisor1"])
    confirm = client.get(remove(key_unit)).content.decode()
    assert "确定不再把区一中党支部列为第一督导组的重点帮促单位吗?" in confirm
    assert KeyUnit.objects.exists()

    response = client.post(remove(key_unit))
    assert response.status_code == 302
    assert response["Location"] == key_units(d)
    assert not KeyUnit.objects.exists()
    assert "已将区一中党支部移出本组重点帮促单位。" in client.get(key_units(d)).content.decode()


def test_after_removing_one_a_third_can_be_chosen_again(more_branches, login):
    d = more_branches
    chosen = [_choose(d, unit) for unit in (d.school1, d.school2, d.school3)]
    client = login(d.users["supervisor1"])
    client.post(remove(chosen[0]))
    response = client.post(key_units(d), {"unit": d.school4.pk})
    assert response.status_code == 302
    assert set(KeyUnit.objects.values_list("unit__name", flat=True)) == {
        "区二中党支部",
        "区三中党支部",
        "区四中党支部",
    }


def test_removing_one_already_removed_is_not_found(live_district, login):
    d = live_district
    key_unit = _choose(d, d.school1)
    client = login(d.users["supervisor1"])
    client.post(remove(key_unit))
    a_minute_later()
    assert client.post(remove(key_unit)).status_code == 404


def test_the_office_reads_without_choosing_or_removing(live_district, login):
    d = live_district
    key_unit = _choose(d, d.school1, "计划扎实")
    response = login(d.users["office"]).get(key_units(d))
    assert response.context["form"] is None
    page = response.content.decode()
    assert "计划扎实" in page
    assert remove(key_unit) not in page


def test_query_count_does_not_grow(more_branches, login, count_queries):
    d = more_branches
    client = login(d.users["supervisor1"])
    _choose(d, d.school1, "一")
    before = count_queries(client, key_units(d))
    _choose(d, d.school2, "二")
    _choose(d, d.school3, "三")
    for index in range(10):
        Unit.objects.create(
            name=f"区第{index + 5}中党支部", kind=UnitKind.BRANCH, parent=d.education
        )
    assert count_queries(client, key_units(d)) == before


def test_each_key_unit_shows_how_often_the_group_inspected_it(live_district, login):
    d = live_district
    _choose(d, d.school1)
    for days_ago in (1, 2):
        inspection_record(
            group=d.groups[0],
            unit=d.school1,
            inspected_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            focus=[InspectionFocus.STUDY],
            findings="已查。",
            user=d.users["supervisor1"],
        )
    page = login(d.users["supervisor1"]).get(key_units(d)).content.decode()
    assert "本组督查 2 次" in page
    assert f"?unit={d.school1.pk}" in page

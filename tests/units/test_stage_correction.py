"""A unit's stage moves only by an approved 转段 application ("检查合格的,同意转入下一阶段"),
or by the office's 更正阶段 with its reason; both stand on the unit's stage history. The
ordinary unit form, and the admin, don't change it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import StageCorrection
from supervision.services.transitions import unit_stage_correct
from tests.factories import UserFactory
from tests.supervision.test_application_pages import approved
from units.models import Unit, UnitKind


def correct_url(unit):
    return reverse("supervision:stage_correct", args=[unit.pk])


def correction(d, stage=None, since=None, reason="建档时阶段录错。"):
    return {
        "stage": (stage or d.stages[1]).pk,
        "since": (since or timezone.localdate()).isoformat(),
        "reason": reason,
    }


# The ordinary forms --------------------------------------------------------------------


def test_the_unit_form_does_not_change_the_stage(live_district, login):
    d = live_district
    client = login(d.users["office"])
    page = client.get(reverse("units:edit", args=[d.school1.pk])).content.decode()
    assert 'name="stage"' not in page
    assert 'name="stage_since"' not in page
    assert "在本组织页面“阶段记录”处更正" in page

    client.post(
        reverse("units:edit", args=[d.school1.pk]),
        {
            "name": "区一中党支部",
            "kind": UnitKind.BRANCH,
            "parent": d.education.pk,
            "sector": "institution",
            "stage": d.stages[2].pk,
            "stage_since": "2005-01-01",
        },
    )

    d.school1.refresh_from_db()
    assert (d.school1.stage, d.school1.stage_since) == (d.stages[0], d.batch.starts_on)


def test_a_new_unit_starts_where_its_parent_stands(live_district, login):
    d = live_district
    Unit.objects.filter(pk=d.town.pk).update(stage=d.stages[1], stage_since=timezone.localdate())

    login(d.users["office"]).post(
        reverse("units:create", args=[d.town.pk]),
        {"name": "西街社区党支部", "kind": UnitKind.BRANCH, "parent": d.town.pk},
    )

    branch = Unit.objects.get(name="西街社区党支部")
    assert (branch.stage, branch.stage_since) == (d.stages[1], timezone.localdate())


def test_the_admin_shows_the_stage_read_only(live_district, client):
    d = live_district
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    change = reverse("admin:units_unit_change", args=[d.school1.pk])

    page = client.get(change).content.decode()

    assert 'name="stage"' not in page
    assert 'name="stage_since"' not in page
    assert 'name="completed_on"' not in page
    assert 'name="stage"' in client.get(reverse("admin:units_unit_add")).content.decode()


# 更正阶段 ------------------------------------------------------------------------------


def test_the_office_corrects_the_stage_with_its_reason(live_district, login):
    d = live_district
    since = timezone.localdate() - datetime.timedelta(days=3)

    response = login(d.users["office"]).post(
        correct_url(d.school1), correction(d, since=since), follow=True
    )

    assert "已将区一中党支部的阶段更正为分析评议" in response.content.decode()
    d.school1.refresh_from_db()
    assert (d.school1.stage, d.school1.stage_since) == (d.stages[1], since)
    record = StageCorrection.objects.get()
    assert (record.unit, record.corrected_by, record.reason) == (
        d.school1,
        d.users["office"],
        "建档时阶段录错。",
    )
    assert (record.from_stage, record.from_since) == (d.stages[0], d.batch.starts_on)
    assert (record.to_stage, record.to_since) == (d.stages[1], since)
    assert d.users["secretary1"].notifications.filter(text__contains="阶段更正为").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": ""}, "更正阶段必须写明原因"),
        ({"since": "tomorrow"}, "不能晚于今天"),
        ({"stage": 0, "since": "same"}, "无需更正"),
    ],
    ids=["no reason", "tomorrow", "no change"],
)
def test_a_correction_is_refused_on_the_form(live_district, login, data, error):
    d = live_district
    fields = {}
    if "reason" in data:
        fields["reason"] = data["reason"]
    # Tomorrow as of the test, not of its collection: a run may cross midnight.
    if data.get("since") == "tomorrow":
        fields["since"] = timezone.localdate() + datetime.timedelta(days=1)
    elif data.get("since") == "same":
        fields["since"] = d.batch.starts_on
        fields["stage"] = d.stages[0]
    elif "since" in data:
        fields["since"] = data["since"]

    response = login(d.users["office"]).post(correct_url(d.school1), correction(d, **fields))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not StageCorrection.objects.exists()
    d.school1.refresh_from_db()
    assert d.school1.stage == d.stages[0]


def test_today_is_the_latest_date_a_correction_takes(live_district):
    d = live_district
    unit_stage_correct(
        unit=d.school1,
        stage=d.stages[1],
        since=timezone.localdate(),
        reason="录错",
        user=d.users["office"],
    )
    assert Unit.objects.get(pk=d.school1.pk).stage_since == timezone.localdate()


def test_correcting_a_completed_unit_puts_it_back_in_a_stage(live_district):
    d = live_district
    Unit.objects.filter(pk=d.school1.pk).update(
        stage=d.stages[-1], completed_on=timezone.localdate()
    )

    unit_stage_correct(
        unit=Unit.objects.get(pk=d.school1.pk),
        stage=d.stages[-1],
        since=d.batch.starts_on,
        reason="误审批为完成",
        user=d.users["office"],
    )

    unit = Unit.objects.get(pk=d.school1.pk)
    assert unit.completed_on is None
    assert StageCorrection.objects.get().from_completed_on == timezone.localdate()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("supervisor1", 403),
        ("leader1", 403),
        ("secretary1", 403),
        ("secretary2", 404),
        ("member1", 404),
        ("outsider", 404),
    ],
)
def test_only_the_office_corrects(live_district, login, persona, status):
    d = live_district
    client = login(d.users[persona])

    assert client.get(correct_url(d.school1)).status_code == status
    assert client.post(correct_url(d.school1), correction(d)).status_code == status
    assert not StageCorrection.objects.exists()


def test_anonymous_is_sent_to_log_in(live_district, client):
    response = client.get(correct_url(live_district.school1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The unit's stage history --------------------------------------------------------------


def history_of(client, unit):
    page = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    return page.split('id="stage-history"')[1].split("</section>")[0]


def test_the_unit_page_lists_transitions_and_corrections_newest_first(live_district, login):
    d = live_district
    approved(d)
    unit_stage_correct(
        unit=Unit.objects.get(pk=d.school1.pk),
        stage=d.stages[0],
        since=d.batch.starts_on,
        reason="转段审批有误,退回学习动员。",
        user=d.users["office"],
    )

    history = history_of(login(d.users["secretary1"]), d.school1)

    kinds = [part.split('"')[0] for part in history.split('data-kind="')[1:]]
    assert kinds == ["correction", "transition"]
    assert "分析评议 → 学习动员" in history
    assert "转段审批有误,退回学习动员。" in history
    assert "学习动员 → 分析评议" in history
    assert "第1轮申请" in history
    # Only the office is offered the correction.
    assert "更正阶段" not in history
    assert "更正阶段" in history_of(login(d.users["office"]), d.school1)


def test_a_branch_without_moves_says_how_its_stage_changes(live_district, login):
    history = history_of(login(live_district.users["secretary1"]), live_district.school1)
    assert "阶段只经转段申请审批同意" in history


def test_the_history_costs_the_same_however_long_it_is(live_district, login, count_queries):
    d = live_district
    client = login(d.users["office"])
    page = reverse("units:detail", args=[d.school1.pk])
    unit_stage_correct(
        unit=d.school1,
        stage=d.stages[1],
        since=d.batch.starts_on,
        reason="一",
        user=d.users["office"],
    )
    before = count_queries(client, page)

    for n, stage in enumerate([d.stages[2], d.stages[0], d.stages[1]]):
        unit_stage_correct(
            unit=d.school1,
            stage=stage,
            since=d.batch.starts_on,
            reason=f"第{n}次",
            user=d.users["office"],
        )

    assert count_queries(client, page) == before
    assert count_queries(client, correct_url(d.school1)) == count_queries(
        client, correct_url(d.school1)
    )

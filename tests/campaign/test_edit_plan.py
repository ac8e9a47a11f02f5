"""The office edits the campaign, its stages and steps; each rule of the plan shows its
message on the field at fault, and the form keeps what was typed."""

import datetime

import pytest
from django.urls import reverse

from campaign.models import Batch, Stage, Step

PLAN = reverse("campaign:plan")


@pytest.fixture
def office(district, login):
    return login(district.users["office"])


def _stage_data(stage, **changes):
    data = {
        "name": stage.name,
        "planned_start": stage.planned_start.isoformat(),
        "planned_end": stage.planned_end.isoformat(),
    }
    return data | changes


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


# The campaign


def test_office_renames_the_batch_and_changes_its_dates(district, office):
    response = office.post(
        reverse("campaign:batch_edit"),
        {
            "name": "第一批(机关)",
            "targets": "区级机关和事业单位",
            "starts_on": "2005-01-18",
            "ends_on": "2005-07-10",
        },
        follow=True,
    )

    batch = Batch.objects.get()
    assert (batch.name, batch.targets) == ("第一批(机关)", "区级机关和事业单位")
    assert (batch.starts_on, batch.ends_on) == (
        datetime.date(2005, 1, 18),
        datetime.date(2005, 7, 10),
    )
    assert "已保存批次信息。" in response.content.decode()


def test_the_batch_cannot_end_before_it_starts(district, office):
    response = office.post(
        reverse("campaign:batch_edit"),
        {"name": "第一批", "targets": "", "starts_on": "2005-06-30", "ends_on": "2005-01-20"},
    )

    assert _errors(response, "ends_on") == ["结束日期不能早于开始日期。"]
    assert 'value="2005-06-30"' in response.content.decode()


def test_the_batch_cannot_shrink_off_its_stages(district, office):
    response = office.post(
        reverse("campaign:batch_edit"),
        {"name": "第一批", "targets": "", "starts_on": "2005-02-01", "ends_on": "2005-06-01"},
    )

    assert _errors(response, "starts_on") == [
        "已有阶段从2005年1月20日开始,批次的开始日期不能晚于这一天。"
    ]
    assert _errors(response, "ends_on") == [
        "已有阶段到2005年6月30日结束,批次的结束日期不能早于这一天。"
    ]
    assert Batch.objects.get().starts_on == datetime.date(2005, 1, 20)


# Stages


def test_office_edits_a_stage(district, office):
    second = district.stages[1]

    response = office.post(
        reverse("campaign:stage_edit", args=[second.pk]),
        _stage_data(second, name="分析评议阶段", planned_start="2005-04-01"),
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert second.name == "分析评议阶段"
    assert second.planned_start == datetime.date(2005, 4, 1)


def test_a_stage_cannot_end_before_it_starts(district, office):
    third = district.stages[2]

    response = office.post(
        reverse("campaign:stage_edit", args=[third.pk]),
        _stage_data(third, planned_start="2005-06-20", planned_end="2005-06-01"),
    )

    assert _errors(response, "planned_end") == ["计划结束日期不能早于计划开始日期。"]


def test_a_stage_stays_inside_the_batch(district, office):
    third = district.stages[2]

    response = office.post(
        reverse("campaign:stage_edit", args=[third.pk]),
        _stage_data(third, planned_end="2005-07-15"),
    )

    assert _errors(response, "planned_end") == ["阶段不能晚于批次的结束日期(2005年6月30日)。"]
    third.refresh_from_db()
    assert third.planned_end == datetime.date(2005, 6, 30)


def test_a_stage_cannot_start_before_the_batch(district, office):
    first = district.stages[0]

    response = office.post(
        reverse("campaign:stage_edit", args=[first.pk]),
        _stage_data(first, planned_start="2005-01-10"),
    )

    assert _errors(response, "planned_start") == ["阶段不能早于批次的开始日期(2005年1月20日)。"]


def test_a_stage_cannot_start_before_the_previous_one_ends(district, office):
    second = district.stages[1]

    response = office.post(
        reverse("campaign:stage_edit", args=[second.pk]),
        _stage_data(second, name="分析评议(新)", planned_start="2005-03-25"),
    )

    assert _errors(response, "planned_start") == [
        "与第1阶段 学习动员重叠:它计划到2005年3月25日结束,本阶段须在这一天之后开始。"
    ]
    page = response.content.decode()
    assert 'value="分析评议(新)"' in page
    assert 'value="2005-03-25"' in page


def test_a_stage_cannot_run_into_the_next_one(district, office):
    first = district.stages[0]

    response = office.post(
        reverse("campaign:stage_edit", args=[first.pk]),
        _stage_data(first, planned_end="2005-04-05"),
    )

    assert _errors(response, "planned_end") == [
        "与第2阶段 分析评议重叠:它计划从2005年3月26日开始,本阶段须在这一天之前结束。"
    ]
    first.refresh_from_db()
    assert first.planned_end == datetime.date(2005, 3, 25)


def test_a_stage_cannot_shrink_off_its_steps(district, office):
    first = district.stages[0]

    response = office.post(
        reverse("campaign:stage_edit", args=[first.pk]),
        _stage_data(first, planned_start="2005-01-25", planned_end="2005-03-20"),
    )

    assert _errors(response, "planned_start") == [
        "本阶段已有步骤从2005年1月20日开始,阶段的开始日期不能晚于这一天。"
    ]
    assert _errors(response, "planned_end") == [
        "本阶段已有步骤到2005年3月25日结束,阶段的结束日期不能早于这一天。"
    ]


def test_a_stage_of_a_finished_batch_is_not_found(district, office):
    Batch.objects.update(is_current=False)

    response = office.get(reverse("campaign:stage_edit", args=[district.stages[0].pk]))

    assert response.status_code == 404


# Steps


def test_office_edits_a_step(district, office):
    step = Step.objects.get(name="思想发动")

    response = office.post(
        reverse("campaign:step_edit", args=[step.pk]),
        {"name": "思想发动", "planned_start": "2005-01-20", "planned_end": "2005-02-03"},
        follow=True,
    )

    step.refresh_from_db()
    assert step.planned_end == datetime.date(2005, 2, 3)
    assert "已保存步骤“思想发动”。" in response.content.decode()
    assert not step.extensions.exists()


def test_a_step_cannot_end_before_it_starts(district, office):
    step = Step.objects.get(name="思想发动")

    response = office.post(
        reverse("campaign:step_edit", args=[step.pk]),
        {"name": "思想发动", "planned_start": "2005-01-31", "planned_end": "2005-01-25"},
    )

    assert _errors(response, "planned_end") == ["计划结束日期不能早于计划开始日期。"]


def test_a_step_stays_inside_its_stage(district, office):
    step = Step.objects.get(name="大讨论")

    response = office.post(
        reverse("campaign:step_edit", args=[step.pk]),
        {"name": "大讨论", "planned_start": "2005-01-10", "planned_end": "2005-04-01"},
    )

    assert _errors(response, "planned_start") == ["步骤不能早于所属阶段的开始日期(2005年1月20日)。"]
    assert _errors(response, "planned_end") == [
        "步骤不能晚于所属阶段的结束日期(2005年3月25日)。如需推迟,请用“延期”,阶段会随之延长。"
    ]
    step.refresh_from_db()
    assert step.planned_end == datetime.date(2005, 3, 25)
    assert Stage.objects.get(number=1).planned_end == datetime.date(2005, 3, 25)


def test_office_adds_a_step_after_the_last_one(district, office):
    second = district.stages[1]

    response = office.post(
        reverse("campaign:step_create", args=[second.pk]),
        {"name": "征求意见", "planned_start": "2005-03-26", "planned_end": "2005-04-10"},
        follow=True,
    )
    office.post(
        reverse("campaign:step_create", args=[second.pk]),
        {"name": "党性分析", "planned_start": "2005-04-11", "planned_end": "2005-04-25"},
    )

    assert list(second.steps.values_list("number", "name")) == [(1, "征求意见"), (2, "党性分析")]
    assert "已在第2阶段 分析评议添加步骤“征求意见”。" in response.content.decode()


def test_a_new_step_stays_inside_its_stage(district, office):
    second = district.stages[1]

    response = office.post(
        reverse("campaign:step_create", args=[second.pk]),
        {"name": "征求意见", "planned_start": "2005-03-20", "planned_end": "2005-04-10"},
    )

    assert _errors(response, "planned_start") == ["步骤不能早于所属阶段的开始日期(2005年3月26日)。"]
    assert 'value="征求意见"' in response.content.decode()
    assert not second.steps.exists()


def test_the_new_step_form_starts_with_the_stage_dates(district, office):
    page = office.get(reverse("campaign:step_create", args=[district.stages[1].pk]))

    html = page.content.decode()
    assert 'type="date"' in html
    assert 'value="2005-03-26"' in html and 'value="2005-05-10"' in html

import datetime

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from campaign.models import Batch, Step, StepExtension
from campaign.services.plan import step_extend

PLAN = reverse("campaign:plan")


def _text(response):
    """The page as a reader sees it: no tags, runs of whitespace as one space."""
    return " ".join(strip_tags(response.content.decode()).split())


def _extend(step, *, new_end, reason, user):
    return step_extend(step=step, new_end=new_end, reason=reason, user=user)


def test_plan_shows_the_batch_its_stages_in_order_and_the_steps_of_stage_one(district, login):
    page = _text(login(district.users["member1"]).get(PLAN))

    assert "第一批" in page
    assert "机关和事业单位" in page
    assert "2005年1月20日 — 2005年6月30日" in page
    assert page.index("学习动员") < page.index("分析评议") < page.index("整改提高")
    assert page.index("思想发动") < page.index("学习培训") < page.index("大讨论")
    assert "2005年2月1日" in page and "2005年3月10日" in page
    assert "本阶段尚未安排步骤。" in page


def test_plan_counts_the_branches_in_each_stage(district, login):
    second = district.stages[1]
    district.school1.stage = second
    district.school1.save()

    response = login(district.users["supervisor2"]).get(PLAN)

    stages = {stage.number: stage.unit_count for stage in response.context["stages"]}
    assert stages == {1: 3, 2: 1, 3: 0}
    assert "3个党支部处于本阶段" in response.content.decode()


def test_branches_in_no_stage_of_the_batch_are_counted_apart(district, login):
    district.street.stage = None
    district.street.save()

    response = login(district.users["office"]).get(PLAN)

    assert response.context["units_elsewhere"] == 1
    assert "尚未进入本批次的阶段" in response.content.decode()
    assert [stage.unit_count for stage in response.context["stages"]] == [3, 0, 0]


def test_an_extended_step_shows_its_history_with_who_when_and_why(district, login):
    office = district.users["office"]
    office.first_name = "王明"
    office.save()
    step = Step.objects.get(name="学习培训")
    extension = _extend(
        step,
        new_end=datetime.date(2005, 3, 20),
        reason="考虑到春节长假及全国地方两会的因素",
        user=office,
    )
    # 06:30 UTC is 14:30 in Beijing.
    StepExtension.objects.filter(pk=extension.pk).update(
        extended_at=datetime.datetime(2005, 2, 20, 6, 30, tzinfo=datetime.UTC)
    )

    page = _text(login(district.users["secretary1"]).get(PLAN))

    assert "已延长10天" in page
    assert "原计划结束 2005年3月10日 → 延长至 2005年3月20日,延长10天" in page
    assert "考虑到春节长假及全国地方两会的因素" in page
    assert "王明 · 2005年2月20日 14:30" in page


def test_the_extension_badge_adds_up_every_extension_of_the_step(district, login):
    office = district.users["office"]
    step = Step.objects.get(name="学习培训")
    _extend(step, new_end=datetime.date(2005, 3, 15), reason="两会", user=office)
    _extend(step, new_end=datetime.date(2005, 3, 18), reason="补课", user=office)

    page = login(office).get(PLAN).content.decode()

    assert "已延长8天" in page
    assert page.count('class="extension') == 2


def test_a_step_never_extended_has_no_badge(district, login):
    page = login(district.users["office"]).get(PLAN).content.decode()

    assert "已延长" not in page
    assert "延期记录" not in page


def test_the_office_sees_edit_links_and_others_do_not(district, login, client):
    office_page = login(district.users["office"]).get(PLAN).content.decode()
    step = Step.objects.get(name="大讨论")
    assert reverse("campaign:batch_edit") in office_page
    assert reverse("campaign:step_extend", args=[step.pk]) in office_page
    assert reverse("campaign:stage_edit", args=[district.stages[0].pk]) in office_page

    client.logout()
    member_page = login(district.users["member1"]).get(PLAN).content.decode()
    assert "大讨论" in member_page
    assert reverse("campaign:batch_edit") not in member_page
    assert reverse("campaign:step_extend", args=[step.pk]) not in member_page


@pytest.fixture
def no_current_batch(district):
    Batch.objects.update(is_current=False)


@pytest.mark.usefixtures("no_current_batch")
def test_without_a_batch_the_office_is_offered_to_make_one(district, login):
    page = login(district.users["office"]).get(PLAN).content.decode()

    assert "尚未制定活动安排" in page
    assert reverse("campaign:batch_create") in page


@pytest.mark.usefixtures("no_current_batch")
def test_without_a_batch_others_are_told_there_is_no_plan_yet(district, login):
    page = login(district.users["secretary1"]).get(PLAN).content.decode()

    assert "尚未制定活动安排" in page
    assert reverse("campaign:batch_create") not in page


def _grow_plan(district, *, steps, extensions_per_step):
    """The first stage with `steps` steps, each extended `extensions_per_step` times."""
    stage = district.stages[0]
    office = district.users["office"]
    for number in range(stage.steps.count() + 1, steps + 1):
        Step.objects.create(
            stage=stage,
            number=number,
            name=f"步骤{number}",
            planned_start=stage.planned_start,
            planned_end=datetime.date(2005, 2, 1),
        )
    for step in stage.steps.all():
        for _ in range(extensions_per_step):
            step.refresh_from_db()
            StepExtension.objects.create(
                step=step,
                previous_end=step.planned_end,
                new_end=step.planned_end + datetime.timedelta(days=1),
                reason="测试",
                extended_by=office,
            )


# Session, user, the scope (role assignments, supervision groups and the member record's
# id in one query), the current campaign, its stages, their steps, the steps' extensions
# with their authors, the units counted per stage, and the study content (the four
# topics, the readings).
PLAN_QUERIES = 10


@pytest.mark.parametrize(
    ("steps", "extensions_per_step"),
    [(3, 1), (3, 20), (10, 1), (10, 20)],
    ids=[
        "3 steps, 1 extension",
        "3 steps, 20 extensions",
        "10 steps, 1 extension",
        "10 steps, 20 extensions",
    ],
)
def test_the_plan_page_costs_the_same_queries_however_long_the_plan(
    district, login, django_assert_num_queries, steps, extensions_per_step
):
    _grow_plan(district, steps=steps, extensions_per_step=extensions_per_step)
    client = login(district.users["office"])

    with django_assert_num_queries(PLAN_QUERIES):
        response = client.get(PLAN)

    assert response.status_code == 200
    assert len(response.context["stages"][0].steps.all()) == steps

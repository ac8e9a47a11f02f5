import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign.models import Batch, Stage, Step
from campaign.services.plan import batch_create

NEW = reverse("campaign:batch_create")


@pytest.fixture
def no_current_batch(district):
    Batch.objects.update(is_current=False)


@pytest.mark.usefixtures("no_current_batch")
def test_office_creates_a_batch_with_the_standard_stages_and_steps(district, login):
    response = login(district.users["office"]).post(
        NEW,
        {
            "name": "第二批",
            "targets": "城市基层和乡镇机关",
            "starts_on": "2005-07-01",
            "ends_on": "2005-12-31",
        },
        follow=True,
    )

    batch = Batch.objects.current()
    assert batch.name == "第二批"
    stages = list(batch.stages.order_by("number"))
    assert [s.name for s in stages] == ["学习动员", "分析评议", "整改提高"]
    assert stages[0].planned_start == datetime.date(2005, 7, 1)
    assert stages[-1].planned_end == datetime.date(2005, 12, 31)
    for before, after in zip(stages, stages[1:], strict=False):
        assert after.planned_start == before.planned_end + datetime.timedelta(days=1)
    steps = list(stages[0].steps.order_by("number"))
    assert [s.name for s in steps] == ["思想发动", "学习培训", "大讨论"]
    assert steps[0].planned_start == stages[0].planned_start
    assert steps[-1].planned_end == stages[0].planned_end
    page = response.content.decode()
    assert "已新建第二批活动安排" in page
    assert "大讨论" in page


@pytest.mark.usefixtures("no_current_batch")
def test_a_new_batch_cannot_end_before_it_starts(district, login):
    response = login(district.users["office"]).post(
        NEW, {"name": "第二批", "targets": "", "starts_on": "2005-12-31", "ends_on": "2005-07-01"}
    )

    assert response.context["form"].errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert 'value="第二批"' in response.content.decode()
    assert Batch.objects.current() is None


@pytest.mark.usefixtures("no_current_batch")
def test_a_new_batch_needs_room_for_its_stages(district, login):
    response = login(district.users["office"]).post(
        NEW, {"name": "第二批", "targets": "", "starts_on": "2005-07-01", "ends_on": "2005-07-05"}
    )

    assert response.context["form"].errors["ends_on"] == [
        "活动时间太短:至少要9天才能安排三个阶段。"
    ]


def test_while_a_batch_runs_the_office_is_sent_to_it(district, login):
    response = login(district.users["office"]).get(NEW, follow=True)

    assert response.redirect_chain == [(reverse("campaign:plan"), 302)]
    assert "已有正在进行的批次" in response.content.decode()
    assert Batch.objects.count() == 1


def test_the_service_refuses_a_second_current_batch(district):
    with pytest.raises(ValidationError):
        batch_create(
            name="第二批",
            targets="",
            starts_on=datetime.date(2005, 7, 1),
            ends_on=datetime.date(2005, 12, 31),
        )
    assert Stage.objects.count() == 3
    assert Step.objects.count() == 3


@pytest.mark.parametrize("days", [9, 10, 11, 180])
def test_the_standard_plan_covers_the_batch_without_gaps_or_overlaps(db, days):
    start = datetime.date(2005, 1, 20)
    batch = batch_create(
        name="第一批", targets="", starts_on=start, ends_on=start + datetime.timedelta(days - 1)
    )

    stages = list(batch.stages.order_by("number"))
    steps = list(stages[0].steps.order_by("number"))
    for periods, first, last in [
        (stages, batch.starts_on, batch.ends_on),
        (steps, stages[0].planned_start, stages[0].planned_end),
    ]:
        assert periods[0].planned_start == first
        assert periods[-1].planned_end == last
        for period in periods:
            assert period.planned_start <= period.planned_end
        for before, after in zip(periods, periods[1:], strict=False):
            assert after.planned_start == before.planned_end + datetime.timedelta(days=1)

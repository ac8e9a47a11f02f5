import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Step, StepExtension
from campaign.services.plan import step_extend


def _step(name):
    return Step.objects.select_related("stage").get(name=name)


def _extend_url(step):
    return reverse("campaign:step_extend", args=[step.pk])


def test_office_extends_a_step_and_the_history_shows_it(district, login):
    client = login(district.users["office"])
    step = _step("学习培训")

    response = client.post(
        _extend_url(step), {"new_end": "2005-03-20", "reason": "春节长假及两会"}, follow=True
    )

    assert response.redirect_chain == [(reverse("campaign:plan"), 302)]
    step.refresh_from_db()
    assert step.planned_end == datetime.date(2005, 3, 20)
    extension = StepExtension.objects.get(step=step)
    assert extension.previous_end == datetime.date(2005, 3, 10)
    assert extension.new_end == datetime.date(2005, 3, 20)
    assert extension.reason == "春节长假及两会"
    assert extension.extended_by == district.users["office"]
    page = response.content.decode()
    assert "“学习培训”已延长10天,延长至2005年3月20日。" in page
    assert "已延长10天" in page
    assert "春节长假及两会" in page


def test_an_extension_inside_the_stage_leaves_the_stage_alone(district, login):
    login(district.users["office"]).post(
        _extend_url(_step("学习培训")), {"new_end": "2005-03-20", "reason": "两会"}
    )

    district.stages[0].refresh_from_db()
    assert district.stages[0].planned_end == datetime.date(2005, 3, 25)


def test_an_extension_past_the_stage_end_pushes_the_stage_out(district, login):
    # "第一阶段的时间在原安排的基础上延长十天左右": make room before the second stage.
    first, second = district.stages[0], district.stages[1]
    second.planned_start = datetime.date(2005, 4, 10)
    second.save()

    response = login(district.users["office"]).post(
        _extend_url(_step("大讨论")), {"new_end": "2005-04-04", "reason": "中央及市委要求延长"}
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.planned_end == datetime.date(2005, 4, 4)
    assert _step("大讨论").planned_end == datetime.date(2005, 4, 4)


def test_an_extension_into_the_next_stage_is_refused(district, login):
    step = _step("大讨论")

    response = login(district.users["office"]).post(
        _extend_url(step), {"new_end": "2005-04-04", "reason": "中央及市委要求延长"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "与第2阶段 分析评议(计划2005年3月26日开始)重叠" in page
    assert "请勾选“后续阶段相应顺延”,或先推迟第2阶段 分析评议的开始日期" in page
    assert not StepExtension.objects.exists()


def test_an_extension_into_the_next_stage_may_move_the_later_stages_with_it(district, login):
    # The speech's case: stage 1 "延长十天左右", and what follows moves with it.
    batch = district.batch
    later = {stage.pk: (stage.planned_start, stage.planned_end) for stage in district.stages[1:]}
    later_steps = {
        step.pk: (step.planned_start, step.planned_end)
        for step in Step.objects.filter(stage__in=district.stages[1:])
    }
    first_end, batch_end = district.stages[0].planned_end, batch.ends_on
    ten_days = datetime.timedelta(days=10)

    response = login(district.users["office"]).post(
        _extend_url(_step("大讨论")),
        {
            "new_end": (first_end + ten_days).isoformat(),
            "reason": "中央及市委要求延长",
            "shift_later": "on",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "后续阶段相应顺延10天" in page
    district.stages[0].refresh_from_db()
    assert district.stages[0].planned_end == first_end + ten_days
    for stage in district.stages[1:]:
        stage.refresh_from_db()
        start, end = later[stage.pk]
        assert (stage.planned_start, stage.planned_end) == (start + ten_days, end + ten_days)
    for step in Step.objects.filter(pk__in=later_steps):
        start, end = later_steps[step.pk]
        assert (step.planned_start, step.planned_end) == (start + ten_days, end + ten_days)
    batch.refresh_from_db()
    last_end = max(end for _start, end in later.values()) + ten_days
    assert batch.ends_on == max(batch_end, last_end)
    assert StepExtension.objects.get().later_shifted_days == 10


def test_moving_the_later_stages_moves_nothing_when_the_stage_keeps_its_end(district, login):
    second = district.stages[1]
    before = (second.planned_start, second.planned_end)
    login(district.users["office"]).post(
        _extend_url(_step("学习培训")),
        {"new_end": "2005-03-20", "reason": "两会", "shift_later": "on"},
    )
    second.refresh_from_db()
    assert (second.planned_start, second.planned_end) == before
    assert StepExtension.objects.get().later_shifted_days == 0
    assert _step("大讨论").planned_end == datetime.date(2005, 3, 25)


def test_an_extension_past_the_batch_end_is_refused(district, login):
    last_stage = district.stages[2]
    step = Step.objects.create(
        stage=last_stage,
        number=1,
        name="整改落实",
        planned_start=datetime.date(2005, 6, 1),
        planned_end=datetime.date(2005, 6, 30),
    )

    response = login(district.users["office"]).post(
        _extend_url(step), {"new_end": "2005-07-10", "reason": "整改未完成"}
    )

    assert "延长后将超出批次的结束日期(2005年6月30日)" in response.content.decode()
    assert not StepExtension.objects.exists()


@pytest.mark.parametrize("new_end", ["2005-03-01", "2005-03-10"], ids=["earlier", "same day"])
def test_an_extension_must_end_after_the_current_end_and_keeps_the_typed_reason(
    district, login, new_end
):
    step = _step("学习培训")

    response = login(district.users["office"]).post(
        _extend_url(step), {"new_end": new_end, "reason": "春节长假及两会"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "延长后的结束日期须晚于现在的计划结束日期(2005年3月10日)" in page
    assert "春节长假及两会</textarea>" in page
    assert f'value="{new_end}"' in page
    assert not StepExtension.objects.exists()
    assert _step("学习培训").planned_end == datetime.date(2005, 3, 10)


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_an_extension_needs_a_reason_and_keeps_the_typed_date(district, login, reason):
    response = login(district.users["office"]).post(
        _extend_url(_step("学习培训")), {"new_end": "2005-03-20", "reason": reason}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写延长原因。" in page
    assert 'value="2005-03-20"' in page
    assert not StepExtension.objects.exists()


def test_a_wrong_date_and_a_missing_reason_are_reported_together(district, login):
    response = login(district.users["office"]).post(
        _extend_url(_step("学习培训")), {"new_end": "2005-03-01", "reason": ""}
    )

    errors = response.context["form"].errors
    assert errors["reason"] == ["请填写延长原因。"]
    assert errors["new_end"] == ["延长后的结束日期须晚于现在的计划结束日期(2005年3月10日)。"]


def test_an_extension_needs_a_new_end(district, login):
    response = login(district.users["office"]).post(
        _extend_url(_step("学习培训")), {"new_end": "", "reason": "两会"}
    )

    page = response.content.decode()
    assert "请填写延长后的结束日期。" in page
    assert "两会</textarea>" in page


def test_the_extension_form_proposes_ten_days_and_shows_earlier_extensions(district, login):
    office = district.users["office"]
    step = _step("学习培训")
    step_extend(step=step, new_end=datetime.date(2005, 3, 12), reason="第一次延期", user=office)

    page = login(office).get(_extend_url(step)).content.decode()

    assert 'value="2005-03-22"' in page
    assert "第一次延期" in page


def test_a_second_extension_starts_from_where_the_first_left_the_step(district):
    office = district.users["office"]
    stale = _step("学习培训")
    step_extend(step=stale, new_end=datetime.date(2005, 3, 15), reason="一", user=office)

    # `stale` still says 3月10日; the service reads the step again under its lock.
    second = step_extend(step=stale, new_end=datetime.date(2005, 3, 20), reason="二", user=office)

    assert second.previous_end == datetime.date(2005, 3, 15)
    assert list(StepExtension.objects.order_by("pk").values_list("previous_end", "new_end")) == [
        (datetime.date(2005, 3, 10), datetime.date(2005, 3, 15)),
        (datetime.date(2005, 3, 15), datetime.date(2005, 3, 20)),
    ]

    with pytest.raises(ValidationError) as error:
        step_extend(step=stale, new_end=datetime.date(2005, 3, 18), reason="三", user=office)
    assert "new_end" in error.value.message_dict


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
def test_the_extension_locks_the_step_row(district):
    with CaptureQueriesContext(connection) as queries:
        step_extend(
            step=_step("学习培训"),
            new_end=datetime.date(2005, 3, 20),
            reason="两会",
            user=district.users["office"],
        )

    assert any(
        'FROM "campaign_step"' in q["sql"] and "FOR UPDATE" in q["sql"]
        for q in queries.captured_queries
    )


@pytest.mark.skipif(not connection.features.has_select_for_update, reason="SQLite has no row locks")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_extensions_of_one_step_keep_an_unbroken_history(district):
    office = district.users["office"]
    stale = _step("学习培训")
    start = threading.Barrier(2)
    outcomes = []

    def extend(new_end, reason):
        start.wait()
        try:
            step_extend(step=stale, new_end=new_end, reason=reason, user=office)
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=extend, args=(datetime.date(2005, 3, day), f"第{day}日"))
        for day in (15, 20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Whichever came second saw the first one's end: either it extended further from
    # there, or it was told its date is no longer later than the plan.
    history = list(StepExtension.objects.order_by("pk").values_list("previous_end", "new_end"))
    assert len(history) == outcomes.count("saved") >= 1
    assert history[0][0] == datetime.date(2005, 3, 10)
    for before, after in zip(history, history[1:], strict=False):
        assert after[0] == before[1]
    assert _step("学习培训").planned_end == history[-1][1]

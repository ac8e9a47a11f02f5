"""What each 转段 checks: the office sets it, the measured facts follow it, and the
applications already submitted keep what they were judged on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign.models import Batch, Stage
from study.models import AttendanceStatus
from study.services.sessions import roster_save
from supervision.models import DEFAULT_QUESTIONS, StageRequirement
from supervision.selectors.transitions import measured_facts, requirement_for
from supervision.services import transitions as services
from supervision.services.requirements import requirement_update
from tests.factories import UnitFactory, make_session
from tests.supervision.test_state_machine import application_in, fresh, start
from units.models import Member, Unit, UnitKind

LIST_URL = reverse("supervision:requirements")


def _edit_url(stage):
    return reverse("supervision:requirement_edit", args=[requirement_for(stage).pk])


def _checks(d):
    facts = measured_facts(unit=d.school1, stage=d.stages[0])
    return {check["label"]: check for check in facts["checks"]}, facts


def _set(d, **fields):
    requirement_update(requirement=requirement_for(d.stages[0]), **fields)


# The checks follow the requirement -------------------------------------------------------


def test_the_default_requirement_asks_for_everything(live_district):
    checks, facts = _checks(live_district)
    assert set(checks) == {"40学时达标率", "缺课未补", "笔记心得达标率", "必读科目"}
    # Nobody has studied yet.
    assert not checks["40学时达标率"]["ok"]
    assert checks["40学时达标率"]["required"] == "不低于100%"
    assert not checks["必读科目"]["ok"]
    assert not facts["all_met"]


def test_a_lower_completion_rate_is_met(live_district):
    _set(live_district, min_completion_rate=Decimal(0))
    checks, _facts = _checks(live_district)
    assert checks["40学时达标率"]["ok"]
    assert checks["40学时达标率"]["required"] in ("不低于0%", "不低于0.0%")


def test_readings_not_required_are_not_checked(live_district):
    _set(live_district, require_readings_covered=False)
    checks, _facts = _checks(live_district)
    assert "必读科目" not in checks


def test_the_makeups_allowed_decide_the_makeup_check(live_district):
    d = live_district
    session = make_session(d.school1, d.users["secretary1"])
    members = list(Member.objects.filter(unit=d.school1))
    roster_save(
        session=session,
        entries=[(m.pk, AttendanceStatus.ABSENT) for m in members],
        user=d.users["secretary1"],
    )
    checks, _facts = _checks(d)
    assert not checks["缺课未补"]["ok"]
    assert checks["缺课未补"]["actual"] == f"{len(members)}次"

    _set(d, max_makeups_owed=len(members))
    checks, _facts = _checks(d)
    assert checks["缺课未补"]["ok"]


def test_every_check_met_when_nothing_is_required(live_district):
    _set(
        live_district,
        min_completion_rate=Decimal(0),
        max_makeups_owed=0,
        require_readings_covered=False,
        min_writing_rate=Decimal(0),
    )
    _checks_, facts = _checks(live_district)
    assert facts["all_met"]


def test_a_new_round_asks_the_questions_set_now(live_district):
    d = live_district
    _set(d, questions="学习是否到位\n\n  整改是否落实  \n")
    application = start(d)
    assert list(application.answers.values_list("number", "question")) == [
        (1, "学习是否到位"),
        (2, "整改是否落实"),
    ]


# Applications already submitted are not touched -------------------------------------------


def test_changing_the_requirement_leaves_submitted_applications_as_they_were(live_district):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    facts = application.facts
    questions = list(application.answers.values_list("number", "question", "answer"))
    assert not facts["all_met"]

    _set(
        d,
        questions="只有一个新问题",
        min_completion_rate=Decimal(0),
        require_readings_covered=False,
        min_writing_rate=Decimal(0),
    )

    application = fresh(application)
    assert application.facts == facts
    assert list(application.answers.values_list("number", "question", "answer")) == questions
    # What the branch would be measured on now has changed; the record hasn't.
    assert measured_facts(unit=d.school1, stage=d.stages[0])["all_met"]


def test_a_draft_keeps_its_questions_but_is_checked_on_the_new_rates(live_district):
    d = live_district
    application = application_in(d, "draft_evaluated")
    _set(d, questions="只有一个新问题", min_completion_rate=Decimal(0))

    assert application.answers.count() == len(DEFAULT_QUESTIONS)
    services.application_submit(application=fresh(application), user=d.users["secretary1"])
    checks = {c["label"]: c for c in fresh(application).facts["checks"]}
    assert checks["40学时达标率"]["ok"]


# The service's own rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"questions": " \n \n"}, "questions"),
        ({"min_completion_rate": Decimal("100.1")}, "min_completion_rate"),
        ({"min_writing_rate": Decimal(-1)}, "min_writing_rate"),
    ],
    ids=["no question", "rate above 100", "negative rate"],
)
def test_the_service_refuses_what_cannot_be_checked(live_district, fields, field):
    requirement = requirement_for(live_district.stages[0])
    with pytest.raises(ValidationError) as error:
        requirement_update(requirement=requirement, **fields)
    assert field in error.value.message_dict
    stored = StageRequirement.objects.get(pk=requirement.pk)
    assert stored.questions == "\n".join(DEFAULT_QUESTIONS)
    assert stored.min_completion_rate == 100
    assert stored.min_writing_rate == 100


def test_the_service_takes_only_requirement_fields(live_district):
    requirement = requirement_for(live_district.stages[0])
    with pytest.raises(TypeError):
        requirement_update(requirement=requirement, stage=live_district.stages[1])


# The page --------------------------------------------------------------------------------


def test_the_page_shows_what_each_transition_checks(live_district, login):
    d = live_district
    _set(d, min_completion_rate=Decimal("95.5"), max_makeups_owed=2)
    requirement_update(requirement=requirement_for(d.stages[1]), require_readings_covered=False)

    response = login(d.users["secretary1"]).get(LIST_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "学习动员 → 分析评议" in content
    assert "分析评议 → 整改提高" in content
    assert "整改提高 → 活动完成" in content
    assert DEFAULT_QUESTIONS[0] in content
    assert "不低于95.5%" in content
    assert "不超过2次" in content
    assert "不作要求" in content
    # A secretary reads the conditions but does not change them.
    assert "修改条件" not in content


def test_the_office_sees_an_edit_link_for_each_stage(live_district, login):
    d = live_district
    content = login(d.users["office"]).get(LIST_URL).content.decode()
    for stage in d.stages:
        assert _edit_url(stage) in content


def test_the_first_visit_creates_the_default_requirements(live_district, login):
    d = live_district
    assert not StageRequirement.objects.exists()
    login(d.users["supervisor1"]).get(LIST_URL)
    assert StageRequirement.objects.count() == len(d.stages)


def test_the_page_without_a_current_batch(live_district, login):
    Batch.objects.update(is_current=False)
    response = login(live_district.users["office"]).get(LIST_URL)
    assert "尚未制定活动安排" in response.content.decode()


def test_the_page_query_count_does_not_grow_with_data(live_district, login, count_queries):
    d = live_district
    client = login(d.users["leader1"])
    count_queries(client, LIST_URL)  # the first visit creates the requirements
    before = count_queries(client, LIST_URL)

    application_in(d, "returned")
    start(d)
    application_in(d, "submitted_with_opinion", unit=d.school2)
    for n in range(5):
        UnitFactory(name=f"新建第{n}党支部", kind=UnitKind.BRANCH, parent=d.education)
    old = Batch.objects.create(name="试点", starts_on=d.batch.starts_on, ends_on=d.batch.ends_on)
    Stage.objects.create(
        batch=old,
        number=1,
        name="试点阶段",
        planned_start=old.starts_on,
        planned_end=old.ends_on,
    )

    assert count_queries(client, LIST_URL) == before
    assert Unit.objects.filter(name__startswith="新建").count() == 5


# The edit form ---------------------------------------------------------------------------


def test_the_form_shows_the_current_conditions(live_district, login):
    d = live_district
    _set(d, max_makeups_owed=3)
    content = login(d.users["office"]).get(_edit_url(d.stages[0])).content.decode()
    assert "学习动员 → 分析评议" in content
    assert DEFAULT_QUESTIONS[3] in content
    assert 'name="max_makeups_owed" value="3"' in content


def test_the_last_stage_form_says_it_completes_the_batch(live_district, login):
    d = live_district
    content = login(d.users["office"]).get(_edit_url(d.stages[2])).content.decode()
    assert "整改提高 → 活动完成" in content
    assert "教育活动完成" in content


def test_the_office_saves_new_conditions(live_district, login):
    d = live_district
    response = login(d.users["office"]).post(
        _edit_url(d.stages[0]),
        {
            "questions": "认识是否提高\r\n\r\n整改是否落实\r\n",
            "min_completion_rate": "90",
            "max_makeups_owed": "2",
            "min_writing_rate": "85.5",
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"{LIST_URL}#stage-1", 302)]
    assert "已保存“学习动员 → 分析评议”的转段条件" in response.content.decode()
    requirement = StageRequirement.objects.get(stage=d.stages[0])
    assert requirement.question_list() == ["认识是否提高", "整改是否落实"]
    assert requirement.questions == "认识是否提高\n整改是否落实"
    assert requirement.min_completion_rate == Decimal(90)
    assert requirement.max_makeups_owed == 2
    # An unticked box: readings are no longer required.
    assert requirement.require_readings_covered is False
    assert requirement.min_writing_rate == Decimal("85.5")


GOOD = {
    "questions": "认识是否提高",
    "min_completion_rate": "90",
    "max_makeups_owed": "0",
    "require_readings_covered": "on",
    "min_writing_rate": "90",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"questions": "   "}, "请至少填写一个回头看问题"),
        ({"min_completion_rate": "120"}, "达标率不能超过100"),
        ({"min_completion_rate": "1000"}, "达标率不能超过100"),
        ({"min_writing_rate": "-5"}, "达标率不能小于0"),
        ({"min_writing_rate": "90.55"}, "达标率最多保留一位小数"),
        ({"min_completion_rate": "九十"}, "请填写数字"),
        ({"min_completion_rate": ""}, "请填写达标率"),
        ({"max_makeups_owed": "-1"}, "次数不能是负数"),
        ({"max_makeups_owed": "1.5"}, "请填写整数次数"),
    ],
    ids=[
        "no question",
        "rate above 100",
        "rate far above 100",
        "negative rate",
        "two decimals",
        "not a number",
        "empty rate",
        "negative makeups",
        "fractional makeups",
    ],
)
def test_bad_input_is_explained_and_kept(live_district, login, changes, message):
    d = live_district
    url = _edit_url(d.stages[0])
    data = {**GOOD, "questions": "保留我输入的问题\n第二个问题", **changes}

    response = login(d.users["office"]).post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    for value in changes.values():
        if value.strip():
            assert value in content
    if "questions" not in changes:
        assert "保留我输入的问题\n第二个问题" in content
    stored = StageRequirement.objects.get(stage=d.stages[0])
    assert stored.questions == "\n".join(DEFAULT_QUESTIONS)
    assert stored.min_completion_rate == 100


def test_a_finished_batches_requirement_is_not_edited(live_district, login):
    d = live_district
    url = _edit_url(d.stages[0])
    Batch.objects.update(is_current=False)
    client = login(d.users["office"])
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD).status_code == 404


def test_open_rectification_items_are_measured_and_can_be_required(live_district):
    from ledgers.models import RectificationItem, RectificationSource, RectificationStatus
    from supervision.selectors.transitions import measured_facts

    d = live_district
    stage = d.stages[0]
    RectificationItem.objects.create(
        unit=d.school1,
        problem="办事窗口排队时间长",
        source=RectificationSource.PUBLIC,
        category="conduct",
        status=RectificationStatus.IN_PROGRESS,
    )
    facts = measured_facts(unit=d.school1, stage=stage)
    assert facts["open_rectifications"] == 1
    assert "未整改问题" not in [check["label"] for check in facts["checks"]]

    requirement = requirement_for(stage)
    requirement.max_open_rectifications = 0
    requirement.save()
    checks = {c["label"]: c for c in measured_facts(unit=d.school1, stage=stage)["checks"]}
    assert checks["未整改问题"]["actual"] == "1个"
    assert not checks["未整改问题"]["ok"]

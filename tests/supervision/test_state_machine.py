"""The 转段 workflow's state rules, at the service level: every state × every action.

Who may act is the views' concern (see the permission tests); here every action is
called by the persona who would normally take it, and only the application's state
decides. The draft is split into the three moments that decide the draft's own actions:
just started, the analysis meeting recorded, the meeting evaluated.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from study.models import AttendanceStatus
from study.services.sessions import roster_save
from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    ApplicationState,
    SelfCheckAnswer,
    TransitionApplication,
)
from supervision.selectors.transitions import measured_facts
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from tests.factories import make_session
from units.models import Member, Unit

# Helpers the other workflow tests share ------------------------------------------------


def fresh(application):
    """The application as another request would load it."""
    return TransitionApplication.objects.get(pk=application.pk)


def fresh_unit(unit):
    return Unit.objects.get(pk=unit.pk)


def start(d, unit=None):
    return services.application_start(
        unit=fresh_unit(unit or d.school1), user=d.users["secretary1"]
    )


def answer_all(d, application, text="党员认识明显提高,参学积极。"):
    """Every answer; in a round after a return, the 补课情况 too."""
    numbers = application.answers.values_list("number", flat=True)
    services.answers_save(
        application=fresh(application),
        answers={number: f"{text}(第{number}条)" for number in numbers},
        makeup_report="缺课党员已全部补课。" if application.round > 1 else None,
        user=d.users["secretary1"],
    )


def hold_meeting(d, application, minutes="对照四条要求逐条分析,认为可以转段。"):
    return services.meeting_record(
        application=fresh(application),
        held_on=timezone.localdate(),
        attendees="支部全体党员,第一督导组",
        minutes=minutes,
        user=d.users["secretary1"],
    )


def evaluate(d, application):
    services.meeting_evaluate(
        application=fresh(application),
        evaluation="会议准备充分,分析实事求是。",
        user=d.users["supervisor1"],
    )


def submit(d, application):
    return services.application_submit(application=fresh(application), user=d.users["secretary1"])


def give_opinion(d, application, agrees=True):
    return services.group_opinion_give(
        application=fresh(application),
        agrees=agrees,
        reasons="学习台账齐全,达到转段要求。" if agrees else "仍有缺课未补。",
        user=d.users["supervisor1"],
        unmet_acknowledged=True,
    )


def approve(d, application, transition_date=None):
    return services.application_approve(
        application=fresh(application),
        user=d.users["office"],
        transition_date=transition_date or timezone.localdate(),
        reason="检查合格。",
        unmet_acknowledged=True,
    )


def send_back(d, application):
    return services.application_return(
        application=fresh(application),
        user=d.users["office"],
        reason="缺课未补齐。",
        redo_items="补齐缺课;重新召开转段分析会。",
    )


# Each state, reached the way a branch reaches it.
STATES = {
    "draft": [],
    "draft_meeting_recorded": [answer_all, hold_meeting],
    "draft_evaluated": [answer_all, hold_meeting, evaluate],
    "submitted_without_opinion": [answer_all, hold_meeting, evaluate, submit],
    "submitted_with_opinion": [answer_all, hold_meeting, evaluate, submit, give_opinion],
    "approved": [answer_all, hold_meeting, evaluate, submit, give_opinion, approve],
    "returned": [answer_all, hold_meeting, evaluate, submit, give_opinion, send_back],
}


def application_in(d, state, unit=None):
    application = start(d, unit)
    for step in STATES[state]:
        step(d, application)
    application = fresh(application)
    expected = "draft" if state.startswith("draft") else state.split("_")[0]
    assert application.state == expected
    return application


# The matrix ----------------------------------------------------------------------------

ACTIONS = {
    "answers_save": answer_all,
    "meeting_record": hold_meeting,
    "meeting_evaluate": evaluate,
    "application_submit": submit,
    "group_opinion_give": give_opinion,
    "application_approve": approve,
    "application_return": send_back,
    "application_start": lambda d, application: start(d),
}

WRONG_STATE = "不能进行此项操作"
OPEN_ROUND = "已有一份正在办理的申请"
NEW_ROUND = "new round"
NEXT_STAGE = "next stage"
DRAFT, SUBMITTED = ApplicationState.DRAFT, ApplicationState.SUBMITTED
APPROVED, RETURNED = ApplicationState.APPROVED, ApplicationState.RETURNED

# state → action → the application's state afterwards, or the refusal's message.
MATRIX = {
    "draft": {
        "answers_save": DRAFT,
        "meeting_record": DRAFT,
        "meeting_evaluate": "支部还没有登记转段分析会",
        "application_submit": "回头看自查还有问题没有作答",
        "group_opinion_give": WRONG_STATE,
        "application_approve": WRONG_STATE,
        "application_return": WRONG_STATE,
        "application_start": OPEN_ROUND,
    },
    "draft_meeting_recorded": {
        "answers_save": DRAFT,
        "meeting_record": DRAFT,
        "meeting_evaluate": DRAFT,
        "application_submit": "督导组还没有对转段分析会作出评价",
        "group_opinion_give": WRONG_STATE,
        "application_approve": WRONG_STATE,
        "application_return": WRONG_STATE,
        "application_start": OPEN_ROUND,
    },
    "draft_evaluated": {
        "answers_save": DRAFT,
        "meeting_record": "督导组已对这次转段分析会作出评价,会议记录不能再修改",
        "meeting_evaluate": "已经有督导组成员作出评价",
        "application_submit": SUBMITTED,
        "group_opinion_give": WRONG_STATE,
        "application_approve": WRONG_STATE,
        "application_return": WRONG_STATE,
        "application_start": OPEN_ROUND,
    },
    "submitted_without_opinion": {
        "answers_save": WRONG_STATE,
        "meeting_record": WRONG_STATE,
        "meeting_evaluate": WRONG_STATE,
        "application_submit": WRONG_STATE,
        "group_opinion_give": SUBMITTED,
        "application_approve": "督导组还没有签署意见",
        "application_return": RETURNED,
        "application_start": OPEN_ROUND,
    },
    "submitted_with_opinion": {
        "answers_save": WRONG_STATE,
        "meeting_record": WRONG_STATE,
        "meeting_evaluate": WRONG_STATE,
        "application_submit": WRONG_STATE,
        "group_opinion_give": "督导组已经对这份申请签署了意见",
        "application_approve": APPROVED,
        "application_return": RETURNED,
        "application_start": OPEN_ROUND,
    },
    "approved": {
        "answers_save": WRONG_STATE,
        "meeting_record": WRONG_STATE,
        "meeting_evaluate": WRONG_STATE,
        "application_submit": WRONG_STATE,
        "group_opinion_give": WRONG_STATE,
        "application_approve": WRONG_STATE,
        "application_return": WRONG_STATE,
        # The unit is in the next stage now: what opens is that stage's first round.
        "application_start": NEXT_STAGE,
    },
    "returned": {
        "answers_save": WRONG_STATE,
        "meeting_record": WRONG_STATE,
        "meeting_evaluate": WRONG_STATE,
        "application_submit": WRONG_STATE,
        "group_opinion_give": WRONG_STATE,
        "application_approve": WRONG_STATE,
        "application_return": WRONG_STATE,
        "application_start": NEW_ROUND,
    },
}
CASES = [(state, action) for state in MATRIX for action in ACTIONS]


def test_the_matrix_covers_every_state_and_action():
    assert set(MATRIX) == set(STATES)
    assert all(set(row) == set(ACTIONS) for row in MATRIX.values())


def snapshot(application):
    """Everything an action could change, for checking that a refusal changed nothing."""
    unit = fresh_unit(application.unit)
    return {
        "application": model_to_dict(fresh(application)),
        "answers": list(
            SelfCheckAnswer.objects.filter(application=application).values_list(
                "number", "question", "answer"
            )
        ),
        "meeting": list(AnalysisMeeting.objects.filter(application=application).values()),
        "events": ApplicationEvent.objects.count(),
        "applications": TransitionApplication.objects.count(),
        "unit": (unit.stage_id, unit.stage_since, unit.completed_on),
    }


@pytest.mark.parametrize(
    ("state", "action"), CASES, ids=[f"{state}-{action}" for state, action in CASES]
)
def test_each_action_in_each_state(live_district, state, action):
    d = live_district
    application = application_in(d, state)
    expected = MATRIX[state][action]
    before = snapshot(application)

    if expected in ApplicationState.values:
        ACTIONS[action](d, application)
        assert fresh(application).state == expected
        assert ApplicationEvent.objects.count() == before["events"] + 1
    elif expected == NEW_ROUND:
        new = ACTIONS[action](d, application)
        assert (new.from_stage, new.round, new.state) == (d.stages[0], 2, DRAFT)
        assert fresh(application).state == RETURNED
    elif expected == NEXT_STAGE:
        new = ACTIONS[action](d, application)
        assert (new.from_stage, new.to_stage, new.round) == (d.stages[1], d.stages[2], 1)
    else:
        with pytest.raises(WorkflowError, match=expected):
            ACTIONS[action](d, application)
        assert snapshot(application) == before


# Submitting ----------------------------------------------------------------------------


def test_submitting_needs_every_answer(live_district):
    d = live_district
    application = application_in(d, "draft_evaluated")
    services.answers_save(
        application=fresh(application), answers={2: "  "}, user=d.users["secretary1"]
    )
    with pytest.raises(WorkflowError, match="回头看自查还有问题没有作答"):
        submit(d, application)
    assert fresh(application).state == DRAFT


def test_submitting_needs_the_analysis_meeting(live_district):
    d = live_district
    application = start(d)
    answer_all(d, application)
    with pytest.raises(WorkflowError, match="请先召开并登记转段分析会"):
        submit(d, application)


def test_submitting_needs_the_groups_evaluation_of_the_meeting(live_district):
    d = live_district
    application = application_in(d, "draft_meeting_recorded")
    with pytest.raises(WorkflowError, match="督导组还没有对转段分析会作出评价"):
        submit(d, application)
    evaluate(d, application)
    submit(d, application)
    assert fresh(application).state == SUBMITTED


def test_submitting_records_who_and_when(live_district):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    assert application.submitted_by == d.users["secretary1"]
    assert application.submitted_at is not None


# Deciding ------------------------------------------------------------------------------


def test_approving_needs_the_groups_opinion(live_district):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    with pytest.raises(WorkflowError, match="督导组还没有签署意见"):
        approve(d, application)
    assert fresh_unit(d.school1).stage == d.stages[0]


@pytest.mark.parametrize("agrees", [True, False], ids=["group agrees", "group disagrees"])
def test_the_office_decides_whatever_the_group_said(live_district, agrees):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    give_opinion(d, application, agrees=agrees)
    approve(d, application)
    assert fresh(application).state == APPROVED


def test_approving_moves_the_unit_on_its_own_date(live_district):
    """ "不可能搞一刀切": each branch moves on the day the office names for it."""
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    chosen = timezone.localdate() + datetime.timedelta(days=3)

    approve(d, application, transition_date=chosen)

    unit = fresh_unit(d.school1)
    assert (unit.stage, unit.stage_since, unit.completed_on) == (d.stages[1], chosen, None)
    application = fresh(application)
    assert application.transition_date == chosen
    assert application.decided_by == d.users["office"]
    # Only this branch moved.
    assert fresh_unit(d.school2).stage == d.stages[0]


def test_the_transition_date_cannot_precede_the_submission(live_district):
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    with pytest.raises(ValidationError) as error:
        approve(d, application, transition_date=timezone.localdate() - datetime.timedelta(days=1))
    assert "transition_date" in error.value.message_dict
    assert fresh(application).state == SUBMITTED
    assert fresh_unit(d.school1).stage == d.stages[0]


def test_approving_the_last_stage_completes_the_batch(live_district):
    d = live_district
    Unit.objects.filter(pk=d.school1.pk).update(stage=d.stages[2])
    application = application_in(d, "submitted_with_opinion")
    assert application.to_stage is None
    chosen = timezone.localdate() + datetime.timedelta(days=1)

    approve(d, application, transition_date=chosen)

    unit = fresh_unit(d.school1)
    assert (unit.stage, unit.completed_on) == (d.stages[2], chosen)
    with pytest.raises(WorkflowError, match="没有正在进行的阶段"):
        start(d)


def test_returning_needs_a_reason_and_the_items_to_redo(live_district):
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    with pytest.raises(ValidationError) as error:
        services.application_return(
            application=fresh(application), user=d.users["office"], reason=" ", redo_items=""
        )
    assert set(error.value.message_dict) == {"reason", "redo_items"}
    assert fresh(application).state == SUBMITTED


def test_returning_keeps_the_unit_where_it_is(live_district):
    d = live_district
    application = application_in(d, "returned")
    assert application.redo_items == "补齐缺课;重新召开转段分析会。"
    unit = fresh_unit(d.school1)
    assert (unit.stage, unit.completed_on) == (d.stages[0], None)


# Rounds --------------------------------------------------------------------------------


def test_after_a_return_the_next_round_starts_from_the_previous_answers(live_district):
    d = live_district
    first = application_in(d, "returned")

    second = start(d)

    assert (second.round, second.state, second.from_stage) == (2, DRAFT, d.stages[0])
    previous = list(first.answers.values_list("number", "question", "answer"))
    assert list(second.answers.values_list("number", "question", "answer")) == previous
    assert all(answer for _n, _q, answer in previous)
    # The returned round stays on record as it was.
    assert fresh(first).state == RETURNED
    # The return didn't fault the meeting: the new round keeps it, evaluation and all,
    # in a record of its own.
    kept = AnalysisMeeting.objects.get(application=second)
    earlier = AnalysisMeeting.objects.get(application=first)
    assert kept.pk != earlier.pk
    assert (kept.minutes, kept.supervisor, kept.evaluation, kept.evaluated_at) == (
        earlier.minutes,
        earlier.supervisor,
        earlier.evaluation,
        earlier.evaluated_at,
    )


def test_only_one_round_is_open_per_unit_and_stage(live_district):
    d = live_district
    start(d)
    with pytest.raises(WorkflowError, match=OPEN_ROUND):
        start(d)
    assert TransitionApplication.objects.filter(unit=d.school1).count() == 1


def test_each_branch_has_its_own_round(live_district):
    d = live_district
    start(d)
    other = start(d, d.school2)
    assert other.unit == d.school2


@pytest.mark.parametrize("unit", ["root", "education", "town"])
def test_a_unit_that_is_not_a_branch_cannot_apply(live_district, unit):
    d = live_district
    with pytest.raises(WorkflowError, match="转段申请由党支部提出"):
        start(d, getattr(d, unit))
    assert not TransitionApplication.objects.exists()


def test_a_general_branch_keeping_its_own_members_may_apply(live_district):
    d = live_district
    application = start(d, d.hospital)
    assert application.unit == d.hospital


# The record ----------------------------------------------------------------------------


def test_the_measured_facts_are_frozen_at_submission(live_district):
    d = live_district
    application = application_in(d, "submitted_without_opinion")
    stored = application.facts
    assert stored["makeups_owed"] == 0

    # After submitting, the branch records a session everyone missed.
    session = make_session(d.school1, d.users["secretary1"])
    members = Member.objects.filter(unit=d.school1)
    roster_save(
        session=session,
        entries=[(member.pk, AttendanceStatus.ABSENT) for member in members],
        user=d.users["secretary1"],
    )

    now = measured_facts(unit=d.school1, stage=d.stages[0])
    assert now["makeups_owed"] == members.count()
    assert fresh(application).facts == stored

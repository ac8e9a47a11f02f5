"""One round of a branch's 转段 application: its page, and each step taken on it.

"在认真开展'回头看'的基础上,各支部要召开'转段分析会'……督导组要派人参加……党支部要向
区委先进性教育活动领导小组办公室和督导组报送转入下一阶段的申请。"

One page holds the whole round; each step's form appears only to whoever may take it, and
only in the state that step needs. Every step is a POST to its own view, which checks the
permission, hands the input to the service (the judge of the state) and comes back to the
page. A refused step is told as a message; a form the user must correct is shown again
with what they typed.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from common.dates import day_text
from common.forms import add_service_error
from supervision.forms.applications import (
    AnswersForm,
    ApproveForm,
    EvaluationForm,
    MeetingForm,
    OpinionForm,
    ReturnForm,
)
from supervision.models import (
    DEFAULT_QUESTIONS,
    AnalysisMeeting,
    ApplicationState,
    TransitionApplication,
)
from supervision.selectors.transitions import (
    application_route,
    measured_facts,
    previous_round,
    unit_groups,
    unmet_checks,
)
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from units.permissions import has_perm, require

EVENT_LABELS = {
    "start": gettext_lazy("开始填写"),
    "answers": gettext_lazy("保存自查"),
    "meeting": gettext_lazy("登记分析会"),
    "evaluate": gettext_lazy("督导组评价"),
    "submit": gettext_lazy("报送"),
    "opinion": gettext_lazy("督导组意见"),
    "approve": gettext_lazy("同意转段"),
    "return": gettext_lazy("退回补课"),
}

# A submitted round waits first on the group's opinion, then on the office.
AWAITING_OPINION = gettext_lazy("待督导组意见")
AWAITING_DECISION = gettext_lazy("待办公室审批")


def state_label(application):
    """The state as the lists and pages name it: a submitted round says whom it waits on."""
    if application.state == ApplicationState.SUBMITTED:
        return AWAITING_OPINION if application.group_agrees is None else AWAITING_DECISION
    return application.get_state_display()


def error_text(error):
    """A refusal's reason, as the message the user is shown."""
    return "".join(error.messages)


def _get_application(request, pk, action="view_transition"):
    application = get_object_or_404(
        TransitionApplication.objects.select_related(
            "unit",
            "unit__stage",
            "from_stage",
            "to_stage",
            "created_by",
            "submitted_by",
            "group_opinion_by",
            "decided_by",
        ),
        pk=pk,
    )
    require(request.user, action, application.unit)
    return application


# One round -----------------------------------------------------------------------------


@login_required
@require_safe
def application_detail(request, pk):
    return _application_page(request, _get_application(request, pk))


def _facts_beside(facts):
    """The measured figures to show beside each of the speech's 回头看 questions; a question
    the office rewrote, or one the ledger holds no figures for, gets none."""
    if not facts:
        return {}
    uncovered = facts.get("readings_uncovered", [])
    return {
        DEFAULT_QUESTIONS[0]: [
            (_("党员"), _("%(n)s人") % {"n": facts["members"]}, True),
            (_("40学时达标率"), f"{facts['completion_rate']}%", True),
            (_("人均学时"), facts["average_hours"], True),
            (_("集中学习占全部学时"), f"{facts['concentrated_share']}%", True),
            (
                _("还没有任何学时的党员"),
                _("%(n)s人") % {"n": facts["no_participation"]},
                not facts["no_participation"],
            ),
            (
                _("缺课尚未补课"),
                _("%(n)s次") % {"n": facts["makeups_owed"]},
                not facts["makeups_owed"],
            ),
        ],
        DEFAULT_QUESTIONS[1]: [
            (_("心得体会"), _("%(n)s篇") % {"n": facts["essays"]}, True),
            (_("其中3000字以上"), _("%(n)s篇") % {"n": facts["long_essays"]}, True),
            (_("笔记心得达标率"), f"{facts['writing_rate']}%", True),
            (
                _("必读科目"),
                _("还有%(n)s篇未学") % {"n": len(uncovered)} if uncovered else _("已全部学到"),
                not uncovered,
            ),
        ],
        # Rounds submitted before these were measured have no such figures.
        DEFAULT_QUESTIONS[2]: [
            (
                _("已定稿的先进性具体要求"),
                _("%(n)s个党员群体") % {"n": facts["adopted_requirements"]},
                bool(facts["adopted_requirements"]),
            )
        ]
        if "adopted_requirements" in facts
        else [],
        DEFAULT_QUESTIONS[3]: [
            (
                _("尚未整改的问题"),
                _("%(n)s个") % {"n": facts["open_rectifications"]},
                not facts["open_rectifications"],
            )
        ]
        if "open_rectifications" in facts
        else [],
    }


def _measured_at(facts):
    try:
        return datetime.datetime.fromisoformat(facts["measured_at"])
    except (KeyError, TypeError, ValueError):
        return None


def _follows_a_return(application):
    """Whether the round is a resubmission after 补课 (and so owes a 补课情况)."""
    if application.round == 1:
        return False
    previous = previous_round(application)
    return previous is not None and previous.state == ApplicationState.RETURNED


def _answers_form(application, *args, answers):
    report = application.makeup_report if _follows_a_return(application) else None
    return AnswersForm(*args, answers=answers, makeup_report=report)


def _open_steps(request, application, answers, meeting, bound):
    """The steps this user may take now, each with its form (bound to what they typed if
    the step is being shown again); submitting needs no form."""
    user, unit, state = request.user, application.unit, application.state
    steps = {}
    if state == ApplicationState.DRAFT and has_perm(user, "apply_transition", unit):
        steps["answers"] = _answers_form(application, answers=answers)
        if meeting is None or not meeting.is_evaluated:
            steps["meeting"] = MeetingForm(initial=MeetingForm.initial_for(meeting))
        steps["submit"] = True
    if has_perm(user, "supervise_unit", unit):
        if state == ApplicationState.DRAFT and meeting is not None and not meeting.is_evaluated:
            steps["evaluation"] = EvaluationForm()
        if state == ApplicationState.SUBMITTED and application.group_agrees is None:
            steps["opinion"] = OpinionForm(unmet=unmet_checks(application))
    if state == ApplicationState.SUBMITTED and has_perm(user, "decide_transition", unit):
        steps["approve"] = ApproveForm(
            initial=ApproveForm.initial_for_today(), unmet=unmet_checks(application)
        )
        steps["return"] = ReturnForm()
    for key, form in bound.items():
        if key in steps:
            steps[key] = form
    return steps


def _checklist(application, answers, meeting, follows_return):
    """What a draft still needs before it can be submitted, as the service will judge it."""
    unanswered = [answer.number for answer in answers if not answer.answer]
    makeup = (
        [
            {
                "label": _("对照需补课事项补课,填写补课情况"),
                "done": bool(application.makeup_report.strip()),
                "missing": "",
            }
        ]
        if follows_return
        else []
    )
    return makeup + [
        {
            "label": _("回头看自查逐条作答"),
            "done": not unanswered,
            "missing": _("第%(numbers)s条还没有作答")
            % {"numbers": "、".join(str(n) for n in unanswered)}
            if unanswered
            else "",
        },
        {"label": _("召开并登记转段分析会"), "done": meeting is not None, "missing": ""},
        {
            "label": _("督导组到会并作出评价"),
            "done": meeting is not None and meeting.is_evaluated,
            "missing": "",
        },
    ]


def _application_page(request, application, bound=None):
    """The round's page; `bound` holds forms to show again with what was typed."""
    unit = application.unit
    is_draft = application.state == ApplicationState.DRAFT
    answers = list(application.answers.all())
    meeting = (
        AnalysisMeeting.objects.filter(application=application)
        .select_related("recorded_by", "supervisor")
        .first()
    )
    # A draft shows the ledger as it stands now; a submitted round the figures it was
    # submitted with, so the record doesn't move under the office's decision.
    if is_draft:
        facts = measured_facts(unit=unit, stage=application.from_stage)
    else:
        facts = application.facts or None
    beside = _facts_beside(facts)
    steps = _open_steps(request, application, answers, meeting, bound or {})
    answers_form = steps.get("answers")
    self_check = [
        {
            "answer": answer,
            "field": answers_form[AnswersForm.field_name(answer.number)] if answers_form else None,
            "facts": beside.get(answer.question),
        }
        for answer in answers
    ]
    other_rounds = list(
        TransitionApplication.objects.filter(unit=unit, from_stage=application.from_stage)
        .exclude(pk=application.pk)
        .order_by("round")
    )
    for other in other_rounds:
        other.state_label = state_label(other)
    events = list(application.events.select_related("user"))
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    previous = next((r for r in other_rounds if r.round == application.round - 1), None)
    previous_returned = (
        previous if previous and previous.state == ApplicationState.RETURNED else None
    )
    checklist = (
        _checklist(application, answers, meeting, previous_returned is not None) if is_draft else []
    )
    later_round = any(r.round > application.round for r in other_rounds)
    route = application_route(
        application,
        meeting=meeting,
        events=events,
        groups=unit_groups(unit),
        later_round=later_round,
    )
    return render(
        request,
        "supervision/applications/detail.html",
        {
            "application": application,
            "unit": unit,
            "state_label": state_label(application),
            "is_draft": is_draft,
            "self_check": self_check,
            "facts": facts,
            "facts_live": is_draft,
            "measured_at": _measured_at(facts),
            "meeting": meeting,
            "steps": steps,
            "checklist": checklist,
            "ready": all(item["done"] for item in checklist),
            "events": events,
            "other_rounds": other_rounds,
            "previous_returned": previous_returned,
            "route": route,
            "unmet": unmet_checks(application),
            "meeting_carried": meeting is not None
            and meeting.is_evaluated
            and meeting.evaluated_at < application.created_at,
            "may_start_next_round": application.state == ApplicationState.RETURNED
            and not later_round
            and unit.stage_id == application.from_stage_id
            and unit.completed_on is None
            and has_perm(request.user, "apply_transition", unit),
        },
    )


def _take_step(request, application, *, key, form, service, success):
    """Run one step's service with the form's input and come back to the page.

    A refusal in the application's state is a message (the page then shows where it
    stands); an input error shows the form again with what was typed.
    """
    back = redirect("supervision:application", pk=application.pk)
    if form is not None and not form.is_valid():
        if key not in _open_steps(request, application, [], _meeting_of(application), {}):
            # Posted from a page that is out of date: the step is no longer open.
            messages.error(request, _("这份申请已经有了新的进展,请看现在的情况。"))
            return back
        return _application_page(request, application, bound={key: form})
    try:
        service(**(form.cleaned_data if form is not None else {}))
    except WorkflowError as error:
        messages.error(request, error_text(error))
        return back
    except ValidationError as error:
        if form is None:
            messages.error(request, error_text(error))
            return back
        add_service_error(form, error)
        return _application_page(request, application, bound={key: form})
    messages.success(request, success() if callable(success) else success)
    return back


def _meeting_of(application):
    return AnalysisMeeting.objects.filter(application=application).first()


@login_required
@require_POST
def application_answers(request, pk):
    application = _get_application(request, pk, "apply_transition")
    form = _answers_form(application, request.POST, answers=application.answers.all())
    return _take_step(
        request,
        application,
        key="answers",
        form=form,
        service=lambda **data: services.answers_save(
            application=application,
            answers=form.answers(),
            makeup_report=form.typed_makeup_report(),
            user=request.user,
        ),
        success=_("回头看自查已保存。"),
    )


@login_required
@require_POST
def application_meeting(request, pk):
    application = _get_application(request, pk, "apply_transition")
    return _take_step(
        request,
        application,
        key="meeting",
        form=MeetingForm(request.POST),
        service=lambda **data: services.meeting_record(
            application=application, user=request.user, **data
        ),
        success=_("转段分析会已登记,已通知督导组登记到会情况和评价。"),
    )


@login_required
@require_POST
def application_evaluate(request, pk):
    application = _get_application(request, pk, "supervise_unit")
    return _take_step(
        request,
        application,
        key="evaluation",
        form=EvaluationForm(request.POST),
        service=lambda **data: services.meeting_evaluate(
            application=application, user=request.user, **data
        ),
        success=_("已登记督导组到会情况和对前段工作的评价。"),
    )


@login_required
@require_POST
def application_submit(request, pk):
    application = _get_application(request, pk, "apply_transition")
    return _take_step(
        request,
        application,
        key="submit",
        form=None,
        service=lambda: services.application_submit(application=application, user=request.user),
        success=_("转段申请已报送区委先进性教育办公室和督导组。"),
    )


@login_required
@require_POST
def application_opinion(request, pk):
    application = _get_application(request, pk, "supervise_unit")
    return _take_step(
        request,
        application,
        key="opinion",
        form=OpinionForm(request.POST, unmet=unmet_checks(application)),
        service=lambda agrees, reasons, confirm: services.group_opinion_give(
            application=application,
            user=request.user,
            agrees=agrees,
            reasons=reasons,
            unmet_acknowledged=confirm,
        ),
        success=_("督导组意见已签署,已报办公室审批。"),
    )


@login_required
@require_POST
def application_approve(request, pk):
    application = _get_application(request, pk, "decide_transition")

    def approved():
        date = day_text(application.transition_date)
        if application.to_stage is None:
            return _("已同意%(unit)s转段,自%(date)s起教育活动完成。") % {
                "unit": application.unit.name,
                "date": date,
            }
        return _("已同意%(unit)s转段,自%(date)s起进入%(stage)s阶段。") % {
            "unit": application.unit.name,
            "date": date,
            "stage": application.to_stage.name,
        }

    return _take_step(
        request,
        application,
        key="approve",
        form=ApproveForm(request.POST, unmet=unmet_checks(application)),
        service=lambda transition_date, reason, confirm: services.application_approve(
            application=application,
            user=request.user,
            transition_date=transition_date,
            reason=reason,
            unmet_acknowledged=confirm,
        ),
        success=approved,
    )


@login_required
@require_POST
def application_return(request, pk):
    application = _get_application(request, pk, "decide_transition")
    return _take_step(
        request,
        application,
        key="return",
        form=ReturnForm(request.POST),
        service=lambda reason, redo_items, redo_meeting, confirm: services.application_return(
            application=application,
            user=request.user,
            reason=reason,
            redo_items=redo_items,
            redo_meeting=redo_meeting,
        ),
        success=_("已退回%(unit)s补课,支部补课后可重新申请。") % {"unit": application.unit.name},
    )

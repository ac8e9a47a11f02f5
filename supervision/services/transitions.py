"""Every write of the 转段 (stage transition) workflow, from a branch's first round to the
office's decision.

"召开'转段分析会'后,党支部要向区委先进性教育活动领导小组办公室和督导组报送转入下一阶段的
申请……检查合格的,同意转入下一阶段;对达不到工作要求的,要严格把关,督促进行'补课'。"

Each state change is one function that checks who may do it and in which state, changes
the state with a conditional UPDATE (so of two people acting at once exactly one wins and
the other is told), writes an ApplicationEvent, and notifies whoever acts next.

    draft ──submit──▶ submitted ──approve──▶ approved   (the unit moves on, on its own date)
                          │
                          └──return──▶ returned ──start the next round──▶ draft …

The group's opinion is given on a submitted application, before the office decides.

A round after a return ("督促进行'补课',直到合格后再转入下一阶段"): the speech asks that
the branch make up what was missing and be checked again, not that it repeat the steps
the return did not fault. So the next round starts from the returned one's answers and,
unless the office ticked "须重新召开转段分析会" when returning it, keeps its 转段分析会
and the group's evaluation; the branch writes what it made up (补课情况, required before
it can submit again), submits, and the round goes back to the branch's 督导组 for a new
opinion and to the office for a new check. Four hand-offs become two.

The office approves with the round's unmet conditions in front of it: approving despite
them needs an explicit acknowledgement and a written reason, both kept on the record.
The gate is the office's judgement, not a hard stop (DESIGN: "the office decides").

A unit's stage changes only here: by an approved round, or by the office's recorded
correction (`unit_stage_correct`).
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Stage
from common.dates import day_text
from common.notifications import notify
from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    ApplicationState,
    SelfCheckAnswer,
    StageCorrection,
    TransitionApplication,
)
from supervision.selectors.transitions import (
    measured_facts,
    next_stage,
    previous_round,
    requirement_for,
    unmet_checks,
)
from units.models import BRANCH_KINDS, Role, Unit


class WorkflowError(ValidationError):
    """An action refused in the application's current state, with the reason for the user."""


# Reads the workflow needs --------------------------------------------------------------


def _office_users() -> QuerySet[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(role_assignments__role=Role.OFFICE, is_active=True)
        .distinct()
    )


def _group_users(unit: Unit) -> QuerySet[AbstractBaseUser]:
    return (
        get_user_model()
        .objects.filter(supervision_groups__units__pk__in=unit.ancestor_ids(), is_active=True)
        .distinct()
    )


def _branch_keepers(unit: Unit) -> QuerySet[AbstractBaseUser]:
    """Those who keep the branch's ledgers: its secretary and ledger keeper, and its leaders."""
    return (
        get_user_model()
        .objects.filter(
            role_assignments__unit__pk__in=unit.ancestor_ids(),
            role_assignments__role__in=[Role.SECRETARY, Role.LEDGER_KEEPER, Role.LEADER],
            is_active=True,
        )
        .distinct()
    )


def _link(application: TransitionApplication) -> str:
    return reverse("supervision:application", args=[application.pk])


def _log(
    application: TransitionApplication, action: str, user: AbstractBaseUser, detail: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application, action=action, user=user, detail=detail
    )


def _claim(application: TransitionApplication, *, expected: str, **changes: object) -> bool:
    """Change the state only if it is still `expected`; False when someone else got there first."""
    updated = TransitionApplication.objects.filter(pk=application.pk, state=expected).update(
        **changes
    )
    if updated:
        for name, value in changes.items():
            setattr(application, name, value)
    return bool(updated)


def _lock(
    application: TransitionApplication, *states: str, refusal: str | None = None
) -> TransitionApplication:
    """Lock the application's row and check its state as stored, not as the caller last
    saw it: a page loaded before a submission must not change what was submitted."""
    current = TransitionApplication.objects.select_for_update().get(pk=application.pk)
    application.state = current.state
    if refusal and current.state not in states:
        raise WorkflowError(refusal)
    _require_state(application, *states)
    return application


def _require_state(application: TransitionApplication, *states: str) -> None:
    if application.state not in states:
        raise WorkflowError(
            _("这份申请现在是“%(state)s”,不能进行此项操作。")
            % {"state": application.get_state_display()}
        )


# The branch's side ---------------------------------------------------------------------


def application_start(*, unit: Unit, user: AbstractBaseUser) -> TransitionApplication:
    """Open a round of the application to leave the unit's current stage; a round after a
    return starts from the previous round's answers, and keeps its evaluated 转段分析会
    unless the return asked for a new one."""
    if unit.kind not in BRANCH_KINDS:
        raise WorkflowError(_("转段申请由党支部提出。"))
    if unit.stage_id is None or unit.completed_on:
        raise WorkflowError(_("这个党支部没有正在进行的阶段,无需申请转段。"))
    stage = unit.stage
    previous = (
        TransitionApplication.objects.filter(unit=unit, from_stage=stage).order_by("-round").first()
    )
    if previous and previous.state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED):
        raise WorkflowError(_("这个阶段已有一份正在办理的申请。"))
    questions = requirement_for(stage).question_list()
    earlier = {a.number: a.answer for a in previous.answers.all()} if previous else {}
    try:
        with transaction.atomic():
            application = TransitionApplication.objects.create(
                unit=unit,
                from_stage=stage,
                to_stage=next_stage(stage),
                round=(previous.round + 1) if previous else 1,
                created_by=user,
            )
            SelfCheckAnswer.objects.bulk_create(
                SelfCheckAnswer(
                    application=application,
                    number=number,
                    question=question,
                    answer=earlier.get(number, ""),
                )
                for number, question in enumerate(questions, start=1)
            )
            detail = _("第%(n)s轮") % {"n": application.round}
            if previous and _carry_meeting(previous, application):
                detail += _(",沿用第%(n)s轮的转段分析会和督导组评价") % {"n": previous.round}
            _log(application, "start", user, detail)
    except IntegrityError as error:
        raise WorkflowError(_("这个阶段已有一份正在办理的申请。")) from error
    return application


def _carry_meeting(previous: TransitionApplication, application: TransitionApplication) -> bool:
    """Copy the returned round's evaluated meeting into the new round, unless the return
    asked for a new one; each round keeps its own record."""
    if previous.state != ApplicationState.RETURNED or previous.redo_meeting:
        return False
    meeting = AnalysisMeeting.objects.filter(application=previous, evaluated_at__isnull=False)
    meeting = meeting.first()
    if meeting is None:
        return False
    meeting.pk = None
    meeting.application = application
    meeting._state.adding = True
    meeting.save()
    return True


def answers_save(
    *,
    application: TransitionApplication,
    answers: dict[int, str],
    user: AbstractBaseUser,
    makeup_report: str | None = None,
) -> None:
    """The branch's own answers to the 回头看 questions: {number: text}; and, in a round
    after a return, what it made up (补课情况)."""
    _require_state(application, ApplicationState.DRAFT)
    with transaction.atomic():
        _lock(application, ApplicationState.DRAFT)
        for answer in application.answers.select_for_update():
            if answer.number in answers:
                answer.answer = answers[answer.number].strip()
                answer.save(update_fields=["answer"])
        if makeup_report is not None:
            application.makeup_report = makeup_report.strip()
            application.save(update_fields=["makeup_report"])
        _log(application, "answers", user)


def meeting_record(
    *,
    application: TransitionApplication,
    held_on: datetime.date,
    attendees: str,
    minutes: str,
    user: AbstractBaseUser,
) -> AnalysisMeeting:
    """The branch records its 转段分析会 ("对前段工作进行总结分析"); it can be corrected
    until a member of the supervision group has evaluated it."""
    _require_state(application, ApplicationState.DRAFT)
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("会议日期不能晚于今天。")
    if not attendees.strip():
        errors["attendees"] = _("请填写参加人员。")
    if not minutes.strip():
        errors["minutes"] = _("请填写会议记录。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(application, ApplicationState.DRAFT)
        meeting = AnalysisMeeting.objects.filter(application=application).first()
        if meeting and meeting.is_evaluated:
            raise WorkflowError(_("督导组已对这次转段分析会作出评价,会议记录不能再修改。"))
        meeting, _created = AnalysisMeeting.objects.update_or_create(
            application=application,
            defaults={
                "held_on": held_on,
                "attendees": attendees.strip(),
                "minutes": minutes.strip(),
                "recorded_by": user,
            },
        )
        _log(application, "meeting", user, str(held_on))
        notify(
            users=_group_users(application.unit),
            text=_("%(unit)s召开了转段分析会,请督导组登记到会情况和评价。")
            % {"unit": application.unit.name},
            link=_link(application),
        )
    return meeting


def meeting_evaluate(
    *, application: TransitionApplication, evaluation: str, user: AbstractBaseUser
) -> None:
    """A member of the unit's supervision group records attending the meeting and evaluates it."""
    _require_state(application, ApplicationState.DRAFT)
    if not evaluation.strip():
        raise ValidationError({"evaluation": _("请填写对前段工作的评价。")})
    with transaction.atomic():
        _lock(application, ApplicationState.DRAFT)
        updated = AnalysisMeeting.objects.filter(
            application=application, evaluated_at__isnull=True
        ).update(supervisor=user, evaluation=evaluation.strip(), evaluated_at=timezone.now())
        if not updated:
            if not AnalysisMeeting.objects.filter(application=application).exists():
                raise WorkflowError(_("支部还没有登记转段分析会。"))
            raise WorkflowError(_("这次转段分析会已经有督导组成员作出评价。"))
        _log(application, "evaluate", user)


def application_submit(
    *, application: TransitionApplication, user: AbstractBaseUser
) -> TransitionApplication:
    """报送 to the supervision group and the office; needs every answer and the evaluated
    meeting, and after a return the 补课情况."""
    _require_state(application, ApplicationState.DRAFT)
    facts = measured_facts(unit=application.unit, stage=application.from_stage)
    with transaction.atomic():
        # Checked under the lock: answers saved at the same moment can't slip past.
        _lock(application, ApplicationState.DRAFT, refusal=_("这份申请已经报送过了。"))
        if application.answers.filter(answer="").exists():
            raise WorkflowError(_("回头看自查还有问题没有作答。"))
        meeting = AnalysisMeeting.objects.filter(application=application).first()
        if meeting is None:
            raise WorkflowError(_("请先召开并登记转段分析会。"))
        if not meeting.is_evaluated:
            raise WorkflowError(_("督导组还没有对转段分析会作出评价,暂不能报送。"))
        if not application.makeup_report.strip() and _follows_a_return(application):
            raise WorkflowError(_("请先对照需补课事项填写补课情况。"))
        if not _claim(
            application,
            expected=ApplicationState.DRAFT,
            state=ApplicationState.SUBMITTED,
            facts=facts,
            submitted_by=user,
            submitted_at=timezone.now(),
        ):
            raise WorkflowError(_("这份申请已经报送过了。"))
        _log(application, "submit", user)
        text = _("%(unit)s报送了转段申请(%(stage)s,第%(n)s轮)。") % {
            "unit": application.unit.name,
            "stage": application.from_stage.name,
            "n": application.round,
        }
        notify(
            users=list(_group_users(application.unit)) + list(_office_users()),
            text=text,
            link=_link(application),
        )
    return application


def _follows_a_return(application: TransitionApplication) -> bool:
    previous = previous_round(application)
    return previous is not None and previous.state == ApplicationState.RETURNED


# The supervision group and the office -------------------------------------------------


def group_opinion_give(
    *,
    application: TransitionApplication,
    agrees: bool,
    reasons: str,
    user: AbstractBaseUser,
    unmet_acknowledged: bool = False,
) -> TransitionApplication:
    """The supervision group's opinion on a submitted round, with its reasons; given once.

    "只有在第一阶段圆满完成之后,在严格要求,严格把关的基础上,才能谈转段工作": agreeing
    despite 转段条件 the round did not meet when submitted takes `unmet_acknowledged`,
    as the office's approval does, and the event names them; disagreeing needs no such
    acknowledgement.
    """
    _require_state(application, ApplicationState.SUBMITTED)
    errors = {}
    if not reasons.strip():
        errors["reasons"] = _("请写明同意或不同意的理由。")
    unmet = unmet_checks(application) if agrees else []
    if unmet and not unmet_acknowledged:
        errors["confirm"] = _(
            "还有%(n)s项未达到转段条件,请核实并勾选确认后再签署同意转段的意见。"
        ) % {"n": len(unmet)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = TransitionApplication.objects.filter(
            pk=application.pk, state=ApplicationState.SUBMITTED, group_agrees__isnull=True
        ).update(
            group_agrees=agrees,
            group_reasons=reasons.strip(),
            group_opinion_by=user,
            group_opinion_at=timezone.now(),
        )
        if not updated:
            raise WorkflowError(_("督导组已经对这份申请签署了意见。"))
        application.refresh_from_db()
        detail = _("同意") if agrees else _("不同意")
        if unmet:
            labels = "、".join(c["label"] for c in unmet)
            detail += _(";未达到的条件:%(labels)s") % {"labels": labels}
        _log(application, "opinion", user, detail)
        notify(
            users=_office_users(),
            text=_("督导组对%(unit)s的转段申请签署了意见:%(opinion)s。")
            % {"unit": application.unit.name, "opinion": _("同意") if agrees else _("不同意")},
            link=_link(application),
        )
    return application


def application_approve(
    *,
    application: TransitionApplication,
    user: AbstractBaseUser,
    transition_date: datetime.date | None = None,
    reason: str = "",
    unmet_acknowledged: bool = False,
) -> TransitionApplication:
    """检查合格: the unit moves to the next stage on its own date ("不可能搞一刀切").

    Conditions the round did not meet when submitted are the office's to weigh: approving
    despite them takes `unmet_acknowledged` and a reason, and the event names them.
    """
    _require_state(application, ApplicationState.SUBMITTED)
    if application.group_agrees is None:
        raise WorkflowError(_("督导组还没有签署意见,请等督导组意见后再审批。"))
    transition_date = transition_date or timezone.localdate()
    errors = {}
    if application.submitted_at and transition_date < timezone.localdate(application.submitted_at):
        errors["transition_date"] = _("转段日期不能早于报送日期。")
    unmet = unmet_checks(application)
    if unmet and not unmet_acknowledged:
        errors["confirm"] = _("还有%(n)s项未达到转段条件,请确认后再同意转段。") % {"n": len(unmet)}
    if unmet and not reason.strip():
        errors["reason"] = _("有未达到的转段条件,同意转段须写明理由。")
    if errors:
        raise ValidationError(errors)
    detail = day_text(transition_date)
    if unmet:
        detail += _(";未达到的条件:%(labels)s") % {"labels": "、".join(c["label"] for c in unmet)}
    with transaction.atomic():
        if not _claim(
            application,
            expected=ApplicationState.SUBMITTED,
            state=ApplicationState.APPROVED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_reason=reason.strip(),
            transition_date=transition_date,
        ):
            raise WorkflowError(_("这份申请已经有人审批过了。"))
        unit = Unit.objects.select_for_update().get(pk=application.unit_id)
        if unit.stage_id != application.from_stage_id or unit.completed_on:
            raise WorkflowError(_("这个党支部已经不在申请时的阶段,请核实后再审批。"))
        if application.to_stage_id:
            unit.stage_id = application.to_stage_id
            unit.stage_since = transition_date
            unit.save(update_fields=["stage", "stage_since"])
        else:
            unit.completed_on = transition_date
            unit.save(update_fields=["completed_on"])
        _log(application, "approve", user, detail)
        notify(
            users=_branch_keepers(application.unit),
            text=_("%(unit)s的转段申请已审批同意,自%(date)s起进入%(stage)s。")
            % {
                "unit": application.unit.name,
                "date": day_text(transition_date),
                "stage": application.to_stage.name if application.to_stage else _("活动完成"),
            },
            link=_link(application),
        )
    return application


def application_return(
    *,
    application: TransitionApplication,
    user: AbstractBaseUser,
    reason: str,
    redo_items: str,
    redo_meeting: bool = False,
) -> TransitionApplication:
    """达不到工作要求的,督促进行补课: returned with what to redo; the next round keeps
    this round's 转段分析会 unless `redo_meeting`."""
    _require_state(application, ApplicationState.SUBMITTED)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("退回补课必须写明原因。")
    if not redo_items.strip():
        errors["redo_items"] = _("请列出需要补课的事项。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not _claim(
            application,
            expected=ApplicationState.SUBMITTED,
            state=ApplicationState.RETURNED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_reason=reason.strip(),
            redo_items=redo_items.strip(),
            redo_meeting=redo_meeting,
        ):
            raise WorkflowError(_("这份申请已经有人审批过了。"))
        _log(application, "return", user, reason.strip())
        notify(
            users=_branch_keepers(application.unit),
            text=_("%(unit)s的转段申请被退回补课:%(reason)s")
            % {
                "unit": application.unit.name,
                "reason": reason.strip()[:100],
            },
            link=_link(application),
        )
    return application


def unit_stage_correct(
    *, unit: Unit, stage: Stage, since: datetime.date, reason: str, user: AbstractBaseUser
) -> StageCorrection:
    """更正阶段: the office puts right a stage recorded wrongly, saying why.

    "检查合格的,同意转入下一阶段": a unit moves on by an approved 转段 application. This is
    for the record being wrong (a unit entered at the wrong stage, a date mistyped), and
    it stays on the unit's stage history beside the approved rounds.
    """
    errors = {}
    if not reason.strip():
        errors["reason"] = _("更正阶段必须写明原因。")
    if since > timezone.localdate():
        errors["since"] = _("进入阶段日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if (
            locked.stage_id == stage.pk
            and locked.stage_since == since
            and locked.completed_on is None
        ):
            raise ValidationError({"stage": _("与现在的阶段和日期相同,无需更正。")})
        correction = StageCorrection.objects.create(
            unit=locked,
            from_stage_id=locked.stage_id,
            from_since=locked.stage_since,
            from_completed_on=locked.completed_on,
            to_stage=stage,
            to_since=since,
            reason=reason.strip(),
            corrected_by=user,
        )
        locked.stage = stage
        locked.stage_since = since
        locked.completed_on = None
        locked.save(update_fields=["stage", "stage_since", "completed_on"])
        unit.stage, unit.stage_since, unit.completed_on = stage, since, None
        notify(
            users=_branch_keepers(locked),
            text=_("区委先进性教育办公室将%(unit)s的阶段更正为%(stage)s(%(date)s起):%(reason)s")
            % {
                "unit": locked.name,
                "stage": stage.name,
                "date": day_text(since),
                "reason": reason.strip()[:100],
            },
            link=reverse("units:detail", args=[locked.pk]),
        )
    return correction

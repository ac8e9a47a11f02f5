"""Every write of the 转段 workflow and of the supervision groups' own records.

Each state change is one function that checks who may do it and in which state, changes
the state with a conditional UPDATE (so of two people acting at once exactly one wins and
the other is told), writes an ApplicationEvent, and notifies whoever acts next.

    draft ──submit──▶ submitted ──approve──▶ approved   (the unit moves on, on its own date)
                          │
                          └──return──▶ returned ──start the next round──▶ draft …

The group's opinion is given on a submitted application, before the office decides.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import DiscussionRequirement, Stage
from campaign.selectors_rectification import open_rectification_count
from study.selectors import readings_with_coverage, unit_rollup
from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    ApplicationState,
    CaseKind,
    Inspection,
    InspectionFocus,
    KeyUnit,
    Notification,
    SelfCheckAnswer,
    StageRequirement,
    TransitionApplication,
    TypicalCase,
)
from supervision.tasks import send_notification_emails
from units.models import Role, SupervisionGroup, Unit, UnitKind

# "每个督导组都要在所督导的单位中选取两至三个……单位重点督促帮助"
MAX_KEY_UNITS = 3
APPLYING_KINDS = (UnitKind.BRANCH, UnitKind.GENERAL_BRANCH)


class WorkflowError(ValidationError):
    """An action refused in the application's current state, with the reason for the user."""


# Reads the workflow needs --------------------------------------------------------------


def next_stage(stage):
    return (
        Stage.objects.filter(campaign_id=stage.campaign_id, number__gt=stage.number)
        .order_by("number")
        .first()
    )


def requirement_for(stage):
    requirement, _created = StageRequirement.objects.get_or_create(stage=stage)
    return requirement


def groups_supervising(unit):
    return SupervisionGroup.objects.filter(units__pk__in=unit.ancestor_ids()).distinct()


def measured_facts(*, unit, stage):
    """The figures the self-check shows beside each answer, and each requirement met or not."""
    requirement = requirement_for(stage)
    figures = unit_rollup(unit, stage.campaign).figures
    uncovered = [r.title for r in readings_with_coverage(unit, stage.campaign) if not r.covered]
    completion = figures.completion_rate or Decimal(0)
    writing_rate = _percent(figures.writing_done, figures.members)
    checks = [
        {
            "label": _("40学时达标率"),
            "required": _("不低于%(rate)s%%") % {"rate": _number(requirement.min_completion_rate)},
            "actual": f"{_number(completion)}%",
            "ok": completion >= requirement.min_completion_rate,
        },
        {
            "label": _("缺课未补"),
            "required": _("不超过%(n)s次") % {"n": requirement.max_makeups_owed},
            "actual": _("%(n)s次") % {"n": figures.makeups_owed},
            "ok": figures.makeups_owed <= requirement.max_makeups_owed,
        },
        {
            "label": _("笔记心得达标率"),
            "required": _("不低于%(rate)s%%") % {"rate": _number(requirement.min_writing_rate)},
            "actual": f"{_number(writing_rate)}%",
            "ok": writing_rate >= requirement.min_writing_rate,
        },
    ]
    open_items = open_rectification_count(unit)
    if requirement.max_open_rectifications is not None:
        checks.append(
            {
                "label": _("未整改问题"),
                "required": _("不超过%(n)s个") % {"n": requirement.max_open_rectifications},
                "actual": _("%(n)s个") % {"n": open_items},
                "ok": open_items <= requirement.max_open_rectifications,
            }
        )
    if requirement.require_readings_covered:
        checks.append(
            {
                "label": _("必读科目"),
                "required": _("全部学到"),
                "actual": _("还有%(n)s篇未学") % {"n": len(uncovered)}
                if uncovered
                else _("已全部学到"),
                "ok": not uncovered,
            }
        )
    return {
        "members": figures.members,
        "completion_rate": str(completion),
        "concentrated_share": str(figures.concentrated_share or 0),
        "average_hours": str(figures.average_hours or 0),
        "makeups_owed": figures.makeups_owed,
        "no_participation": figures.no_participation,
        "essays": figures.essays,
        "long_essays": figures.long_essays,
        "writing_rate": str(writing_rate),
        "readings_uncovered": uncovered,
        "open_rectifications": open_items,
        # 大讨论: for how many groups of members the branch has adopted its requirements.
        "adopted_requirements": DiscussionRequirement.objects.filter(
            unit=unit, is_adopted=True
        ).count(),
        "checks": checks,
        "all_met": all(check["ok"] for check in checks),
        "measured_at": timezone.localtime().isoformat(timespec="minutes"),
    }


def _number(value):
    """100.0 → "100", 85.50 → "85.5": the same figure reads the same from any database."""
    return format(Decimal(value).normalize(), "f")


def _percent(part, whole):
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


# Notifications -------------------------------------------------------------------------


def notify(*, users, text, link=""):
    """Tell these users in the app, and by e-mail once the transaction has committed."""
    users = {user.pk: user for user in users}.values()
    notices = Notification.objects.bulk_create(
        Notification(user=user, text=text, link=link) for user in users
    )
    ids = [notice.pk for notice in notices]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))


def _office_users():
    return (
        get_user_model()
        .objects.filter(role_assignments__role=Role.OFFICE, is_active=True)
        .distinct()
    )


def _group_users(unit):
    return (
        get_user_model()
        .objects.filter(supervision_groups__units__pk__in=unit.ancestor_ids(), is_active=True)
        .distinct()
    )


def _branch_keepers(unit):
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


def _link(application):
    return reverse("supervision:application", args=[application.pk])


def _log(application, action, user, detail=""):
    ApplicationEvent.objects.create(
        application=application, action=action, user=user, detail=detail
    )


def _claim(application, *, expected, **changes):
    """Change the state only if it is still `expected`; False when someone else got there first."""
    updated = TransitionApplication.objects.filter(pk=application.pk, state=expected).update(
        **changes
    )
    if updated:
        for name, value in changes.items():
            setattr(application, name, value)
    return bool(updated)


def _lock(application, *states, refusal=None):
    """Lock the application's row and check its state as stored, not as the caller last
    saw it: a page loaded before a submission must not change what was submitted."""
    current = TransitionApplication.objects.select_for_update().get(pk=application.pk)
    application.state = current.state
    if refusal and current.state not in states:
        raise WorkflowError(refusal)
    _require_state(application, *states)
    return application


def _require_state(application, *states):
    if application.state not in states:
        raise WorkflowError(
            _("这份申请现在是“%(state)s”,不能进行此项操作。")
            % {"state": application.get_state_display()}
        )


# The branch's side ---------------------------------------------------------------------


def application_start(*, unit, user):
    """Open a round of the application to leave the unit's current stage; a round after a
    return starts from the previous round's answers."""
    if unit.kind not in APPLYING_KINDS:
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
            _log(application, "start", user, _("第%(n)s轮") % {"n": application.round})
    except IntegrityError as error:
        raise WorkflowError(_("这个阶段已有一份正在办理的申请。")) from error
    return application


def answers_save(*, application, answers, user):
    """The branch's own answers to the 回头看 questions: {number: text}."""
    _require_state(application, ApplicationState.DRAFT)
    with transaction.atomic():
        _lock(application, ApplicationState.DRAFT)
        for answer in application.answers.select_for_update():
            if answer.number in answers:
                answer.answer = answers[answer.number].strip()
                answer.save(update_fields=["answer"])
        _log(application, "answers", user)


def meeting_record(*, application, held_on, attendees, minutes, user):
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


def meeting_evaluate(*, application, evaluation, user):
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


def application_submit(*, application, user):
    """报送 to the supervision group and the office; needs every answer and the evaluated
    meeting."""
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


# The supervision group and the office -------------------------------------------------


def group_opinion_give(*, application, agrees, reasons, user):
    _require_state(application, ApplicationState.SUBMITTED)
    if not reasons.strip():
        raise ValidationError({"reasons": _("请写明同意或不同意的理由。")})
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
        _log(application, "opinion", user, _("同意") if agrees else _("不同意"))
        notify(
            users=_office_users(),
            text=_("督导组对%(unit)s的转段申请签署了意见:%(opinion)s。")
            % {"unit": application.unit.name, "opinion": _("同意") if agrees else _("不同意")},
            link=_link(application),
        )
    return application


def application_approve(*, application, user, transition_date=None, reason=""):
    """检查合格: the unit moves to the next stage on its own date ("不可能搞一刀切")."""
    _require_state(application, ApplicationState.SUBMITTED)
    if application.group_agrees is None:
        raise WorkflowError(_("督导组还没有签署意见,请等督导组意见后再审批。"))
    transition_date = transition_date or timezone.localdate()
    if application.submitted_at and transition_date < timezone.localdate(application.submitted_at):
        raise ValidationError({"transition_date": _("转段日期不能早于报送日期。")})
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
        _log(application, "approve", user, str(transition_date))
        notify(
            users=_branch_keepers(application.unit),
            text=_("%(unit)s的转段申请已审批同意,自%(date)s起进入%(stage)s。")
            % {
                "unit": application.unit.name,
                "date": f"{transition_date:%Y年%m月%d日}",
                "stage": application.to_stage.name if application.to_stage else _("活动完成"),
            },
            link=_link(application),
        )
    return application


def application_return(*, application, user, reason, redo_items):
    """达不到工作要求的,督促进行补课: returned with what to redo."""
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


def latest_round(unit, stage):
    return TransitionApplication.objects.filter(unit=unit, from_stage=stage).aggregate(
        last=Max("round")
    )["last"]


# The groups' own records ---------------------------------------------------------------


def _in_group_area(group, unit):
    """The unit lies in a subtree assigned to the group."""
    return group.units.filter(pk__in=unit.ancestor_ids()).exists()


def inspection_record(*, group, unit, inspected_on, focus, findings, user, follow_up=""):
    errors = {}
    if inspected_on > timezone.localdate():
        errors["inspected_on"] = _("督查日期不能晚于今天。")
    if not focus:
        errors["focus"] = _("请至少选择一项督查内容。")
    elif set(focus) - set(InspectionFocus.values):
        errors["focus"] = _("督查内容只能从列出的几项中选择。")
    if not _in_group_area(group, unit):
        errors["unit"] = _("请选择本组督导范围内的党组织。")
    if not findings.strip():
        errors["findings"] = _("请填写发现的问题和情况。")
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        group=group,
        unit=unit,
        inspected_on=inspected_on,
        focus=list(focus),
        findings=findings.strip(),
        follow_up=follow_up.strip(),
        recorded_by=user,
    )


def key_unit_choose(*, group, unit, user, reason=""):
    if not _in_group_area(group, unit):
        raise ValidationError({"unit": _("请选择本组督导范围内的党组织。")})
    with transaction.atomic():
        # Lock the group so that two members choosing at once can't pass the limit together.
        SupervisionGroup.objects.select_for_update().get(pk=group.pk)
        if KeyUnit.objects.filter(group=group, unit=unit).exists():
            raise ValidationError({"unit": _("已经是本组的重点帮促单位。")})
        if KeyUnit.objects.filter(group=group).count() >= MAX_KEY_UNITS:
            raise ValidationError(
                _("每个督导组选取两至三个重点帮促单位,本组已选%(n)s个。") % {"n": MAX_KEY_UNITS}
            )
        return KeyUnit.objects.create(group=group, unit=unit, reason=reason.strip(), chosen_by=user)


def key_unit_remove(*, key_unit):
    key_unit.delete()


def typical_case_record(*, group, kind, title, unit, description, user, member=None):
    errors = {}
    if kind not in CaseKind.values:
        errors["kind"] = _("请选择典型的类别。")
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if not description.strip():
        errors["description"] = _("请填写事迹和做法。")
    if not _in_group_area(group, unit):
        errors["unit"] = _("请选择本组督导范围内的党组织。")
    if kind == CaseKind.PERSON and member is None:
        errors["member"] = _("先进典型人物请选择党员。")
    if member is not None and not member.unit.is_descendant_of(unit):
        errors["member"] = _("这名党员不在所选党组织。")
    if errors:
        raise ValidationError(errors)
    return TypicalCase.objects.create(
        group=group,
        kind=kind,
        title=title.strip(),
        unit=unit,
        member=member,
        description=description.strip(),
        recorded_by=user,
    )

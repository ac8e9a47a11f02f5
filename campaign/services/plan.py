"""Every write to the campaign plan (活动安排).

Each function checks the plan's rules, saves, and raises `ValidationError` keyed by the
form field at fault, so a view can put the message next to what the user typed. The rules:

- a period never ends before it starts (the models' own `clean()`);
- a step lies inside its stage, a stage inside its batch;
- stage N+1 starts after stage N ends;
- only an extension (延期) moves a step past its stage's end, and it pushes the stage
  out with it ("第一阶段的时间在原安排的基础上延长十天左右"); into the next stage or past
  the batch's end only if the office asks for the later stages to move by as much.

Each write locks the row it changes together with its stage and batch (the join in
`select_for_update()` locks every joined row on PostgreSQL), so two office staff editing
one batch's plan at the same moment queue behind each other instead of one silently
undoing the other.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min
from django.utils.translation import gettext as _

from campaign.models import Batch, Stage, Step, StepExtension
from campaign.services.topics import study_plan_create
from common.dates import day_text

STANDARD_STAGES = ["学习动员", "分析评议", "整改提高"]
STANDARD_FIRST_STAGE_STEPS = ["思想发动", "学习培训", "大讨论"]
# Three stages, the first of three steps, each at least a day long.
MINIMUM_BATCH_DAYS = len(STANDARD_STAGES) * len(STANDARD_FIRST_STAGE_STEPS)


def _raise_if(errors: dict[str, str | list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _split(
    start: datetime.date, end: datetime.date, parts: int
) -> list[tuple[datetime.date, datetime.date]]:
    """`parts` consecutive periods covering start..end, as even as whole days allow."""
    days = (end - start).days + 1
    periods = []
    for index in range(parts):
        first = start + datetime.timedelta(days=days * index // parts)
        last = start + datetime.timedelta(days=days * (index + 1) // parts - 1)
        periods.append((first, last))
    return periods


def _batch_errors(batch: Batch) -> dict[str, str]:
    """The batch must still hold all its stages."""
    errors = {}
    bounds = batch.stages.aggregate(first=Min("planned_start"), last=Max("planned_end"))
    if bounds["first"] and batch.starts_on > bounds["first"]:
        errors["starts_on"] = _("已有阶段从%(date)s开始,批次的开始日期不能晚于这一天。") % {
            "date": day_text(bounds["first"])
        }
    if bounds["last"] and batch.ends_on < bounds["last"]:
        errors["ends_on"] = _("已有阶段到%(date)s结束,批次的结束日期不能早于这一天。") % {
            "date": day_text(bounds["last"])
        }
    return errors


def _stage_errors(stage: Stage) -> dict[str, list[str]]:
    """A stage lies inside its batch, after the stage before it, before the one after
    it, and still holds all its steps."""
    batch = stage.batch
    start_errors, end_errors = [], []
    if stage.planned_start < batch.starts_on:
        start_errors.append(
            _("阶段不能早于批次的开始日期(%(date)s)。") % {"date": day_text(batch.starts_on)}
        )
    if stage.planned_end > batch.ends_on:
        end_errors.append(
            _("阶段不能晚于批次的结束日期(%(date)s)。") % {"date": day_text(batch.ends_on)}
        )
    siblings = batch.stages.exclude(pk=stage.pk)
    previous = siblings.filter(number__lt=stage.number).order_by("-number").first()
    following = siblings.filter(number__gt=stage.number).order_by("number").first()
    if previous and stage.planned_start <= previous.planned_end:
        start_errors.append(
            _("与%(other)s重叠:它计划到%(date)s结束,本阶段须在这一天之后开始。")
            % {"other": previous, "date": day_text(previous.planned_end)}
        )
    if following and stage.planned_end >= following.planned_start:
        end_errors.append(
            _("与%(other)s重叠:它计划从%(date)s开始,本阶段须在这一天之前结束。")
            % {"other": following, "date": day_text(following.planned_start)}
        )
    bounds = stage.steps.aggregate(first=Min("planned_start"), last=Max("planned_end"))
    if bounds["first"] and stage.planned_start > bounds["first"]:
        start_errors.append(
            _("本阶段已有步骤从%(date)s开始,阶段的开始日期不能晚于这一天。")
            % {"date": day_text(bounds["first"])}
        )
    if bounds["last"] and stage.planned_end < bounds["last"]:
        end_errors.append(
            _("本阶段已有步骤到%(date)s结束,阶段的结束日期不能早于这一天。")
            % {"date": day_text(bounds["last"])}
        )
    errors = {}
    if start_errors:
        errors["planned_start"] = start_errors
    if end_errors:
        errors["planned_end"] = end_errors
    return errors


def _step_errors(step: Step) -> dict[str, str]:
    """A step lies inside its stage; only an extension may take it further."""
    stage = step.stage
    errors = {}
    if step.planned_start < stage.planned_start:
        errors["planned_start"] = _("步骤不能早于所属阶段的开始日期(%(date)s)。") % {
            "date": day_text(stage.planned_start)
        }
    if step.planned_end > stage.planned_end:
        errors["planned_end"] = _(
            "步骤不能晚于所属阶段的结束日期(%(date)s)。如需推迟,请用“延期”,阶段会随之延长。"
        ) % {"date": day_text(stage.planned_end)}
    return errors


@transaction.atomic
def batch_create(
    *, name: str, targets: str, starts_on: datetime.date, ends_on: datetime.date
) -> Batch:
    """Open a new current 批次 with the three standard stages and the three steps of the
    first, their dates spread evenly over the batch for the office to adjust."""
    batch = Batch(name=name, targets=targets, starts_on=starts_on, ends_on=ends_on, is_current=True)
    batch.full_clean(validate_constraints=False)
    if (ends_on - starts_on).days + 1 < MINIMUM_BATCH_DAYS:
        raise ValidationError(
            {
                "ends_on": _("活动时间太短:至少要%(days)d天才能安排三个阶段。")
                % {"days": MINIMUM_BATCH_DAYS}
            }
        )
    if Batch.objects.filter(is_current=True).exists():
        raise ValidationError(_("已有正在进行的批次,不能再新建。"))
    try:
        # A savepoint, so that losing the race to another office user leaves this
        # transaction usable for the error message.
        with transaction.atomic():
            batch.save()
    except IntegrityError as error:
        raise ValidationError(_("已有正在进行的批次,不能再新建。")) from error
    stages = [
        Stage.objects.create(
            batch=batch,
            number=number,
            name=stage_name,
            planned_start=start,
            planned_end=end,
        )
        for number, (stage_name, (start, end)) in enumerate(
            zip(STANDARD_STAGES, _split(starts_on, ends_on, len(STANDARD_STAGES)), strict=True),
            start=1,
        )
    ]
    first = stages[0]
    periods = _split(first.planned_start, first.planned_end, len(STANDARD_FIRST_STAGE_STEPS))
    for number, (step_name, (start, end)) in enumerate(
        zip(STANDARD_FIRST_STAGE_STEPS, periods, strict=True), start=1
    ):
        Step.objects.create(
            stage=first, number=number, name=step_name, planned_start=start, planned_end=end
        )
    study_plan_create(batch=batch)
    return batch


@transaction.atomic
def batch_update(
    *, batch: Batch, name: str, targets: str, starts_on: datetime.date, ends_on: datetime.date
) -> Batch:
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    batch.name = name
    batch.targets = targets
    batch.starts_on = starts_on
    batch.ends_on = ends_on
    batch.full_clean()
    _raise_if(_batch_errors(batch))
    batch.save(update_fields=["name", "targets", "starts_on", "ends_on"])
    return batch


@transaction.atomic
def stage_update(
    *, stage: Stage, name: str, planned_start: datetime.date, planned_end: datetime.date
) -> Stage:
    stage = Stage.objects.select_for_update().select_related("batch").get(pk=stage.pk)
    stage.name = name
    stage.planned_start = planned_start
    stage.planned_end = planned_end
    stage.full_clean()
    _raise_if(_stage_errors(stage))
    stage.save(update_fields=["name", "planned_start", "planned_end"])
    return stage


@transaction.atomic
def step_create(
    *, stage: Stage, name: str, planned_start: datetime.date, planned_end: datetime.date
) -> Step:
    """Add a step after the stage's last one."""
    stage = Stage.objects.select_for_update().select_related("batch").get(pk=stage.pk)
    last = stage.steps.aggregate(last=Max("number"))["last"] or 0
    step = Step(
        stage=stage,
        number=last + 1,
        name=name,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    step.full_clean()
    _raise_if(_step_errors(step))
    step.save()
    return step


@transaction.atomic
def step_update(
    *, step: Step, name: str, planned_start: datetime.date, planned_end: datetime.date
) -> Step:
    step = Step.objects.select_for_update().select_related("stage", "stage__batch").get(pk=step.pk)
    step.name = name
    step.planned_start = planned_start
    step.planned_end = planned_end
    step.full_clean()
    _raise_if(_step_errors(step))
    step.save(update_fields=["name", "planned_start", "planned_end"])
    return step


def extension_end_error(
    *, step: Step, new_end: datetime.date, shift_later: bool = False
) -> str | None:
    """Why `step` can't be extended to `new_end`, or None. With `shift_later` the later
    stages and the batch's end move with the stage, so they can't be in the way.

    The form asks too, so that a wrong date and a missing reason are reported together;
    `step_extend` asks again under its lock, where the answer counts.
    """
    stage = step.stage
    batch = stage.batch
    if new_end <= step.planned_end:
        return _("延长后的结束日期须晚于现在的计划结束日期(%(date)s)。") % {
            "date": day_text(step.planned_end)
        }
    if new_end <= stage.planned_end or shift_later:
        return None
    following = batch.stages.filter(number__gt=stage.number).order_by("number").first()
    if following and new_end >= following.planned_start:
        return _(
            "延长后%(stage)s将到%(date)s结束,与%(other)s(计划%(start)s开始)重叠。"
            "请勾选“后续阶段相应顺延”,或先推迟%(other)s的开始日期。"
        ) % {
            "stage": stage,
            "date": day_text(new_end),
            "other": following,
            "start": day_text(following.planned_start),
        }
    if new_end > batch.ends_on:
        return _(
            "延长后将超出批次的结束日期(%(date)s)。"
            "请勾选“后续阶段相应顺延”,或先修改批次的结束日期。"
        ) % {"date": day_text(batch.ends_on)}
    return None


def _shift_later_stages(stage: Stage, days: int) -> None:
    """Move every stage after `stage`, their steps and the batch's end `days` later."""
    batch = stage.batch
    delta = datetime.timedelta(days=days)
    later = batch.stages.filter(number__gt=stage.number)
    later.update(planned_start=F("planned_start") + delta, planned_end=F("planned_end") + delta)
    Step.objects.filter(stage__in=later).update(
        planned_start=F("planned_start") + delta, planned_end=F("planned_end") + delta
    )
    last_end = batch.stages.aggregate(end=Max("planned_end"))["end"]
    if last_end and last_end > batch.ends_on:
        batch.ends_on = last_end
        batch.save(update_fields=["ends_on"])


@transaction.atomic
def step_extend(
    *,
    step: Step,
    new_end: datetime.date,
    reason: str,
    user: AbstractBaseUser,
    shift_later: bool = False,
) -> StepExtension:
    """延期: move the step's planned end later and record who, when and why. If that moves
    the stage's end and `shift_later` is set, the later stages and the batch's end move by
    as many days ("第一阶段的时间在原安排的基础上延长十天左右": the rest follows).

    The step is re-read under a row lock, so of two extensions made at the same moment
    the second starts from the end the first one set, and both stay on record.
    """
    step = Step.objects.select_for_update().select_related("stage", "stage__batch").get(pk=step.pk)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写延长原因。")
    end_error = extension_end_error(step=step, new_end=new_end, shift_later=shift_later)
    if end_error:
        errors["new_end"] = end_error
    _raise_if(errors)

    stage = step.stage
    stage_moves = max((new_end - stage.planned_end).days, 0)
    extension = StepExtension(
        step=step,
        previous_end=step.planned_end,
        new_end=new_end,
        reason=reason,
        later_shifted_days=stage_moves if shift_later else 0,
        extended_by=user,
    )
    extension.full_clean()
    extension.save()
    step.planned_end = new_end
    step.save(update_fields=["planned_end"])
    if stage_moves:
        stage.planned_end = new_end
        stage.save(update_fields=["planned_end"])
        if shift_later:
            _shift_later_stages(stage, stage_moves)
    return extension

"""The campaign plan (活动安排): each 批次, its stages (学习动员 → 分析评议 → 整改提高) and their
steps, with the dates the office planned, and the record of every step's extension.

"第一阶段的时间在原安排的基础上延长十天左右": a step goes past its stage's end only by an
extension (延期), recorded with who, when and why.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from campaign.models.topics import Reading


class BatchQuerySet(models.QuerySet):
    def current(self):
        """The batch under way, with `reading_count`, its 必读科目: every progress page
        counts the readings a unit has not covered, and reads it here in the same query."""
        readings = (
            Reading.objects.filter(batch=OuterRef("pk"))
            .order_by()
            .values("batch")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filter(is_current=True)
            .annotate(reading_count=Coalesce(Subquery(readings), 0))
            .first()
        )


class Batch(models.Model):
    """批次: e.g. 第一批, whose targets were 机关和事业单位."""

    name = models.CharField(_("批次名称"), max_length=100)
    targets = models.CharField(_("教育对象"), max_length=200, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    is_current = models.BooleanField(
        _("当前批次"), default=False, help_text=_("全区同一时间只进行一个批次。")
    )
    practice_plan_due = models.DateField(
        _("二三五活动计划报送截止日期"),
        null=True,
        blank=True,
        help_text=_("各单位报送“二三五”主题实践活动计划的截止日期(讲话:“3月初前报”)。"),
    )

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="only_one_current_batch",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})


class PlannedPeriod(models.Model):
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划结束"))

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            raise ValidationError({"planned_end": _("计划结束日期不能早于计划开始日期。")})


class Stage(PlannedPeriod):
    """阶段: 学习动员 → 分析评议 → 整改提高."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="stages"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("阶段名称"), max_length=50)

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="unique_stage_number"),
        ]

    def __str__(self):
        return f"第{self.number}阶段 {self.name}"


class Step(PlannedPeriod):
    """步骤 of a stage; stage 1 has 思想发动, 学习培训, 大讨论."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("阶段"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("步骤名称"), max_length=50)

    class Meta:
        verbose_name = _("步骤")
        verbose_name_plural = _("步骤")
        ordering = ["stage", "number"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "number"], name="unique_step_number"),
        ]

    def __str__(self):
        return f"{self.stage.name} · {self.name}"


class StepExtension(models.Model):
    """A recorded extension of a step ("第一阶段的时间在原安排的基础上延长十天左右")."""

    step = models.ForeignKey(
        Step, verbose_name=_("步骤"), on_delete=models.CASCADE, related_name="extensions"
    )
    previous_end = models.DateField(_("原计划结束"))
    new_end = models.DateField(_("延长至"))
    reason = models.TextField(_("延长原因"))
    # When the stage's end moved, the later stages (and the batch's end) may have been
    # moved by as many days, so that the plan keeps its shape.
    later_shifted_days = models.PositiveIntegerField(_("后续阶段顺延天数"), default=0)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    extended_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("步骤延期记录")
        verbose_name_plural = _("步骤延期记录")
        ordering = ["-extended_at", "-pk"]

    def __str__(self):
        return f"{self.step}: {self.previous_end} → {self.new_end}"

    @property
    def days(self):
        return (self.new_end - self.previous_end).days

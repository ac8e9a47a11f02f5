"""简报: a PDF briefing of the district, a supervision group or a unit, made in the
background (Celery) and kept for download."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.dates import day_time_text


class BriefingState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


class Briefing(models.Model):
    batch = models.ForeignKey(
        "campaign.Batch", verbose_name=_("批次"), on_delete=models.PROTECT, related_name="+"
    )
    # Exactly one of unit / group: the district is its root unit.
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("范围:党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.ForeignKey(
        "units.SupervisionGroup",
        verbose_name=_("范围:督导组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issue_number = models.PositiveIntegerField(_("期号"))
    period_start = models.DateField(_("统计起始日期"))
    period_end = models.DateField(_("统计截止日期"))
    # None: as many as the distribution block's readers (computed when it is made).
    copies = models.PositiveIntegerField(_("印数(份)"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=BriefingState.choices, default=BriefingState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    file = models.FileField(_("PDF文件"), upload_to="briefings/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("每周自动生成的简报没有申请人。"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The job's last sign of life: when it was queued or sent again, and every few seconds
    # while a worker makes it. A running briefing whose stamp is old has lost its worker,
    # and the next delivery of its message takes it over (reports.services.briefings).
    heartbeat_at = models.DateTimeField(_("最近心跳时间"), null=True, blank=True)
    # How many times a worker has taken it up; the taker's number is its claim, so a worker
    # that was taken over can't overwrite what the new one does.
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)

    class Meta:
        verbose_name = _("简报")
        verbose_name_plural = _("简报")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "issue_number"], name="one_briefing_per_issue_number"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) ^ models.Q(group__isnull=True),
                name="briefing_has_one_scope",
            ),
        ]

    def __str__(self):
        return f"简报 第{self.issue_number}期"

    @property
    def scope_name(self):
        return self.group.name if self.group_id else self.unit.name


class BriefingSweep(models.Model):
    """When the sweep of stalled briefings (reports.tasks.briefing_sweep, every ten minutes
    by Celery beat) last ran: one row. The briefings page warns when it is an hour old,
    i.e. beat is not running and nothing would send a lost briefing again."""

    ran_at = models.DateTimeField(_("上次巡检时间"))

    class Meta:
        verbose_name = _("简报巡检")
        verbose_name_plural = _("简报巡检")

    def __str__(self):
        return f"简报巡检 {day_time_text(self.ran_at)}"

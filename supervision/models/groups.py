"""A supervision group's own records: 督查 at its units, the 重点帮促 units it chose, and the
先进典型 it found.

"督导组要进一步强化督促检查……要注意挖掘和掌握先进性教育活动中涌现出来的先进典型人物和
典型支部、典型事例。每个督导组都要在所督导的单位中选取两至三个基础较好,工作较扎实单位
重点督促帮助,总结典型经验。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Recorded


class InspectionFocus(models.TextChoices):
    LEADER_LECTURES = "leader_lectures", _("党员领导干部上党课、做形势报告")
    STUDY = "study", _("带头学习、学习培训落实")
    RECTIFY = "rectify", _("边学边查边改")
    STUDY_PLAN = "study_plan", _("学习培训计划")
    FOUR_PLUS_ONE = "four_plus_one", _("四加一专题学习")
    DISCUSSION = "discussion", _("先进性具体要求大讨论")


class Inspection(Recorded):
    """督查记录 of a supervision group at one of its units."""

    group = models.ForeignKey(
        "units.SupervisionGroup",
        verbose_name=_("督导组"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("督查单位"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("督查日期"))
    focus = models.JSONField(_("督查内容"), default=list)
    findings = models.TextField(_("发现的问题和情况"))
    follow_up = models.TextField(_("整改要求和跟踪"), blank=True)

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.inspected_on}"

    def focus_labels(self):
        return [
            InspectionFocus(value).label for value in self.focus if value in InspectionFocus.values
        ]


class KeyUnit(models.Model):
    """重点帮促单位: "每个督导组都要在所督导的单位中选取两至三个基础较好,
    工作较扎实单位重点督促帮助"."""

    group = models.ForeignKey(
        "units.SupervisionGroup",
        verbose_name=_("督导组"),
        on_delete=models.CASCADE,
        related_name="key_units",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("选定理由"), max_length=200, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("选定人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("选定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重点帮促单位")
        verbose_name_plural = _("重点帮促单位")
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "unit"], name="unit_chosen_once_per_group"),
        ]

    def __str__(self):
        return f"{self.group} · {self.unit}"


class CaseKind(models.TextChoices):
    PERSON = "person", _("先进典型人物")
    BRANCH = "branch", _("典型支部")
    PRACTICE = "practice", _("典型事例和经验")


class TypicalCase(Recorded):
    """先进典型 a group found, for the office to publicise."""

    group = models.ForeignKey(
        "units.SupervisionGroup",
        verbose_name=_("督导组"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "units.Member",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("事迹和做法"))

    class Meta:
        verbose_name = _("先进典型")
        verbose_name_plural = _("先进典型")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return self.title

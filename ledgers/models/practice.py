"""The 二三五 主题实践活动: each unit's plan, its activity log with photos and scans, and
the district's figures of last year.

"两深入":深入群众、深入基层;"创三满意":最满意机关、最满意党组织、最满意共产党员;
"五送":信息、技术、观念、健康和温暖. The figures are the ones the speech reports:
households visited or helped (of which poor), funds (万元), 干群连心活动 人次,
为民办实事 件(次).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import Recorded


class ActivityKind(models.TextChoices):
    AMONG_PEOPLE = "among_people", _("两深入·深入群众")
    GRASSROOTS = "grassroots", _("两深入·深入基层")
    SATISFIED_OFFICE = "satisfied_office", _("创三满意·最满意机关")
    SATISFIED_ORGANISATION = "satisfied_organisation", _("创三满意·最满意党组织")
    SATISFIED_MEMBER = "satisfied_member", _("创三满意·最满意共产党员")
    SEND_INFORMATION = "send_information", _("五送·送信息")
    SEND_TECHNOLOGY = "send_technology", _("五送·送技术")
    SEND_IDEAS = "send_ideas", _("五送·送观念")
    SEND_HEALTH = "send_health", _("五送·送健康")
    SEND_WARMTH = "send_warmth", _("五送·送温暖")


class PracticePlan(models.Model):
    """A unit's plan for the 二三五 activities, filed by the office's deadline."""

    batch = models.ForeignKey(
        "campaign.Batch", verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="practice_plans",
    )
    content = models.TextField(_("计划内容"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("二三五活动计划")
        verbose_name_plural = _("二三五活动计划")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "unit"], name="one_practice_plan_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · 二三五活动计划"


class PracticeActivity(Recorded):
    """One entry of a unit's activity log, with the figures the briefings add up."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="practice_activities",
    )
    held_on = models.DateField(_("日期"))
    kind = models.CharField(_("活动类别"), max_length=30, choices=ActivityKind.choices)
    participants = models.CharField(_("参加人员"), max_length=200)
    description = models.TextField(_("活动内容"))
    households = models.PositiveIntegerField(_("帮扶走访困难群众(户)"), default=0)
    poor_households = models.PositiveIntegerField(_("其中贫困户(户)"), default=0)
    funds = models.DecimalField(
        _("投入资金(万元)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    person_times = models.PositiveIntegerField(_("干群连心活动(人次)"), default=0)
    deeds = models.PositiveIntegerField(_("为民办实事(件次)"), default=0)

    class Meta:
        verbose_name = _("二三五活动记录")
        verbose_name_plural = _("二三五活动记录")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.held_on} · {self.get_kind_display()}"


class ActivityAttachment(models.Model):
    """A photo or scanned document of an activity (size- and type-checked on upload)."""

    activity = models.ForeignKey(
        PracticeActivity,
        verbose_name=_("活动记录"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="activities/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class PracticeBaseline(models.Model):
    """Last year's district figures, so that reports can say "比上年增长25%"."""

    batch = models.OneToOneField(
        "campaign.Batch",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="practice_baseline",
    )
    year = models.PositiveSmallIntegerField(_("上年年份"))
    households = models.PositiveIntegerField(_("帮扶走访困难群众(户)"), default=0)
    funds = models.DecimalField(_("投入资金(万元)"), max_digits=10, decimal_places=2, default=0)
    person_times = models.PositiveIntegerField(_("干群连心活动(人次)"), default=0)
    deeds = models.PositiveIntegerField(_("为民办实事(件次)"), default=0)

    class Meta:
        verbose_name = _("上年同期数据")
        verbose_name_plural = _("上年同期数据")

    def __str__(self) -> str:
        return f"{self.year}年"

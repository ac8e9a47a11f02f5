"""边学边查边改: the rectification ledger, each change to its items, and the public
satisfaction survey (群众满意度测评) whose opinions wait to be checked (待核实) before
the unit takes them into it.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚,
尽快理清思路,提出解决问题的具体措施,抓好落实的责任人。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.dates import day_text
from common.history import HistoryModel


class SurveyResponse(models.Model):
    """群众满意度测评: one anonymous answer from the public page of a unit."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("测评单位"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    # 1 (不满意) … 4 (满意) for each of the three: the unit, its party organisation, its members.
    office_rating = models.PositiveSmallIntegerField(_("对机关(单位)"))
    organisation_rating = models.PositiveSmallIntegerField(_("对党组织"))
    members_rating = models.PositiveSmallIntegerField(_("对共产党员"))
    opinion = models.TextField(_("意见和建议"), blank=True)
    # Left out when the unit's 待核实 opinions were at their cap (SURVEY_PENDING_CAP): the
    # ratings count, the words are not kept, and the inbox says how many were dropped.
    opinion_dropped = models.BooleanField(_("意见超出上限未保存"), default=False)
    # A keyed hash of the device cookie and the day: one answer per device per day, and
    # nothing that identifies the person.
    device_day = models.CharField(_("设备标识"), max_length=64, editable=False)
    answered_at = models.DateTimeField(_("测评时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众满意度测评")
        verbose_name_plural = _("群众满意度测评")
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "device_day"], name="one_answer_per_device_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {day_text(self.answered_at)}"


class RectificationSource(models.TextChoices):
    SELF_CHECK = "self_check", _("自查")
    SUPERVISION = "supervision", _("督导检查")
    PUBLIC = "public", _("群众意见")


class RectificationCategory(models.TextChoices):
    CONDUCT = "conduct", _("作风方面")
    LIVELIHOOD = "livelihood", _("群众生产生活")
    DEVELOPMENT = "development", _("经济社会发展")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    NOT_YET = "not_yet", _("一时还解决不了")


class RectificationItem(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    problem = models.TextField(_("存在的问题"))
    source = models.CharField(_("问题来源"), max_length=20, choices=RectificationSource.choices)
    category = models.CharField(_("问题类别"), max_length=20, choices=RectificationCategory.choices)
    measure = models.TextField(_("整改措施"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    status = models.CharField(
        _("整改情况"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    public_explanation = models.TextField(
        _("向群众的解释"),
        blank=True,
        help_text=_("一时还解决不了的问题,要向群众解释清楚。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("群众意见的登记人是采纳它的人;早先从公开页面直接登记的没有登记人。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("边学边查边改问题")
        verbose_name_plural = _("边学边查边改问题")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.problem[:40]


class RectificationChange(HistoryModel):
    """Every change to an item: who, when, which fields from what to what."""

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("问题"), on_delete=models.PROTECT, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)
    changes = models.JSONField(_("修改内容"), default=dict)

    class Meta:
        verbose_name = _("整改修改记录")
        verbose_name_plural = _("整改修改记录")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {day_text(self.changed_at)}"


class OpinionStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("不采纳")


class SurveyOpinion(models.Model):
    """An opinion left on the public survey page, waiting in the unit's inbox (待核实)
    until its keepers take it into the ledger (已采纳, with the item it went into) or
    set it aside (不采纳, with the reason)."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("测评单位"),
        on_delete=models.CASCADE,
        related_name="survey_opinions",
    )
    response = models.OneToOneField(
        SurveyResponse,
        verbose_name=_("所属测评"),
        on_delete=models.CASCADE,
        related_name="survey_opinion",
    )
    text = models.TextField(_("意见内容"))
    # The same words however they were spaced or punctuated (ledgers.services.rectification
    # .opinion_key): the inbox shows them as one row with the number who raised them.
    text_key = models.CharField(_("归并标识"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("核实情况"),
        max_length=20,
        choices=OpinionStatus.choices,
        default=OpinionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("登记为问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_opinions",
    )
    dismiss_reason = models.TextField(_("不采纳理由"), blank=True)

    class Meta:
        verbose_name = _("群众测评意见")
        verbose_name_plural = _("群众测评意见")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status", "text_key"])]

    def __str__(self) -> str:
        return self.text[:40]

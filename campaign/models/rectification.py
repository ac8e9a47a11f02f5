"""边学边查边改: the rectification ledger, and the integrity record.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚,
尽快理清思路,提出解决问题的具体措施,抓好落实的责任人。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        help_text=_("群众在公开页面提出的意见没有登记人。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("边学边改问题")
        verbose_name_plural = _("边学边改问题")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return self.problem[:40]


class RectificationChange(models.Model):
    """Every change to an item: who, when, which fields from what to what."""

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="changes"
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

    def __str__(self):
        return f"{self.item} · {self.changed_at:%Y-%m-%d}"


class IntegrityRecord(models.Model):
    """廉洁自律: "拒吃请30余人次,拒收购物券15张价值4500余元,拒收信息费、礼金45000余元"."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="integrity_records",
    )
    recorded_on = models.DateField(_("日期"))
    refused_banquets = models.PositiveIntegerField(_("拒吃请(人次)"), default=0)
    refused_vouchers = models.PositiveIntegerField(_("拒收购物券(张)"), default=0)
    refused_vouchers_value = models.DecimalField(
        _("购物券价值(元)"), max_digits=12, decimal_places=2, default=0
    )
    refused_gifts_value = models.DecimalField(
        _("拒收礼金、信息费(元)"), max_digits=12, decimal_places=2, default=0
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("廉洁自律记录")
        verbose_name_plural = _("廉洁自律记录")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.recorded_on}"

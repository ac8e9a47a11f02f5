"""Publicity: the five things every unit shows, each recorded with its evidence.

"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicityItem(models.TextChoices):
    SLOGANS = "slogans", _("墙上有标语")
    BULLETIN_BOARD = "bulletin_board", _("宣传栏有内容")
    TELEVISION = "television", _("电视上有影")
    RADIO = "radio", _("广播中有声")
    NEWSLETTER = "newsletter", _("支部有信息简报")


class PublicityCheck(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="publicity_checks",
    )
    item = models.CharField(_("宣传项目"), max_length=20, choices=PublicityItem.choices)
    done_on = models.DateField(_("日期"))
    evidence = models.TextField(_("佐证情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("宣传工作")
        verbose_name_plural = _("宣传工作")
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_item_display()}"

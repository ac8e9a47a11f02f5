"""廉洁自律: the integrity record, what a unit's members refused, as the speech counts it.

"严格遵守党风廉政建设的各项规定,坚持廉洁自律……拒吃请30余人次,拒收购物券15张价值
4500余元,拒收信息费、礼金45000余元。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def __str__(self) -> str:
        return f"{self.unit} · {self.recorded_on}"

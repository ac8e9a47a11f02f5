"""The 五卡: the card types the office sets for a batch, and the cards each unit gave out
and got back.

"通过开展“二三五”主题实践活动,推行“五卡”": the cards run beside the 二三五 activities,
in a ledger of their own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardType(models.Model):
    """五卡: the card types the office sets (e.g. 联系卡, 民情卡)."""

    batch = models.ForeignKey(
        "campaign.Batch",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="card_types",
    )
    name = models.CharField(_("名称"), max_length=50)
    number = models.PositiveSmallIntegerField(_("序号"), default=1)

    class Meta:
        verbose_name = _("五卡卡种")
        verbose_name_plural = _("五卡卡种")
        ordering = ["batch", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="card_type_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CardRecord(models.Model):
    """Cards a unit issued and got back."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="card_records"
    )
    card_type = models.ForeignKey(
        CardType, verbose_name=_("卡种"), on_delete=models.PROTECT, related_name="records"
    )
    recorded_on = models.DateField(_("日期"))
    issued = models.PositiveIntegerField(_("发出(张)"), default=0)
    returned = models.PositiveIntegerField(_("收回(张)"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("五卡发放记录")
        verbose_name_plural = _("五卡发放记录")
        ordering = ["-recorded_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.card_type} · {self.issued}/{self.returned}"

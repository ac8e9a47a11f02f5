"""Corrections of the units' add-as-you-go ledgers (activities, 五卡, 党课, publicity,
integrity): a mistyped figure goes straight into the briefings, so it can be put right,
but never silently — each change or deletion is kept with who, when, why and what the
fields were before and after, and stays readable after the record itself is gone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import HistoryModel


class CorrectedLedger(models.TextChoices):
    ACTIVITY = "activity", _("二三五活动记录")
    CARD = "card", _("五卡发放回收")
    LECTURE = "lecture", _("党课和形势报告")
    PUBLICITY = "publicity", _("宣传情况")
    INTEGRITY = "integrity", _("廉洁自律情况")


class CorrectionAction(models.TextChoices):
    CHANGED = "changed", _("修改")
    DELETED = "deleted", _("删除")


class LedgerCorrection(HistoryModel):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="ledger_corrections",
    )
    ledger = models.CharField(_("台账"), max_length=20, choices=CorrectedLedger.choices)
    # Not a foreign key: the record may have been deleted by this very correction.
    record_id = models.PositiveIntegerField(_("记录编号"))
    record = models.CharField(_("记录"), max_length=200)
    action = models.CharField(_("更正方式"), max_length=10, choices=CorrectionAction.choices)
    # {field label: [before, after]} in display values; after is "" for a deletion.
    changes = models.JSONField(_("更正内容"), default=dict)
    reason = models.CharField(_("更正原因"), max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台账更正记录")
        verbose_name_plural = _("台账更正记录")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["unit", "ledger", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_ledger_display()} · {self.get_action_display()}"

"""Leading cadres' trips abroad and study tours: asked for in writing, decided by the
office, and made up for on return.

"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意……
党员干部外出返回后,必须采取有效措施进行补课。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TripKind(models.TextChoices):
    ABROAD = "abroad", _("出国出境")
    STUDY_TOUR = "study_tour", _("外出参观考察")


class TripState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")
    RETURNED = "returned", _("已返回")
    WITHDRAWN = "withdrawn", _("已撤回")


class TripRequest(models.Model):
    traveller = models.ForeignKey(
        "units.Member",
        verbose_name=_("外出领导干部"),
        on_delete=models.PROTECT,
        related_name="trip_requests",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=TripKind.choices)
    destination = models.CharField(_("目的地"), max_length=100)
    purpose = models.TextField(_("事由"), help_text=_("参加重要会议或签订时限性很强的项目等。"))
    leaves_on = models.DateField(_("出发日期"))
    returns_on = models.DateField(_("返回日期"))
    state = models.CharField(
        _("状态"), max_length=20, choices=TripState.choices, default=TripState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    returned_on = models.DateField(_("实际返回日期"), null=True, blank=True)
    makeup = models.OneToOneField(
        "study.MakeUp",
        verbose_name=_("返回后补课"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trip",
    )

    class Meta:
        verbose_name = _("出国出境和外出考察审批")
        verbose_name_plural = _("出国出境和外出考察审批")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.traveller} · {self.destination}"

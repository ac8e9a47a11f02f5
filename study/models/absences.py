"""What is owed for a missed session, and study outside the sessions: 补课, 请假, 自学,
and the contact log of mobile members (流动党员).

"建立并严格落实学习考勤,读书笔记、请销假和补课制度": leave or an absence owes a make-up
("因事缺席的要及时补课"), which restores the missed session's concentrated hours once done.
自学 counts toward the 40 学时 but not toward the concentrated share. A mobile member out of
touch is visited, written to or called ("要主动进行家访,或信函、电话等方式联系").
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import HistoryModel
from common.models import Recorded
from study.models.sessions import HOURS_FIELD, MAX_SESSION_HOURS


class MakeUpMethod(models.TextChoices):
    SESSION = "session", _("补课会")
    RECORDING = "recording", _("观看录像")
    HOME_DELIVERY = "home_delivery", _("送课上门")


class MakeUp(models.Model):
    """补课 owed for a missed session (or, later, a trip away), then done."""

    member = models.ForeignKey(
        "units.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="makeups"
    )
    attendance = models.OneToOneField(
        "study.Attendance",
        verbose_name=_("缺课记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="makeup",
    )
    hours = models.DecimalField(_("应补学时"), **HOURS_FIELD)
    reason = models.CharField(_("原因"), max_length=200)
    done_on = models.DateField(_("补课日期"), null=True, blank=True)
    method = models.CharField(
        _("补课方式"), max_length=20, choices=MakeUpMethod.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("补课")
        verbose_name_plural = _("补课")
        ordering = ["done_on", "pk"]

    def __str__(self):
        return f"{self.member} · {self.reason}"

    @property
    def is_done(self):
        return self.done_on is not None


class MakeUpCorrectionAction(models.TextChoices):
    UNDONE = "undone", _("撤销补课登记")
    CHANGED = "changed", _("更正补课登记")


class MakeUpCorrection(HistoryModel):
    """A make-up recorded done by mistake, taken back or put right: the hours it earned
    change what the ledgers report, so never silently — who, when, why, and what the
    record said before and after, kept as every other ledger correction is."""

    makeup = models.ForeignKey(
        MakeUp, verbose_name=_("补课"), on_delete=models.PROTECT, related_name="corrections"
    )
    action = models.CharField(_("更正方式"), max_length=10, choices=MakeUpCorrectionAction.choices)
    # {field label: [before, after]} in display values.
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
        verbose_name = _("补课更正记录")
        verbose_name_plural = _("补课更正记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.makeup} · {self.get_action_display()}"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待批准")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class LeaveRequest(models.Model):
    """请假 for one session, asked in advance and approved by the secretary (请销假)."""

    member = models.ForeignKey(
        "units.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="leave_requests",
    )
    session = models.ForeignKey(
        "study.StudySession",
        verbose_name=_("集中学习"),
        on_delete=models.CASCADE,
        related_name="leave_requests",
    )
    reason = models.CharField(_("请假事由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
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

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "session"], name="one_leave_per_session"),
        ]

    def __str__(self):
        return f"{self.member} · {self.session}"


class SelfStudy(Recorded):
    """自学: counts toward the 40 学时 but not the concentrated share."""

    member = models.ForeignKey(
        "units.Member",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="self_studies",
    )
    studied_on = models.DateField(_("日期"))
    hours = models.DecimalField(
        _("学时"),
        **HOURS_FIELD,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_SESSION_HOURS)],
    )
    material = models.CharField(_("学习内容"), max_length=200)
    readings = models.ManyToManyField(
        "campaign.Reading", verbose_name=_("涉及必读科目"), blank=True, related_name="self_studies"
    )

    class Meta:
        verbose_name = _("自学")
        verbose_name_plural = _("自学")
        ordering = ["-studied_on", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.studied_on} · {self.hours}"


class ContactMethod(models.TextChoices):
    HOME_VISIT = "home_visit", _("家访")
    LETTER = "letter", _("信函")
    PHONE = "phone", _("电话")


# "对处于流动状态、一段时间与党组织失去联系的党员,要主动进行家访,或信函、电话等方式联系"
CONTACT_OVERDUE_DAYS = 30


class ContactLog(models.Model):
    """联系记录 with a mobile member (流动党员)."""

    member = models.ForeignKey(
        "units.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="contacts"
    )
    contacted_on = models.DateField(_("联系日期"))
    method = models.CharField(_("方式"), max_length=20, choices=ContactMethod.choices)
    note = models.CharField(_("情况"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("流动党员联系记录")
        verbose_name_plural = _("流动党员联系记录")
        ordering = ["-contacted_on", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.contacted_on} · {self.get_method_display()}"

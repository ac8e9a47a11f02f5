"""Study sessions and their rosters: 集中学习 in all its forms, each member's 签到, and
every later change to a roster.

"集中学习实行'签到制',原则上不能请假,因事缺席的要及时补课": a session's hours count as
concentrated for every member present, late, or taught at home (送课上门); leave or an
absence owes a make-up (补课).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.dates import day_text
from common.history import HistoryModel

MAX_SESSION_HOURS = Decimal("12")

HOURS_FIELD = {"max_digits": 5, "decimal_places": 1}


class SessionKind(models.TextChoices):
    STUDY = "study", _("集中学习")
    PARTY_LECTURE = "party_lecture", _("党课")
    SITUATION_REPORT = "situation_report", _("形势报告")
    EXPERT_LECTURE = "expert_lecture", _("专家辅导报告")
    FILM = "film", _("电教片")
    FIELD_VISIT = "field_visit", _("实地参观")
    QUIZ = "quiz", _("知识竞赛")
    OBSERVATION = "observation", _("观摩学习")


class StudySession(models.Model):
    """A concentrated study session of one branch (集中学习 in the broad sense)."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("党支部"),
        on_delete=models.PROTECT,
        related_name="study_sessions",
    )
    kind = models.CharField(_("形式"), max_length=20, choices=SessionKind.choices)
    title = models.CharField(_("学习内容"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    hours = models.DecimalField(
        _("学时"),
        **HOURS_FIELD,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_SESSION_HOURS)],
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    speaker = models.CharField(_("主讲人"), max_length=50, blank=True)
    topic = models.ForeignKey(
        "campaign.Topic",
        verbose_name=_("四加一专题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    readings = models.ManyToManyField(
        "campaign.Reading", verbose_name=_("涉及必读科目"), blank=True, related_name="sessions"
    )
    checkin_code = models.CharField(_("签到码"), max_length=6, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("集中学习")
        verbose_name_plural = _("集中学习")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["unit", "starts_at"])]

    def __str__(self):
        return f"{day_text(self.starts_at)} {self.get_kind_display()} {self.title}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LATE = "late", _("迟到")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")
    HOME_DELIVERY = "home_delivery", _("送课上门")


# Statuses that earn the session's concentrated hours on the day.
CREDITED_STATUSES = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.HOME_DELIVERY,
)

# Statuses that owe a make-up ("因事缺席的要及时补课").
MAKEUP_STATUSES = (AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)


class Attendance(models.Model):
    """签到: one member at one session."""

    session = models.ForeignKey(
        StudySession,
        verbose_name=_("集中学习"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    member = models.ForeignKey(
        "units.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(_("签到情况"), max_length=20, choices=AttendanceStatus.choices)
    self_signed_at = models.DateTimeField(_("本人签到时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("登记时间"), auto_now=True)

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_attendance_per_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_status_display()}"


class AttendanceChange(HistoryModel):
    """Every change to a roster after it was first saved: who, when, old → new."""

    attendance = models.ForeignKey(
        Attendance, verbose_name=_("签到"), on_delete=models.PROTECT, related_name="changes"
    )
    old_status = models.CharField(_("原情况"), max_length=20, choices=AttendanceStatus.choices)
    new_status = models.CharField(_("新情况"), max_length=20, choices=AttendanceStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签到修改记录")
        verbose_name_plural = _("签到修改记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.attendance.member}: {self.old_status} → {self.new_status}"

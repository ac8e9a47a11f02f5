"""The branch's 学习培训 ledger: "规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇".

Hours: every member owes at least 40 学时 in the campaign, of which 集中学习 at least two
thirds ("集中学习的时间要占三分之二以上"). A study session's hours count as concentrated
for every member present, late, or taught at home (送课上门); an absence or leave owes a
make-up (补课), which restores the session's concentrated hours once done. 自学 counts
toward the total but not the concentrated share.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

REQUIRED_HOURS = Decimal("40")
# Concentrated hours must be at least this share of all hours.
CONCENTRATED_SHARE = (Decimal(2), Decimal(3))
LONG_ESSAY_CHARACTERS = 3000
LEADING_CADRE_ESSAYS = 2
MAX_SESSION_HOURS = Decimal("12")
HOURS_FIELD = {"max_digits": 5, "decimal_places": 1}


class Topic(models.Model):
    """四加一专题: four fixed for the whole district, plus one each unit chooses."""

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("批次"), on_delete=models.CASCADE, related_name="topics"
    )
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("专题名称"), max_length=100)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("自选专题的党组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_topics",
        help_text=_("留空为全区统一的四个专题;填写则是该党组织结合实际自选的“加一”专题。"),
    )

    class Meta:
        verbose_name = _("四加一专题")
        verbose_name_plural = _("四加一专题")
        ordering = ["campaign", "unit_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=models.Q(unit__isnull=False),
                name="one_own_topic_per_unit",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_own(self):
        return self.unit_id is not None


class Reading(models.Model):
    """必读科目: "必读科目不少一篇"."""

    campaign = models.ForeignKey(
        "campaign.Campaign",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("篇目"), max_length=200)

    class Meta:
        verbose_name = _("必读科目")
        verbose_name_plural = _("必读科目")
        ordering = ["campaign", "number", "pk"]

    def __str__(self):
        return self.title


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
        Topic,
        verbose_name=_("四加一专题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    readings = models.ManyToManyField(
        Reading, verbose_name=_("涉及必读科目"), blank=True, related_name="sessions"
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
        return f"{self.starts_at:%Y-%m-%d} {self.get_kind_display()} {self.title}"


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


class AttendanceChange(models.Model):
    """Every change to a roster after it was first saved: who, when, old → new."""

    attendance = models.ForeignKey(
        Attendance, verbose_name=_("签到"), on_delete=models.CASCADE, related_name="changes"
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
        Attendance,
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
        StudySession,
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


class SelfStudy(models.Model):
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
        Reading, verbose_name=_("涉及必读科目"), blank=True, related_name="self_studies"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

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


class WritingKind(models.TextChoices):
    NOTE = "note", _("学习笔记")
    ESSAY = "essay", _("心得体会")


class Writing(models.Model):
    """A study note or 心得体会, submitted online (text) or logged from paper (count only)."""

    member = models.ForeignKey(
        "units.Member", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="writings"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=WritingKind.choices)
    title = models.CharField(_("题目"), max_length=200)
    text = models.TextField(_("正文"), blank=True)
    is_paper = models.BooleanField(_("纸质稿"), default=False)
    characters = models.PositiveIntegerField(_("字数"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("笔记与心得")
        verbose_name_plural = _("笔记与心得")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()} · {self.title}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


# "支部负责人每周应查看、批阅一次党员的学习笔记"
REVIEW_OVERDUE_DAYS = 7


class Review(models.Model):
    """批改 of a writing by the secretary or the 党委/党组/工委 负责人."""

    writing = models.ForeignKey(
        Writing, verbose_name=_("笔记与心得"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批改人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("批语"))
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    reviewed_on = models.DateField(_("批改日期"))

    class Meta:
        verbose_name = _("批改")
        verbose_name_plural = _("批改")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self):
        return f"{self.writing} · {self.get_grade_display()}"


class SpotCheck(models.Model):
    """督导组的审查或抽查: a random sample of a unit's writings and what was found."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    writings = models.ManyToManyField(
        Writing, verbose_name=_("抽查篇目"), related_name="spot_checks"
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽查人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    result = models.TextField(_("抽查结果"), blank=True)
    recorded_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结果登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("笔记抽查")
        verbose_name_plural = _("笔记抽查")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.drawn_at:%Y-%m-%d}"


class MemberProgress(models.Model):
    """Each member's study figures, kept current by study.services on every write.

    Stored rather than computed per page so that the rollups of a whole district are one
    GROUP BY over this table, whatever the number of sessions and sign-ins behind it.
    """

    member = models.OneToOneField(
        "units.Member",
        verbose_name=_("党员"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="progress",
    )
    concentrated_hours = models.DecimalField(_("集中学习学时"), **HOURS_FIELD, default=0)
    self_study_hours = models.DecimalField(_("自学学时"), **HOURS_FIELD, default=0)
    total_hours = models.DecimalField(_("总学时"), **HOURS_FIELD, default=0)
    is_complete = models.BooleanField(_("学时达标"), default=False)
    sessions_attended = models.PositiveIntegerField(_("参加集中学习次数"), default=0)
    makeups_owed = models.PositiveIntegerField(_("待补课次数"), default=0)
    notes = models.PositiveIntegerField(_("学习笔记篇数"), default=0)
    essays = models.PositiveIntegerField(_("心得体会篇数"), default=0)
    long_essays = models.PositiveIntegerField(_("3000字以上心得篇数"), default=0)
    writing_done = models.BooleanField(_("笔记心得达标"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")

    def __str__(self):
        return f"{self.member} · {self.total_hours}"

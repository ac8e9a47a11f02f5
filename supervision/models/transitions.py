"""The 转段 (stage transition) workflow's records: what the office requires to leave a stage,
a branch's application round by round, its 回头看 answers, its 转段分析会 and who did what.

"召开'转段分析会'后,党支部要向区委先进性教育活动领导小组办公室和督导组报送转入下一阶段的
申请。区先进性教育活动领导小组办公室对党支部学习动员阶段的情况进行检查,检查合格的,同意
转入下一阶段;对达不到工作要求的,要严格把关,督促进行'补课',直到合格后再转入下一阶段。"

An application is one round: drafted, submitted, given the group's opinion, decided.
A round returned for 补课 stays as it was; the branch starts the next round from it.

A unit's stage changes only by an approved round or by the office's StageCorrection.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import HistoryModel

# The four questions of the 回头看 ("重点看一看……").
DEFAULT_QUESTIONS = [
    "广大党员对开展先进性教育活动重要性和必要性的认识是否提高,参加先进性教育活动的积极性是否增强",
    "广大党员对“三个代表”重要思想的时代背景、实践基础、科学内涵、精神实质和历史地位的认识是否深化",
    "不同行业、不同群体党员先进性的具体要求是否明确",
    "是否坚持边学边改,具备整改条件的问题是否整改了",
]


class StageRequirement(models.Model):
    """What the 转段 out of a stage checks; the office sets it per stage."""

    stage = models.OneToOneField(
        "campaign.Stage",
        verbose_name=_("阶段"),
        on_delete=models.CASCADE,
        related_name="requirement",
    )
    questions = models.TextField(
        _("回头看问题"),
        help_text=_("每行一个问题;支部逐条作答。"),
        default="\n".join(DEFAULT_QUESTIONS),
    )
    min_completion_rate = models.DecimalField(
        _("40学时达标率不低于(%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_makeups_owed = models.PositiveIntegerField(_("缺课未补不超过(次)"), default=0)
    require_readings_covered = models.BooleanField(_("必读科目全部学到"), default=True)
    min_writing_rate = models.DecimalField(
        _("笔记心得达标率不低于(%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_open_rectifications = models.PositiveIntegerField(
        _("未整改问题不超过(个)"),
        null=True,
        blank=True,
        help_text=_("“具备整改条件的问题是否整改了”:留空则只列出,不作为转段条件。"),
    )

    class Meta:
        verbose_name = _("转段条件")
        verbose_name_plural = _("转段条件")

    def __str__(self):
        return f"{self.stage} · 转段条件"

    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已报送,待审批")
    APPROVED = "approved", _("已同意转段")
    RETURNED = "returned", _("退回补课")


class TransitionApplication(models.Model):
    """转段申请: one round of a branch's application to leave a stage."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("党支部"),
        on_delete=models.PROTECT,
        related_name="transition_applications",
    )
    from_stage = models.ForeignKey(
        "campaign.Stage",
        verbose_name=_("所在阶段"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        "campaign.Stage",
        verbose_name=_("转入阶段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示最后一个阶段结束,教育活动完成。"),
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    state = models.CharField(
        _("状态"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    # The measured facts as they stood when submitted, so that the record doesn't move.
    facts = models.JSONField(_("实测情况"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填写人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    # 督导组意见
    group_agrees = models.BooleanField(_("督导组意见"), null=True, blank=True)
    group_reasons = models.TextField(_("督导组意见理由"), blank=True)
    group_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督导组签署人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_opinion_at = models.DateTimeField(_("督导组签署时间"), null=True, blank=True)
    # 办公室审批
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
    redo_items = models.TextField(_("需补课事项"), blank=True)
    # A return that doesn't concern the 转段分析会 lets the next round keep it.
    redo_meeting = models.BooleanField(
        _("须重新召开转段分析会"),
        default=False,
        help_text=_("不勾选:下一轮沿用本轮的转段分析会和督导组评价。"),
    )
    makeup_report = models.TextField(
        _("补课情况"),
        blank=True,
        help_text=_("上一轮退回后,支部对照需补课事项逐条说明补了什么。"),
    )
    transition_date = models.DateField(_("转段日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("转段申请")
        verbose_name_plural = _("转段申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "from_stage", "round"], name="one_application_per_round"
            ),
            # A branch has at most one round under way for a stage.
            models.UniqueConstraint(
                fields=["unit", "from_stage"],
                condition=models.Q(state__in=["draft", "submitted"]),
                name="one_open_application",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self):
        return f"{self.unit} · {self.from_stage.name} · 第{self.round}轮"


class SelfCheckAnswer(models.Model):
    """回头看/五查五看: the branch's answer to one question of the self-check."""

    application = models.ForeignKey(
        TransitionApplication,
        verbose_name=_("转段申请"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    question = models.TextField(_("问题"))
    answer = models.TextField(_("支部自查情况"), blank=True)

    class Meta:
        verbose_name = _("回头看自查")
        verbose_name_plural = _("回头看自查")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.number}"


class AnalysisMeeting(models.Model):
    """转段分析会, and the supervision group's attendance and evaluation of it."""

    application = models.OneToOneField(
        TransitionApplication,
        verbose_name=_("转段申请"),
        on_delete=models.CASCADE,
        related_name="meeting",
    )
    held_on = models.DateField(_("召开日期"))
    attendees = models.TextField(_("参加人员"))
    minutes = models.TextField(_("会议记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("到会督导组成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation = models.TextField(_("督导组评价"), blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("转段分析会")
        verbose_name_plural = _("转段分析会")

    def __str__(self):
        return f"{self.application} · {self.held_on}"

    @property
    def is_evaluated(self):
        return self.evaluated_at is not None


class ApplicationEvent(HistoryModel):
    """Who did what to an application, and when: the record no one edits."""

    application = models.ForeignKey(
        TransitionApplication,
        verbose_name=_("转段申请"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("操作"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    detail = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("转段办理记录")
        verbose_name_plural = _("转段办理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application} · {self.action}"


class StageCorrection(HistoryModel):
    """更正阶段: the office puts right a unit's stage that is recorded wrongly, with its
    reason. Beside the approved rounds, the only other way a unit's stage changes."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("党组织"),
        on_delete=models.PROTECT,
        related_name="stage_corrections",
    )
    from_stage = models.ForeignKey(
        "campaign.Stage",
        verbose_name=_("更正前阶段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_since = models.DateField(_("更正前进入阶段日期"), null=True, blank=True)
    from_completed_on = models.DateField(_("更正前活动完成日期"), null=True, blank=True)
    to_stage = models.ForeignKey(
        "campaign.Stage",
        verbose_name=_("更正为阶段"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_since = models.DateField(_("更正为进入阶段日期"))
    reason = models.TextField(_("更正原因"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段更正")
        verbose_name_plural = _("阶段更正")
        ordering = ["-corrected_at", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.to_stage.name}"

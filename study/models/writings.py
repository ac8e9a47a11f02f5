"""学习笔记 and 心得体会, their 批改, and the supervision groups' 抽查.

"读书笔记和心得体会文章完成后由党委(党组)、工委负责人或支部书记批改,最后由督导组进行审查
或抽查"; "支部负责人每周应查看、批阅一次党员的学习笔记".
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.dates import day_text


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
    # 疑似重复, measured when a 心得体会 is submitted online (study.services.writings):
    # how much of it repeats itself, and how much is found in other members' essays. A
    # paper copy or a note is not measured (null).
    repeated_percent = models.PositiveSmallIntegerField(
        _("自身重复内容占比(%)"), null=True, blank=True
    )
    shared_percent = models.PositiveSmallIntegerField(
        _("与其他党员心得相同内容占比(%)"), null=True, blank=True
    )
    shared_with = models.ForeignKey(
        "self",
        verbose_name=_("相同内容最多的他人心得"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("笔记与心得")
        verbose_name_plural = _("笔记与心得")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()} · {self.title}"

    @property
    def repeats_itself(self) -> bool:
        """疑似重复: the essay says the same thing over and over (a paragraph pasted to
        reach 3000字)."""
        return (self.repeated_percent or 0) >= SUSPECTED_DUPLICATE_PERCENT

    @property
    def repeats_others(self) -> bool:
        """疑似重复: much of the essay is found in another member's."""
        return (self.shared_percent or 0) >= SUSPECTED_DUPLICATE_PERCENT


# From this share of repeated text up, the reviewer is told the essay may be a copy; the
# member is not stopped: a reviewer judges whether quoting the speech or the 党章 is copying.
SUSPECTED_DUPLICATE_PERCENT = 30


class EssayFingerprint(models.Model):
    """One of the 8-character stretches of an online 心得体会 kept to compare it with
    later essays, hashed (study.services.writings): about one in eight, the same ones in any
    text, so that the stretches a new essay shares with every earlier one are found in
    one indexed query."""

    writing = models.ForeignKey(
        Writing,
        verbose_name=_("心得体会"),
        on_delete=models.CASCADE,
        related_name="fingerprints",
    )
    hash = models.BigIntegerField(_("指纹"))

    class Meta:
        verbose_name = _("心得体会指纹")
        verbose_name_plural = _("心得体会指纹")
        indexes = [models.Index(fields=["hash"], name="essay_fingerprint_hash")]

    def __str__(self):
        return f"{self.writing_id} · {self.hash}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


# "支部负责人每周应查看、批阅一次党员的学习笔记": a branch with writings waiting is behind
# once its last review (or, never having reviewed, its first waiting writing) is more than
# this many days old (study.sums).
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
        return f"{self.unit} · {day_text(self.drawn_at)}"

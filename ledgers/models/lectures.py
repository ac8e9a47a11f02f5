"""The 党课 and 形势报告 leading cadres give, counted for the supervision groups and the office.

"党员领导干部……要带头到基层单位上党课,做形势报告……督导组和先进性教育办公室要进行统计。"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LectureKind(models.TextChoices):
    PARTY_LECTURE = "party_lecture", _("党课")
    SITUATION_REPORT = "situation_report", _("形势报告")


class LeaderLecture(models.Model):
    lecturer = models.ForeignKey(
        "units.Member",
        verbose_name=_("主讲领导干部"),
        on_delete=models.PROTECT,
        related_name="lectures",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("授课单位"),
        on_delete=models.PROTECT,
        related_name="leader_lectures",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=LectureKind.choices)
    given_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    topic = models.CharField(_("题目"), max_length=200)
    audience = models.PositiveIntegerField(_("听课人数"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("领导干部党课和形势报告")
        verbose_name_plural = _("领导干部党课和形势报告")
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.lecturer} · {self.topic}"

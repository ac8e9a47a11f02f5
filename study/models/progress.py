"""Each member's stored study figures, and the thresholds the ledger holds them to.

"每位党员的学习培训的时间不能少于40个学时,集中学习的时间要占三分之二以上";
"党员领导干部至少要写出两篇3000字以上的心得体会文章".
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from study.models.sessions import HOURS_FIELD

REQUIRED_HOURS = Decimal("40")

# Concentrated hours must be at least this share of all hours.
CONCENTRATED_SHARE = (Decimal(2), Decimal(3))

LONG_ESSAY_CHARACTERS = 3000

LEADING_CADRE_ESSAYS = 2


class MemberProgress(models.Model):
    """Each member's study figures, kept current by study.services.progress.progress_refresh,
    which every write of the ledger that changes them calls.

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

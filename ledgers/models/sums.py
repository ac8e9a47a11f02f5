"""The 边学边改 and 二三五 figures the dashboards add up, stored per unit and per subtree
(units.subtree), kept by ledgers.apps' receivers in the transaction of every write of a
problem or an activity.

Keyed by date, so that what depends on the day asked stays a sum of stored rows: a
problem still open counts as overdue once its deadline is before today, and a batch's
activities are those held between its first and last day.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# An open problem without a deadline is never overdue: it sorts after every real date.
NO_DEADLINE = datetime.date(9999, 12, 31)


class ProblemsByDeadline(models.Model):
    """Open 边学边改 problems counted by deadline: a unit's own, or its subtree's."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    deadline = models.DateField(_("整改时限"))
    items = models.PositiveIntegerField(_("未完成问题数"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.deadline} · {self.items}"


class OpenProblems(ProblemsByDeadline):
    """How many of a unit's own 边学边改 problems are still open, by deadline."""

    class Meta:
        verbose_name = _("未完成整改问题统计")
        verbose_name_plural = _("未完成整改问题统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "deadline"], name="open_problems_unique")
        ]


class SubtreeOpenProblems(ProblemsByDeadline):
    """`OpenProblems` of a unit and every unit below it, added up."""

    class Meta:
        verbose_name = _("未完成整改问题统计(含下级)")
        verbose_name_plural = _("未完成整改问题统计(含下级)")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "deadline"], name="subtree_open_problems_unique"
            )
        ]


class PracticeFigures(models.Model):
    """二三五 activities of one day added up: a unit's own, or its subtree's."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    held_on = models.DateField(_("日期"))
    activities = models.PositiveIntegerField(_("活动次数"), default=0)
    households = models.PositiveIntegerField(_("帮扶走访困难群众(户)"), default=0)
    funds = models.DecimalField(_("投入资金(万元)"), max_digits=14, decimal_places=2, default=0)
    person_times = models.PositiveIntegerField(_("干群连心活动(人次)"), default=0)
    deeds = models.PositiveIntegerField(_("为民办实事(件次)"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.held_on} · {self.activities}"


class PracticeDay(PracticeFigures):
    """A unit's own 二三五 activities of one day, added up."""

    class Meta:
        verbose_name = _("二三五活动日统计")
        verbose_name_plural = _("二三五活动日统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "held_on"], name="practice_day_unique")
        ]


class SubtreePracticeDay(PracticeFigures):
    """`PracticeDay` of a unit and every unit below it, added up."""

    class Meta:
        verbose_name = _("二三五活动日统计(含下级)")
        verbose_name_plural = _("二三五活动日统计(含下级)")
        constraints = [
            models.UniqueConstraint(fields=["unit", "held_on"], name="subtree_practice_day_unique")
        ]


class PlansFiled(models.Model):
    """二三五 plans filed for a batch, and how many of them late: a unit's own (one or
    none), or its subtree's."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "campaign.Batch", verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+"
    )
    plans = models.PositiveIntegerField(_("已报送计划数"), default=0)
    late = models.PositiveIntegerField(_("逾期报送数"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.plans}"


class UnitPlansFiled(PlansFiled):
    """A unit's own 二三五 plan for a batch, counted: whether it filed, and late."""

    class Meta:
        verbose_name = _("二三五计划报送统计")
        verbose_name_plural = _("二三五计划报送统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "batch"], name="unit_plans_filed_unique")
        ]


class SubtreePlansFiled(PlansFiled):
    """`UnitPlansFiled` of a unit and every unit below it, added up: the plans the
    district still waits for are one row, not a count over every unit on each visit."""

    class Meta:
        verbose_name = _("二三五计划报送统计(含下级)")
        verbose_name_plural = _("二三五计划报送统计(含下级)")
        constraints = [
            models.UniqueConstraint(fields=["unit", "batch"], name="subtree_plans_filed_unique")
        ]

"""Each member's stored study figures, and the thresholds the ledger holds them to.

"每位党员的学习培训的时间不能少于40个学时,集中学习的时间要占三分之二以上";
"党员领导干部至少要写出两篇3000字以上的心得体会文章".
"""

from decimal import Decimal

from django.db import models
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _

from study.models.sessions import HOURS_FIELD

REQUIRED_HOURS = Decimal("40")

# Concentrated hours must be at least this share of all hours.
CONCENTRATED_SHARE = (Decimal(2), Decimal(3))

# A unit's summed hours: a large branch's members together pass 999.9.
ROLLUP_HOURS = {"max_digits": 10, "decimal_places": 1}

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
        # The members with the fewest hours of a whole district, read in this order.
        indexes = [
            models.Index(fields=["total_hours", "concentrated_hours"], name="progress_fewest_hours")
        ]

    def __str__(self):
        return f"{self.member} · {self.total_hours}"


class ProgressSums(models.Model):
    """The study figures of a set of members, summed: the fields a unit's own sums and
    its subtree's share (the names are those of study.selectors.progress.Figures)."""

    members = models.PositiveIntegerField(_("党员数"), default=0)
    complete = models.PositiveIntegerField(_("学时达标人数"), default=0)
    no_participation = models.PositiveIntegerField(_("未参学人数"), default=0)
    makeups_owed = models.PositiveIntegerField(_("待补课次数"), default=0)
    concentrated_hours = models.DecimalField(_("集中学习学时"), **ROLLUP_HOURS, default=0)
    self_study_hours = models.DecimalField(_("自学学时"), **ROLLUP_HOURS, default=0)
    total_hours = models.DecimalField(_("总学时"), **ROLLUP_HOURS, default=0)
    notes = models.PositiveIntegerField(_("学习笔记篇数"), default=0)
    essays = models.PositiveIntegerField(_("心得体会篇数"), default=0)
    long_essays = models.PositiveIntegerField(_("3000字以上心得篇数"), default=0)
    writing_done = models.PositiveIntegerField(_("笔记心得达标人数"), default=0)
    # Units keeping a study ledger of their own members, who owe every required reading:
    # 1 on a 党支部's own row, and on a 党总支's that keeps members directly.
    branches = models.PositiveIntegerField(_("记学习台账的支部数"), default=0)

    class Meta:
        abstract = True


class UnitProgress(ProgressSums):
    """The study figures of the members a unit keeps itself (not its subtree's), summed
    from their `MemberProgress`.

    Brought up to date with the members' progress in the same transaction
    (study.services.progress.unit_progress_refresh), which adds what changed to the
    unit's and its ancestors' `SubtreeProgress`; `manage.py rollups_rebuild` recomputes
    them all.
    """

    unit = models.OneToOneField(
        "units.Unit",
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="study_progress",
    )

    class Meta:
        verbose_name = _("党组织学习进度")
        verbose_name_plural = _("党组织学习进度")
        indexes = [
            # The district's laggards (study.selectors.progress.lagging_under) are the
            # first rows of this index, not a sort of every branch.
            models.Index(
                Cast("complete", models.FloatField()) / Cast("members", models.FloatField()),
                Cast("total_hours", models.FloatField()) / Cast("members", models.FloatField()),
                name="unit_progress_lagging",
                condition=models.Q(members__gt=0),
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.complete}/{self.members}"


def _when_members(expression) -> models.Case:
    return models.Case(
        models.When(members__gt=0, then=expression),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


class SubtreeProgress(ProgressSums):
    """The `UnitProgress` of a unit and every unit below it, added up (units.subtree): a
    党委's or the district's headline is one row, a page of child units one row a child,
    however many units and members lie below them.

    The rate and the average are also kept in whole tenths, rounded half up as the pages
    show them (study.selectors.progress.Figures), so that the database ranks a 党委's
    2,000 children lagging first and hands over the page asked for."""

    unit = models.OneToOneField(
        "units.Unit",
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="subtree_progress",
    )
    # The unit's parent, kept with the row (units.subtree, `ranked`): a page of a 党委's
    # children, lagging first, is then a range of the index below.
    parent = models.ForeignKey(
        "units.Unit",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    no_members = models.GeneratedField(
        verbose_name=_("无党员"),
        expression=models.Case(
            models.When(members__gt=0, then=models.Value(0)),
            default=models.Value(1),
            output_field=models.IntegerField(),
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    rate_tenths = models.GeneratedField(
        verbose_name=_("学时达标率(‰)"),
        expression=_when_members(
            (models.F("complete") * 2000 + models.F("members")) / (models.F("members") * 2)
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    average_tenths = models.GeneratedField(
        verbose_name=_("人均学时(0.1学时)"),
        expression=_when_members(
            (
                Cast(Round(models.F("total_hours") * 10), models.IntegerField()) * 2
                + models.F("members")
            )
            / (models.F("members") * 2)
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("党组织及下级学习进度")
        verbose_name_plural = _("党组织及下级学习进度")
        indexes = [
            # In the order of study.selectors.progress.LAGGING_ORDER.
            models.Index(
                fields=[
                    "parent",
                    "no_members",
                    "rate_tenths",
                    "average_tenths",
                    "-makeups_owed",
                    "unit",
                ],
                name="subtree_progress_lagging",
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.complete}/{self.members}"


class ReadingCoverage(models.Model):
    """How many of a batch's required readings a unit's own sessions have taken up
    ("必读科目不少一篇"), kept with the sessions' readings so that the readings still
    uncovered across a district are a sum over its units rather than over its sessions."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="reading_coverage",
    )
    batch = models.ForeignKey(
        "campaign.Batch",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    readings = models.PositiveIntegerField(_("已学必读篇目数"), default=0)

    class Meta:
        verbose_name = _("必读篇目学习情况")
        verbose_name_plural = _("必读篇目学习情况")
        constraints = [
            models.UniqueConstraint(fields=["unit", "batch"], name="reading_coverage_unique")
        ]

    def __str__(self):
        return f"{self.unit} · {self.readings}"


class SubtreeCoverage(models.Model):
    """The `ReadingCoverage` of a unit and every unit below it, per batch, added up
    (units.subtree)."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="subtree_coverage",
    )
    batch = models.ForeignKey(
        "campaign.Batch",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    readings = models.PositiveIntegerField(_("已学必读篇目数"), default=0)

    class Meta:
        verbose_name = _("党组织及下级必读篇目学习情况")
        verbose_name_plural = _("党组织及下级必读篇目学习情况")
        constraints = [
            models.UniqueConstraint(fields=["unit", "batch"], name="subtree_coverage_unique")
        ]

    def __str__(self):
        return f"{self.unit} · {self.readings}"

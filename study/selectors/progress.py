"""Reads of the study ledger that aggregate; each is a fixed number of queries."""

import math
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    FloatField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, StrIndex, Substr
from django.utils.translation import gettext as _

from campaign.models import Reading
from study.models import (
    CONCENTRATED_SHARE,
    HOURS_FIELD,
    LEADING_CADRE_ESSAYS,
    LONG_ESSAY_CHARACTERS,
    REQUIRED_HOURS,
    StudySession,
)
from units.models import PATH_SEPARATOR, Member, Unit, UnitKind
from units.selectors import under_any

# What a member still owes -------------------------------------------------------------


@dataclass(frozen=True)
class HoursShortfall:
    """The least a member still has to study to finish: `hours` in all, of which at least
    `concentrated` in 集中学习 (a session or a make-up); both rounded up to 0.1 学时."""

    hours: Decimal
    concentrated: Decimal
    total: Decimal

    @property
    def done(self):
        return self.hours == 0

    @property
    def is_all_concentrated(self):
        return self.concentrated > 0 and self.concentrated == self.hours

    def statement(self):
        """The gap in one sentence, as a secretary would tell the member."""
        hours, concentrated = _hours_text(self.hours), _hours_text(self.concentrated)
        if self.done:
            return _("已达到%(required)s学时,集中学习占三分之二以上。") % {
                "required": _hours_text(REQUIRED_HOURS)
            }
        if self.concentrated == 0:
            return _("还差%(hours)s学时,集中学习、自学均可。") % {"hours": hours}
        if not self.is_all_concentrated:
            return _("还差%(hours)s学时;其中集中学习还差%(concentrated)s学时。") % {
                "hours": hours,
                "concentrated": concentrated,
            }
        if self.total >= REQUIRED_HOURS:
            return _(
                "总学时已满%(required)s学时,但集中学习不到三分之二:"
                "还须参加%(concentrated)s学时集中学习(或补课)。"
            ) % {"required": _hours_text(REQUIRED_HOURS), "concentrated": concentrated}
        return _("还差%(hours)s学时,都须是集中学习(或补课):自学学时已占到三分之一。") % {
            "hours": hours
        }


def _hours_text(value):
    """12.5 → "12.5", 8.0 → "8"."""
    return f"{Decimal(value).normalize():f}"


def _ceil_tenth(value):
    return Decimal(math.ceil(value * 10)) / 10


def hours_shortfall(*, concentrated, total):
    """What is missing to reach 40 学时 with 集中学习 ≥ 2/3 of all hours.

    The rule is checked on the final figures, so self-study already logged keeps counting
    against the share. With share p = 2/3 and x more concentrated hours (any further hours
    the member may also spend in self-study only lower the share), finishing needs either
      - a total of exactly 40 with C + x ≥ p·40, when there is room under 40 for that, or
      - only concentrated hours from now on: C + x ≥ p·(T + x), i.e. x ≥ (p·T − C)/(1 − p);
    so x = max(0, p·40 − C, (p·T − C)/(1 − p)), and the hours still needed in all are
    max(40 − T, x). Computed on exact fractions, then rounded up so that doing what the
    sentence says is always enough.
    """
    numerator, denominator = CONCENTRATED_SHARE
    share = Fraction(int(numerator), int(denominator))
    required = Fraction(REQUIRED_HOURS)
    c, t = Fraction(Decimal(concentrated)), Fraction(Decimal(total))
    needed_concentrated = max(Fraction(0), share * required - c, (share * t - c) / (1 - share))
    return HoursShortfall(
        hours=_ceil_tenth(max(required - t, needed_concentrated)),
        concentrated=_ceil_tenth(needed_concentrated),
        total=Decimal(total),
    )


def writing_shortfall(*, is_leading_cadre, can_write, notes, essays, long_essays):
    """What a member still owes in writing, as short phrases ([] when nothing is owed).

    Mirrors services.writing_requirement_met: members who can write owe notes and one
    心得体会; 党员领导干部 owe besides two 心得体会 of 3000 characters or more."""
    missing = []
    if not (is_leading_cadre or can_write):
        return missing
    if notes < 1:
        missing.append(_("还没有学习笔记"))
    if is_leading_cadre and long_essays < LEADING_CADRE_ESSAYS:
        missing.append(
            _("还差%(n)s篇%(chars)s字以上的心得体会")
            % {"n": LEADING_CADRE_ESSAYS - long_essays, "chars": LONG_ESSAY_CHARACTERS}
        )
    elif essays < 1:
        missing.append(_("还差1篇心得体会"))
    return missing


def writing_rule(*, is_leading_cadre, can_write):
    if is_leading_cadre:
        return _("党员领导干部:作好学习笔记,至少写出%(n)s篇%(chars)s字以上的心得体会文章。") % {
            "n": LEADING_CADRE_ESSAYS,
            "chars": LONG_ESSAY_CHARACTERS,
        }
    if can_write:
        return _("有书写能力的党员:作好学习笔记,至少写出一篇心得体会文章。")
    return _("无书写能力,不要求学习笔记和心得体会。")


# Progress rollups ----------------------------------------------------------------------
#
# Every figure is an aggregate over Member LEFT JOIN MemberProgress: a member without a
# progress row has done nothing yet and counts as such.

ZERO_HOURS = Decimal(0)

TENTH = Decimal("0.1")


def _member_aggregates():
    return {
        "members": Count("pk"),
        "complete": Count("pk", filter=Q(progress__is_complete=True)),
        # "党员参学不漏一人": not one hour of study on record.
        "no_participation": Count(
            "pk", filter=Q(progress__isnull=True) | Q(progress__total_hours=0)
        ),
        # "规定学习时间不缺一课": sessions missed and not yet made up.
        "makeups_owed": Sum("progress__makeups_owed"),
        "total_hours": Sum("progress__total_hours"),
        "concentrated_hours": Sum("progress__concentrated_hours"),
        "self_study_hours": Sum("progress__self_study_hours"),
        "notes": Sum("progress__notes"),
        "essays": Sum("progress__essays"),
        "long_essays": Sum("progress__long_essays"),
        # Members who owe no writing have met the rule without a row.
        "writing_done": Count(
            "pk",
            filter=Q(progress__writing_done=True)
            | Q(progress__isnull=True, can_write=False, is_leading_cadre=False),
        ),
    }


def percent(part, whole):
    """part/whole in percent, to 0.1 (None when whole is zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The headline figures of a set of members (a branch, a subtree, a group)."""

    members: int = 0
    complete: int = 0
    no_participation: int = 0
    makeups_owed: int = 0
    total_hours: Decimal = ZERO_HOURS
    concentrated_hours: Decimal = ZERO_HOURS
    self_study_hours: Decimal = ZERO_HOURS
    notes: int = 0
    essays: int = 0
    long_essays: int = 0
    writing_done: int = 0
    # 必读科目不少一篇: branches in the set, and (branch, reading) pairs not yet covered.
    branches: int = 0
    readings_uncovered: int = 0

    @classmethod
    def from_row(cls, row):
        names = {f.name for f in fields(cls)}
        figures = cls(**{key: value for key, value in row.items() if key in names and value})
        # SQLite sums decimals as floats: 12.6 may come back as 12.600000000000001.
        for name in ("total_hours", "concentrated_hours", "self_study_hours"):
            setattr(figures, name, Decimal(getattr(figures, name)).quantize(TENTH))
        return figures

    def __add__(self, other):
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def completion_rate(self):
        """40学时达标率, in percent."""
        return percent(self.complete, self.members)

    @property
    def average_hours(self):
        if not self.members:
            return None
        return (Decimal(self.total_hours) / self.members).quantize(TENTH, ROUND_HALF_UP)

    @property
    def concentrated_share(self):
        """集中学习 as a percentage of all hours studied."""
        return percent(self.concentrated_hours, self.total_hours)

    def lagging_key(self):
        """Sort key: lowest completion first, then fewest hours; units without members last."""
        return (
            self.members == 0,
            self.completion_rate or 0,
            self.average_hours or 0,
            -self.makeups_owed,
        )


def _child_key(unit, field):
    """The id, as text, of the child of `unit` whose subtree holds a row, read off the
    materialized path in `field` ('/1/4/17/' under '/1/' → '4'); '' for `unit` itself."""
    rest = Substr(field, len(unit.path) + 1)
    return Case(
        When(**{field: unit.path}, then=Value("")),
        default=Substr(rest, 1, StrIndex(rest, Value(PATH_SEPARATOR)) - 1),
        output_field=CharField(),
    )


def _assigned_key(units, field):
    """The id, as text, of the unit of `units` whose subtree holds a row."""
    return Case(
        *[When(**{f"{field}__startswith": u.path}, then=Value(str(u.pk))) for u in units],
        default=Value(""),
        output_field=CharField(),
    )


def _keeps_ledger():
    """Units that hold sessions for members of their own: every branch, and a 党总支 that
    keeps members directly. Each of them owes every required reading."""
    direct_members = Member.objects.filter(unit=OuterRef("pk"))
    return Q(kind=UnitKind.BRANCH) | (Q(kind=UnitKind.GENERAL_BRANCH) & Q(Exists(direct_members)))


def _figures_by(key, units, batch):
    """Figures of the members under `units`, bucketed by `key(field)` (a function giving
    the bucket of a row from the unit path in `field`). Four grouped queries, whatever
    the number of members, branches and sessions."""
    figures = defaultdict(Figures)
    members = (
        Member.objects.filter(under_any(units, "unit__path"))
        .annotate(bucket=key("unit__path"))
        .values("bucket")
        .annotate(**_member_aggregates())
        .order_by()
    )
    for row in members:
        figures[row["bucket"]] = Figures.from_row(row)
    branches = (
        Unit.objects.filter(under_any(units, "path"))
        .filter(_keeps_ledger())
        .annotate(bucket=key("path"))
        .values("bucket")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in branches:
        figures[row["bucket"]].branches = row["count"]
    if batch is None:
        return figures
    readings = Reading.objects.filter(batch=batch).count()
    # A (branch, reading) pair is covered once any session of the branch took the reading.
    covered = (
        StudySession.readings.through.objects.filter(
            under_any(units, "studysession__unit__path"),
            reading__batch=batch,
        )
        .annotate(bucket=key("studysession__unit__path"))
        .values("bucket")
        .annotate(
            count=Count(
                Concat("studysession__unit_id", Value(":"), "reading_id", output_field=CharField()),
                distinct=True,
            )
        )
        .order_by()
    )
    covered = {row["bucket"]: row["count"] for row in covered}
    for bucket, figure in figures.items():
        figure.readings_uncovered = figure.branches * readings - covered.get(bucket, 0)
    return figures


@dataclass
class Rollup:
    """A unit's (or a group's) headline and one row per child, lagging first."""

    figures: Figures
    rows: list  # [(unit, Figures)]
    direct: Figures | None = None  # members kept directly by a 党总支, beside its branches


def unit_rollup(unit, batch):
    """The headline of `unit`'s subtree and a row per child unit (five queries)."""
    figures = _figures_by(lambda field: _child_key(unit, field), [unit], batch)
    rows = [(child, figures.get(str(child.pk), Figures())) for child in unit.children.all()]
    rows.sort(key=lambda row: row[1].lagging_key())
    direct = figures.get("")
    total = sum(figures.values(), Figures())
    return Rollup(figures=total, rows=rows, direct=direct if direct and direct.members else None)


def group_rollup(group, batch):
    """The headline of a supervision group's units and a row per assigned unit. A unit
    assigned inside another assigned unit is already counted in it and gets no row."""
    assigned = list(group.units.order_by("path"))
    tops = [
        u for u in assigned if not any(o.pk != u.pk and u.path.startswith(o.path) for o in assigned)
    ]
    if not tops:
        return Rollup(figures=Figures(), rows=[])
    figures = _figures_by(lambda field: _assigned_key(tops, field), tops, batch)
    rows = [(unit, figures.get(str(unit.pk), Figures())) for unit in tops]
    rows.sort(key=lambda row: row[1].lagging_key())
    return Rollup(figures=sum(figures.values(), Figures()), rows=rows)


def lagging_branches(unit, limit=20):
    """The branches of `unit`'s subtree with the lowest completion, then fewest hours:
    [(branch id, name, Figures)], one query grouping the members by their unit (a 党总支
    keeping members directly shows here beside the branches)."""
    as_float = FloatField()
    rows = (
        Member.objects.filter(unit__path__startswith=unit.path)
        .values("unit_id", "unit__name")
        .annotate(**_member_aggregates())
        .annotate(
            rate=Cast("complete", as_float) / Cast("members", as_float),
            average=Cast(Coalesce("total_hours", Value(ZERO_HOURS)), as_float)
            / Cast("members", as_float),
        )
        .order_by("rate", "average", "unit__name", "unit_id")[:limit]
    )
    return [(row["unit_id"], row["unit__name"], Figures.from_row(row)) for row in rows]


def members_with_progress(members):
    """Members annotated with their own figures (zero without a progress row), the
    fewest hours first."""
    hours = DecimalField(**HOURS_FIELD)
    zero = Value(ZERO_HOURS, output_field=hours)
    return members.annotate(
        total_hours=Coalesce("progress__total_hours", zero, output_field=hours),
        concentrated_hours=Coalesce("progress__concentrated_hours", zero, output_field=hours),
        self_study_hours=Coalesce("progress__self_study_hours", zero, output_field=hours),
        sessions_attended=Coalesce("progress__sessions_attended", 0),
        makeups_owed=Coalesce("progress__makeups_owed", 0),
        notes=Coalesce("progress__notes", 0),
        essays=Coalesce("progress__essays", 0),
        long_essays=Coalesce("progress__long_essays", 0),
        is_complete=Coalesce("progress__is_complete", Value(False), output_field=BooleanField()),
        writing_done=Coalesce(
            "progress__writing_done",
            Q(can_write=False, is_leading_cadre=False),
            output_field=BooleanField(),
        ),
    ).order_by("total_hours", "concentrated_hours", "name", "pk")


def lagging_members(unit, limit=20):
    return members_with_progress(Member.objects.under(unit).select_related("unit"))[:limit]

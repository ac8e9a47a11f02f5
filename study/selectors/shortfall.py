"""What one member still owes: the hours to 40 学时 with two thirds of them in 集中学习,
and the notes and 心得体会, each put as a secretary would tell the member.

"每位党员的学习培训的时间不能少于40个学时,集中学习的时间要占三分之二以上"; "党员领导干部
至少要写出两篇3000字以上的心得体会文章。有书写能力的党员都要作好学习笔记,……至少写出一篇
质量较高的心得体会文章". Arithmetic on the member's stored figures: no queries.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from study.models import (
    CONCENTRATED_SHARE,
    LEADING_CADRE_ESSAYS,
    LONG_ESSAY_CHARACTERS,
    REQUIRED_HOURS,
)


@dataclass(frozen=True)
class HoursShortfall:
    """The least a member still has to study to finish: `hours` in all, of which at least
    `concentrated` in 集中学习 (a session or a make-up); both rounded up to 0.1 学时."""

    hours: Decimal
    concentrated: Decimal
    total: Decimal

    @property
    def done(self) -> bool:
        return self.hours == 0

    @property
    def is_all_concentrated(self) -> bool:
        return self.concentrated > 0 and self.concentrated == self.hours

    def statement(self) -> str:
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


def _hours_text(value: Decimal) -> str:
    """12.5 → "12.5", 8.0 → "8"."""
    return f"{Decimal(value).normalize():f}"


def _ceil_tenth(value: Fraction) -> Decimal:
    return Decimal(math.ceil(value * 10)) / 10


def hours_shortfall(*, concentrated: Decimal, total: Decimal) -> HoursShortfall:
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


def writing_shortfall(
    *, is_leading_cadre: bool, can_write: bool, notes: int, essays: int, long_essays: int
) -> list[str]:
    """What a member still owes in writing, as short phrases ([] when nothing is owed).

    Mirrors study.services.progress.writing_requirement_met: members who can write owe
    notes and one 心得体会; 党员领导干部 owe besides two 心得体会 of 3000 characters or more."""
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


def writing_rule(*, is_leading_cadre: bool, can_write: bool) -> str:
    if is_leading_cadre:
        return _("党员领导干部:作好学习笔记,至少写出%(n)s篇%(chars)s字以上的心得体会文章。") % {
            "n": LEADING_CADRE_ESSAYS,
            "chars": LONG_ESSAY_CHARACTERS,
        }
    if can_write:
        return _("有书写能力的党员:作好学习笔记,至少写出一篇心得体会文章。")
    return _("无书写能力,不要求学习笔记和心得体会。")

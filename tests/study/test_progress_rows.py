"""The branch's member table, built in Python: what a secretary reads must be what the
template printed — hours as 12 or 12.5, names escaped, flags and what is still missing."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from study.selectors.shortfall import hours_shortfall
from study.templatetags.progress_rows import hours_text, member_rows


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.0"), "12"),
        (Decimal("12.5"), "12.5"),
        (0, "0"),
        (None, "0"),
        (Decimal("0.25"), "0.2"),
    ],
)
def test_hours_are_printed_as_floatformat_minus_one_prints_them(value, shown):
    assert hours_text(value) == shown


def _member(**figures):
    member = SimpleNamespace(
        pk=7,
        name="<b>王强</b>",
        is_leading_cadre=True,
        is_mobile=False,
        is_infirm=True,
        total_hours=Decimal("30.5"),
        concentrated_hours=Decimal("18.0"),
        self_study_hours=Decimal("12.5"),
        makeups_owed=2,
        notes=3,
        essays=0,
        writing_done=False,
    )
    member.__dict__.update(figures)
    member.shortfall = hours_shortfall(
        concentrated=member.concentrated_hours, total=member.total_hours
    )
    return member


def test_a_member_s_row_says_what_is_missing_with_the_name_escaped():
    html = member_rows([_member()])
    assert "&lt;b&gt;王强&lt;/b&gt;" in html and "<b>" not in html
    assert 'href="/study/members/7/"' in html
    assert "领导干部" in html and "送课" in html and "流动" not in html
    assert '<td class="text-end">30.5</td><td class="text-end">18</td>' in html
    assert '<td class="text-end text-danger">2</td>' in html
    assert "3/0" in html and "笔记心得未达要求" in html
    assert "还差 9.5 学时" in html and "其中集中学习" in html


def test_a_member_who_is_done_shows_the_badge_and_nothing_in_red():
    done = _member(
        total_hours=Decimal("40"),
        concentrated_hours=Decimal("30"),
        makeups_owed=0,
        writing_done=True,
    )
    html = member_rows([done])
    assert "已达标" in html and "还差" not in html
    assert "text-danger" not in html

"""The district's figures written as the speech writes them ("帮扶和走访慰问困难群众1267户,
占全区总户数的10%,比上年增长25%,投入资金150多万元,比上年增长25.8%"). Pure functions:
no database."""

from decimal import Decimal

import pytest

from ledgers.selectors.practice import (
    LastYear,
    PracticeSummary,
    format_about,
    format_funds,
    format_percent,
    practice_sentences,
)


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (0, "0"),
        (8, "8"),
        (10, "10"),
        (12, "10余"),
        (1240, "1240"),
        (1247, "1240余"),
        (2369, "2360余"),
    ],
)
def test_counts_of_ten_or_more_are_floored_to_the_ten_and_say_yu(count, said):
    assert format_about(count) == said


@pytest.mark.parametrize(
    ("funds", "said"),
    [
        ("153.6", "150多万元"),
        ("150", "150万元"),
        ("150.00", "150万元"),
        ("159.99", "150多万元"),
        ("10", "10万元"),
        ("10.01", "10多万元"),
        ("1234.5", "1230多万元"),
        ("9.99", "9.99万元"),
        ("8.50", "8.5万元"),
        ("8.00", "8万元"),
        ("0.35", "0.35万元"),
    ],
)
def test_funds_over_ten_wan_say_duo_below_they_are_exact(funds, said):
    assert format_funds(Decimal(funds)) == said


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("10", "10"),
        ("10.0", "10"),
        ("25.8", "25.8"),
        ("25.80", "25.8"),
        ("25.85", "25.9"),
        ("25.849", "25.8"),
        ("0.04", "0"),
        ("100", "100"),
    ],
)
def test_percentages_round_half_up_to_a_tenth_and_drop_point_zero(value, said):
    assert format_percent(Decimal(value)) == said


SPEECH_LAST_YEAR = LastYear(
    year=2004, households=1013, funds=Decimal("120"), person_times=992, deeds=1888
)


def test_the_speech_sentence_comes_out_word_for_word():
    summary = PracticeSummary(
        activities=40,
        households=1267,
        funds=Decimal("150.96"),
        person_times=1243,
        deeds=2365,
        last_year=LastYear(
            year=2004, households=1013, funds=Decimal("120"), person_times=0, deeds=0
        ),
    )
    assert practice_sentences(summary, households_total=12670) == [
        "帮扶和走访慰问困难群众1267户,占全区总户数的10%,比上年增长25.1%,"
        "投入资金150多万元,比上年增长25.8%",
        "开展干群连心活动1240余人次",
        "为民办实事2360余件(次)",
    ]


def test_growth_is_computed_for_every_figure_against_last_year():
    summary = PracticeSummary(
        households=1266,
        funds=Decimal("150.96"),
        person_times=1240,
        deeds=2360,
        last_year=SPEECH_LAST_YEAR,
    )
    assert practice_sentences(summary) == [
        "帮扶和走访慰问困难群众1266户,比上年增长25%,投入资金150多万元,比上年增长25.8%",
        "开展干群连心活动1240人次,比上年增长25%",
        "为民办实事2360件(次),比上年增长25%",
    ]


def test_a_decrease_says_jianshao():
    summary = PracticeSummary(
        households=900,
        funds=Decimal("8.5"),
        person_times=496,
        deeds=1888,
        last_year=LastYear(
            year=2004, households=1000, funds=Decimal("10"), person_times=992, deeds=1888
        ),
    )
    assert practice_sentences(summary) == [
        "帮扶和走访慰问困难群众900户,比上年减少10%,投入资金8.5万元,比上年减少15%",
        "开展干群连心活动490余人次,比上年减少50%",
        "为民办实事1880余件(次),与上年持平",
    ]


def test_a_change_that_rounds_to_zero_is_level_with_last_year():
    summary = PracticeSummary(households=10001, last_year=LastYear(year=2004, households=10000))
    assert practice_sentences(summary) == ["帮扶和走访慰问困难群众10001户,与上年持平"]


def test_without_a_baseline_nothing_is_compared():
    summary = PracticeSummary(households=1267, funds=Decimal("150"), person_times=8, deeds=3)
    assert practice_sentences(summary, households_total=12670) == [
        "帮扶和走访慰问困难群众1267户,占全区总户数的10%,投入资金150万元",
        "开展干群连心活动8人次",
        "为民办实事3件(次)",
    ]


def test_a_figure_that_was_zero_last_year_is_not_compared():
    summary = PracticeSummary(
        households=50, funds=Decimal("12"), last_year=LastYear(year=2004, funds=Decimal("10"))
    )
    assert practice_sentences(summary) == [
        "帮扶和走访慰问困难群众50户,投入资金10多万元,比上年增长20%"
    ]


@pytest.mark.parametrize("households_total", [None, 0], ids=["unknown", "zero"])
def test_without_the_districts_households_the_share_is_left_out(households_total):
    summary = PracticeSummary(households=1267)
    assert practice_sentences(summary, households_total=households_total) == [
        "帮扶和走访慰问困难群众1267户"
    ]


def test_the_share_is_rounded_to_a_tenth():
    summary = PracticeSummary(households=1)
    assert practice_sentences(summary, households_total=3) == [
        "帮扶和走访慰问困难群众1户,占全区总户数的33.3%"
    ]


def test_poor_households_are_said_in_brackets_after_the_households():
    summary = PracticeSummary(households=1267, poor_households=300)
    assert practice_sentences(summary, households_total=12670) == [
        "帮扶和走访慰问困难群众1267户(其中贫困户300户),占全区总户数的10%"
    ]


def test_funds_without_households_make_their_own_sentence():
    assert practice_sentences(PracticeSummary(funds=Decimal("0.5"))) == ["投入资金0.5万元"]


def test_nothing_done_says_nothing():
    assert practice_sentences(PracticeSummary(), households_total=12670) == []
    assert practice_sentences(PracticeSummary(last_year=SPEECH_LAST_YEAR)) == []


def test_change_is_none_without_a_baseline_and_exact_with_one():
    assert PracticeSummary(households=5).change("households") is None
    summary = PracticeSummary(funds=Decimal("150.96"), last_year=SPEECH_LAST_YEAR)
    assert summary.change("funds") == Decimal("25.8")

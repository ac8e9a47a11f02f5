"""The 二三五 paragraph's comparisons with last year, read in the PDF: each "比上年……"
follows the figure it compares and is worked out from that figure and last year's same
one, so two figures that grew differently never print the same growth."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from ledgers.models import PracticeBaseline
from ledgers.services.practice import practice_activity_record
from reports.briefing_document import briefing_html, briefing_pdf
from reports.models import Briefing
from reports.selectors.briefing import briefing_collect
from tests.conftest import require_service


@pytest.fixture
def practice(live_district):
    """This year 1267 households and 150.96 万元, 1247 人次 and 1880 件(次); last year 1013
    households (+25.1%), 120 万元 (+25.8%), 992 人次 (+25.7%) and 1880 件(次) (the same)."""
    d = live_district
    practice_activity_record(
        unit=d.school1,
        user=d.users["secretary1"],
        held_on=timezone.localdate(),
        kind="among_people",
        participants="党员",
        description="走访",
        households=1267,
        funds=Decimal("150.96"),
        person_times=1247,
        deeds=1880,
    )
    d.root.households = 12670
    d.root.save()
    PracticeBaseline.objects.create(
        batch=d.batch,
        year=2004,
        households=1013,
        funds=Decimal("120"),
        person_times=992,
        deeds=1880,
    )
    return d


def _text(d):
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")
    briefing = Briefing.objects.create(
        batch=d.batch,
        unit=d.root,
        issue_number=1,
        period_start=d.batch.starts_on,
        period_end=timezone.localdate(),
    )
    data = briefing_collect(briefing)
    pdf = briefing_pdf(briefing_html(data, briefing))
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    # Spacing is the layout's, and a page's number ("— 2 —") may fall inside a sentence.
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", done.stdout.decode()))


def test_each_comparison_is_of_its_own_figure(practice):
    text = _text(practice)
    # Households and funds grew by different shares, and each says its own.
    assert "帮扶和走访慰问困难群众1267户,占全区总户数的10%,比上年增长25.1%," in text
    assert "投入资金150多万元,比上年增长25.8%" in text
    assert "开展干群连心活动1240余人次,比上年增长25.7%" in text
    assert "为民办实事1880件(次),与上年持平" in text
    assert text.count("比上年增长25.1%") == 1


def test_a_figure_without_last_years_is_not_compared(practice):
    PracticeBaseline.objects.update(funds=Decimal("0"))
    text = _text(practice)
    assert "比上年增长25.1%" in text
    # Nothing to compare the funds with: no growth borrowed from the households.
    assert "投入资金150多万元;" in text
    assert text.count("比上年增长25.1%") == 1

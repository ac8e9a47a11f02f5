"""The note under the per-unit table ("注:加粗的单位……") says what its bold lines mean: it
stands on the page where the table ends, in the body and in the annex, wherever the text
before it happens to end the page.

Each case moves the table down a line at a time through a whole page, so one of them
ends it at a page's foot, where the note used to slip onto the next page alone. Laid out
without writing the PDF, the faces loaded once: a layout takes a fifth of a second.
"""

import re

import pytest
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from reports.briefing_document import TABLE_ROWS, briefing_html
from reports.models import Briefing
from reports.selectors.briefing import briefing_collect

NOTE = "注:加粗的单位达标率低于平均水平。"
# 225 mm of type area at the body's 28.9 pt a line, and at the table's 18 pt.
BODY_LINES = 22
TABLE_LINES = 36


@pytest.fixture(scope="module")
def faces():
    return FontConfiguration()


@pytest.fixture
def data(live_district):
    d = live_district
    briefing = Briefing.objects.create(
        batch=d.batch,
        unit=d.root,
        issue_number=1,
        period_start=d.batch.starts_on,
        period_end=d.batch.starts_on,
    )
    return briefing, briefing_collect(briefing)


def _pages(html, faces):
    """The text of each laid-out page."""

    def text(box):
        own = box.text if isinstance(getattr(box, "text", None), str) else ""
        return own + "".join(text(child) for child in getattr(box, "children", None) or [])

    document = HTML(string=html).render(font_config=faces)
    return [text(page._page_box) for page in document.pages]


def _where(pages):
    """(the page of the table's 合计 line, the page of the note)."""
    total = [n for n, page in enumerate(pages) if re.search(r"合计\s+\d", page)]
    note = [n for n, page in enumerate(pages) if NOTE in page]
    assert len(total) == 1 and len(note) == 1
    return total[0], note[0]


def test_the_note_stays_with_the_table_in_the_body(data, faces):
    briefing, data = data
    assert len(data["rows"]) <= TABLE_ROWS
    progress = list(data["sections"]["progress"])
    pages_seen = set()
    for lines in range(BODY_LINES + 1):
        # One line of the body more each time, before the table.
        data["sections"]["progress"] = progress + ["另据统计,各单位均已报送。"] * lines
        total, note = _where(_pages(briefing_html(data, briefing), faces))
        assert note == total, f"the note left the table with {lines} more lines before it"
        pages_seen.add(total)
    assert len(pages_seen) > 1, "the table never crossed a page: the case proves nothing"


def test_the_note_stays_with_the_table_in_the_annex(data, faces):
    briefing, data = data
    row = data["rows"][0]
    pages_seen = set()
    for extra in range(TABLE_LINES + 1):
        # The annex runs on one unit's line longer each time.
        count = TABLE_ROWS + 1 + extra
        data["rows"] = [{**row, "name": f"第{n}党支部"} for n in range(1, count + 1)]
        pages = _pages(briefing_html(data, briefing), faces)
        assert any(page.lstrip().startswith("附件") for page in pages)
        total, note = _where(pages)
        assert note == total, f"the note left the annex's table at {count} units"
        pages_seen.add(total)
    assert len(pages_seen) > 1, "the annex never grew by a page: the case proves nothing"

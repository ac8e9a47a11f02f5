"""One way to write a date for people (common.dates): 2005年3月1日, 2005年3月1日 14:30 in
Beijing time; ISO dates stored by corrections read the same way."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

from common.dates import day_text, day_time_text, shown_value
from study.models import SessionKind, StudySession

UTC = zoneinfo.ZoneInfo("UTC")


def test_a_day_is_written_without_leading_zeros():
    assert day_text(datetime.date(2026, 1, 5)) == "2026年1月5日"


def test_a_moment_is_written_in_beijing_time():
    # 16:30 UTC on 4 January is half past midnight on the 5th in Shanghai.
    moment = datetime.datetime(2026, 1, 4, 16, 30, tzinfo=UTC)
    assert day_text(moment) == "2026年1月5日"
    assert day_time_text(moment) == "2026年1月5日 00:30"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("2005-03-01", "2005年3月1日"), ("450", "450"), ("已整改", "已整改"), ("", "")],
    ids=["iso date", "number", "text", "nothing"],
)
def test_a_stored_value_is_shown_as_people_read_it(stored, shown):
    assert shown_value(stored) == shown


def test_the_template_filters_write_the_same():
    page = Template("{% load days %}{{ d|day }}|{{ t|day_time }}|{{ s|shown }}|{{ n|day }}").render(
        Context(
            {
                "d": datetime.date(2005, 3, 1),
                "t": datetime.datetime(2005, 3, 1, 6, 5, tzinfo=UTC),
                "s": "2005-03-10",
                "n": None,
            }
        )
    )
    assert page == "2005年3月1日|2005年3月1日 14:05|2005年3月10日|"


def test_no_page_writes_a_date_another_way():
    """Templates write dates through `day`/`day_time`; Django's `date` filter is left for a
    bare time of day, so no page goes back to 2005-03-01 or 03-01."""
    others = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            for found in re.findall(r"""\|date:(["'])(.*?)\1""", line):
                if found[1] != "H:i":
                    others.append(f"{template.name}:{number} {found[1]}")
    assert others == []


def test_a_records_name_gives_its_day_in_beijing_time():
    """The admin and the choice lists name a session by its day, as pages do — the day in
    Shanghai, not in UTC."""
    session = StudySession(
        starts_at=datetime.datetime(2026, 1, 4, 16, 30, tzinfo=UTC),
        kind=SessionKind.STUDY,
        title="学习《党章》",
    )
    assert str(session) == "2026年1月5日 集中学习 学习《党章》"

"""The per-unit table as the briefing sets it, a line of text per unit: its columns stand
where the heads say whatever the names, a long name wraps under itself, the lagging units
are bold and the names are escaped. No database: briefing_unit_table is a pure function.
Widths are in half-width characters (_width)."""

import re
from decimal import Decimal

from reports.briefing_document import TABLE_GROUP, TABLE_WIDTH, _width, briefing_unit_table


def _row(name, rate, lagging=False, members=12, hours="27.5"):
    return {
        "pk": 1,
        "name": name,
        "members": members,
        "completion_rate": None if rate is None else Decimal(rate),
        "average_hours": None if hours is None else Decimal(hours),
        "makeups_owed": 3,
        "no_participation": 0,
        "readings_uncovered": 14,
        "lagging": lagging,
    }


TOTAL = _row("", "16.7", members=1234)


def _table(rows):
    return briefing_unit_table({"rows": rows, "figures": TOTAL})


def _lines(table):
    """The units' lines as printed, without the <b> of the lagging ones."""
    text = "\n".join(group["text"] for group in table["groups"])
    return re.sub(r"</?b>", "", text).split("\n")


def test_every_line_is_as_wide_as_the_type_area_and_the_figures_stand_under_their_heads():
    rows = [
        _row("区卫生党委", "0.0", lagging=True),
        _row("区文化体育广播电视局党组", "8.8", lagging=True),
        _row("第12党支部(ABC)", "100.0", members=12345),
        _row("新建党支部", None, members=0, hours=None),
    ]
    table = _table(rows)
    lines = _lines(table)
    head = table["head"].split("\n")
    total = table["total"]
    assert {_width(line) for line in [*lines, *head, total]} == {TABLE_WIDTH}
    # Right-aligned: each figure ends where its head ends.
    last_head = head[-1]
    for heading, figure in [("(名)", "12345"), ("达标率", "100%"), ("(篇次)", "14")]:
        end = _width(last_head[: last_head.index(heading) + len(heading)])
        line = lines[2]
        assert _width(line[: line.index(figure) + len(figure)]) == end
    assert lines[0].split() == ["1", "区卫生党委", "12", "0%", "27.5", "3", "0", "14"]
    assert lines[3].split() == ["4", "新建党支部", "0", "—", "—", "3", "0", "14"]
    assert total.split() == ["合计", "1234", "16.7%", "27.5", "3", "0", "14"]


def test_a_name_too_long_for_its_column_goes_on_under_itself():
    long_name = "区人事劳动和社会保障局机关第一党支部" * 2
    lines = _lines(_table([_row(long_name, "50.0")]))
    assert len(lines) == 3
    assert "".join(line.split()[1] if i == 0 else line.strip() for i, line in enumerate(lines)) == (
        long_name
    )
    assert lines[0].split()[-6:] == ["12", "50%", "27.5", "3", "0", "14"]
    # The rest of the name under the name, not under the 序号.
    indent = lines[1][: len(lines[1]) - len(lines[1].lstrip())]
    assert _width(indent) == _width(lines[0][: lines[0].index("区")])


def test_lagging_units_are_bold_by_group_where_they_can_be():
    rows = [_row(f"第{index}党支部", f"{index}.0", lagging=index < 7) for index in range(12)]
    groups = _table(rows)["groups"]
    assert [len(group["text"].split("\n")) for group in groups] == [TABLE_GROUP, TABLE_GROUP, 2]
    assert [group["lagging"] for group in groups] == [True, False, False]
    assert "<b>" not in groups[0]["text"]
    # The group where they end: its two lagging lines bold, the rest not.
    assert groups[1]["text"].count("<b>") == 2
    assert re.sub(r"</?b>", "", groups[1]["text"]).split("\n")[2].split()[0] == "8"
    assert "<b>" not in groups[2]["text"]


def test_names_are_escaped():
    groups = _table([_row('<党委 & "支部">', "10.0", lagging=True)])["groups"]
    assert "&lt;党委 &amp; &quot;支部&quot;&gt;" in groups[0]["text"]
    assert "<党委" not in groups[0]["text"]

"""The server-side SVG charts: valid standalone SVG, in the CJK faces, with every label and
figure in them, bars to scale, and nothing that runs. The briefing's print charts: the
same bars in an SVG without text, their words on the grid of lines over them, each where
its bar is."""

import html
import re
import unicodedata
from decimal import Decimal
from xml.etree import ElementTree

from reports.charts import (
    GRID_BAR,
    GRID_COLUMN,
    GRID_COLUMNS,
    GRID_LINE,
    GRID_SWATCH,
    bar_chart,
    grid_width,
    print_bar_chart,
    print_stage_chart,
    stage_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg):
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root):
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _bars(root):
    return list(root.iter(f"{SVG}rect"))


RATES = [
    ("城关镇党委", Decimal("0.0")),
    ("区卫生党委", Decimal("25.5")),
    ("区教育党委", Decimal("50")),
    ("区文化体育广播电视局党组", Decimal("100.0")),
]


def test_a_bar_chart_is_standalone_svg_with_labels_and_figures():
    root = _parse(bar_chart(RATES, title="各单位40学时达标率", unit_label="%", max_value=100))
    assert root.get("font-family").startswith("'Noto Sans CJK SC'")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    texts = _texts(root)
    assert texts[0] == "各单位40学时达标率"
    for label in ("城关镇党委", "区卫生党委", "区教育党委", "区文化体育广播电视局党组"):
        assert label in texts
    assert {"0%", "25.5%", "50%", "100%"} <= set(texts)
    assert root.find(f"{SVG}title").text == "各单位40学时达标率"
    assert not list(root.iter(f"{SVG}script"))


def test_bars_are_to_scale():
    root = _parse(bar_chart(RATES, title="达标率", unit_label="%", max_value=100))
    widths = [float(bar.get("width")) for bar in _bars(root)]
    assert widths[0] == 0
    assert widths[2] * 2 == widths[3]
    assert abs(widths[1] / widths[3] - 0.255) < 0.001


def test_without_a_maximum_the_largest_value_fills_the_scale():
    root = _parse(bar_chart([("甲", 3), ("乙", 6)], title="人均学时", unit_label="学时"))
    first, second = (float(bar.get("width")) for bar in _bars(root))
    assert second == 2 * first
    assert "6学时" in _texts(root)


def test_a_reference_line_marks_the_average_and_bars_below_it_are_red():
    root = _parse(
        bar_chart(
            RATES,
            title="达标率",
            unit_label="%",
            max_value=100,
            reference=Decimal("43.9"),
            reference_label="平均",
        )
    )
    assert "平均43.9%" in _texts(root)
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    colours = [bar.get("fill") for bar in _bars(root)]
    assert colours[0] == colours[1] != colours[2] == colours[3]


def test_a_unit_without_figures_shows_a_dash_and_no_bar():
    root = _parse(bar_chart([("新建党支部", None), ("甲", 10)], title="t", unit_label="%"))
    assert "—" in _texts(root)
    assert len(_bars(root)) == 1


def test_labels_are_escaped():
    root = _parse(bar_chart([('<党委 & "支部">', 5)], title="A & B < C", unit_label="%"))
    assert '<党委 & "支部">' in _texts(root)
    assert root.get("aria-label") == "A & B < C"


def test_an_empty_chart_is_still_valid():
    _parse(bar_chart([], title="无数据", unit_label="%"))
    _parse(stage_chart([], title="无数据", stages=[]))


STAGES = ["学习动员", "分析评议", "整改提高", "已完成"]


def test_a_stage_chart_stacks_units_per_stage_with_a_legend_and_totals():
    rows = [("区教育党委", [6, 2, 0, 1]), ("城关镇党委", [8, 0, 0, 0])]
    root = _parse(stage_chart(rows, title="各单位党支部所处阶段", stages=STAGES))
    assert "Noto Sans CJK SC" in root.get("font-family")
    texts = _texts(root)
    for word in [*STAGES, "区教育党委", "城关镇党委", "9", "8", "6", "2", "1"]:
        assert word in texts
    # Four legend swatches, then the segments: zeros are not drawn.
    segments = _bars(root)[len(STAGES) :]
    assert len(segments) == 4
    widths = [float(segment.get("width")) for segment in segments]
    # Both rows on one scale: 区教育党委's 9 against 城关镇党委's 8.
    assert abs(sum(widths[:3]) / widths[3] - 9 / 8) < 0.001
    colours = [segment.get("fill") for segment in segments]
    assert colours[0] == colours[3] and len(set(colours[:3])) == 3
    assert not list(root.iter(f"{SVG}script"))


# Nothing overlaps ------------------------------------------------------------------------

LONG_NAMES = [
    "区文化体育广播电视新闻出版局机关党委第一党支部",
    "区文化体育广播电视新闻出版局机关党委第二党支部",
    "城关镇东街社区居民委员会第三网格流动党员党支部",
    "区人民医院内科门诊部党支部(含离退休党员)",
    "ABC Logistics 有限公司联合党支部 2005",
]


def _box(element, default_size):
    """The box a text's glyphs take, as wide as the chart estimates text (a CJK or
    ambiguous character one em, others about half), from just under the baseline to
    nearly an em above it."""
    size = float(element.get("font-size", default_size))
    text = "".join(element.itertext())
    width = sum(
        size if unicodedata.east_asian_width(char) in "WFA" else size * 0.55 for char in text
    )
    x, y = float(element.get("x")), float(element.get("y"))
    left = {"end": x - width, "middle": x - width / 2}.get(element.get("text-anchor"), x)
    return text, (left, y - size * 0.88, left + width, y + size * 0.12)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, b):
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def assert_nothing_overlaps(svg):
    """No two texts overlap, every text is inside the chart, and a text on a bar sits
    wholly inside it (a stage's count on its segment); otherwise texts keep off the bars."""
    root = _parse(svg)
    chart = (0, 0, float(root.get("width")), float(root.get("height")))
    size = float(root.get("font-size"))
    texts = [_box(element, size) for element in root.iter(f"{SVG}text")]
    bars = [
        (
            float(rect.get("x")),
            float(rect.get("y")),
            float(rect.get("x")) + float(rect.get("width")),
            float(rect.get("y")) + float(rect.get("height")),
        )
        for rect in _bars(root)
    ]
    for index, (text, box) in enumerate(texts):
        assert _inside(box, chart), f"{text!r} runs out of the chart"
        for other, other_box in texts[index + 1 :]:
            assert not _overlap(box, other_box), f"{text!r} overlaps {other!r}"
        for bar in bars:
            if _overlap(box, bar):
                assert _inside(box, bar), f"{text!r} runs over a bar"
    return root


def test_long_unit_names_are_cut_to_the_label_column_and_overlap_nothing():
    rates = ["0", "12.5", "99.5", "100", "37"]
    rows = [(name, Decimal(rate)) for name, rate in zip(LONG_NAMES, rates, strict=True)]
    root = assert_nothing_overlaps(
        bar_chart(
            rows,
            title="各单位40学时达标率(达标率最低的20个单位)",
            unit_label="%",
            max_value=100,
            reference=Decimal("49.8"),
            reference_label="平均",
        )
    )
    labels = [text for text in _texts(root) if text.endswith("…")]
    assert len(labels) == len(LONG_NAMES)
    # Cut, not replaced: each still starts as the unit's name does, and they stay apart.
    assert labels[0].startswith("区文化体育广播电视新闻")
    assert labels[0] != labels[2]
    axis = next(line for line in root.iter(f"{SVG}line") if not line.get("stroke-dasharray"))
    assert float(axis.get("x1")) <= float(root.get("width")) * 0.4


def test_short_names_are_not_cut():
    root = assert_nothing_overlaps(bar_chart(RATES, title="达标率", unit_label="%", max_value=100))
    assert "区文化体育广播电视局党组" in _texts(root)
    assert not [text for text in _texts(root) if "…" in text]


def test_a_stage_chart_of_long_names_overlaps_nothing():
    rows = [(name, [n, 3, 1, n % 4]) for n, name in enumerate(LONG_NAMES, start=1)]
    root = assert_nothing_overlaps(stage_chart(rows, title="各单位党支部所处阶段", stages=STAGES))
    assert len([text for text in _texts(root) if text.endswith("…")]) == len(LONG_NAMES)


# For the PDF: shapes in an SVG, words on the grid over them ---------------------------


def _print_parts(chart):
    """(title, the SVG's root, the text's lines as printed, their pieces as
    [(first column, text, class)] each): columns are half-width characters."""
    title = html.unescape(re.search(r'<p class="chart-title">(.*?)</p>', chart).group(1))
    root = _parse(re.search(r"<svg.*</svg>", chart).group(0))
    text = re.search(r'<div class="chart-text">(.*?)</div>', chart, re.S).group(1)
    lines, pieces = [], []
    for line in text.split("\n"):
        printed, found = "", []
        for match in re.finditer(r'<span class="(\w+)">(.*?)</span>|([^<]+)', line):
            css, inked, plain = match.groups()
            words = html.unescape(inked if css else plain)
            for word in re.finditer(r"\S+", words):
                found.append((grid_width(printed + words[: word.start()]), word.group(), css))
            printed += words
        lines.append(printed)
        pieces.append(found)
    return title, root, lines, pieces


def _print_bars(root):
    """Each bar as (row, left column, right column): where it stands on the text's grid."""
    return [
        (
            int(float(rect.get("y")) // GRID_LINE),
            float(rect.get("x")) / GRID_COLUMN,
            (float(rect.get("x")) + float(rect.get("width"))) / GRID_COLUMN,
        )
        for rect in _bars(root)
        if float(rect.get("height")) == GRID_BAR
    ]


def test_a_print_chart_draws_shapes_only_and_sets_its_words_a_row_a_line():
    chart = print_bar_chart(
        RATES,
        title="各单位40学时达标率",
        unit_label="%",
        max_value=100,
        reference=Decimal("43.9"),
        reference_label="平均",
    )
    title, root, lines, pieces = _print_parts(chart)
    assert title == "各单位40学时达标率"
    # No text in the SVG: WeasyPrint would set it a glyph at a time.
    assert not list(root.iter(f"{SVG}text")) and "<script" not in chart
    assert float(root.get("viewBox").split()[3]) == len(lines) * GRID_LINE
    assert lines[0].strip() == "平均43.9%"
    assert [line.split() for line in lines[1:]] == [
        ["城关镇党委", "0%"],
        ["区卫生党委", "25.5%"],
        ["区教育党委", "50%"],
        ["区文化体育广播电视局党组", "100%"],
    ]
    assert all(grid_width(line) <= GRID_COLUMNS for line in lines)
    # The labels end a space before the axis, and each bar is on its label's line.
    axis = float(
        next(line for line in root.iter(f"{SVG}line") if not line.get("stroke-dasharray")).get("x1")
    )
    for label, _figure in pieces[1:]:
        assert label[0] + grid_width(label[1]) == axis / GRID_COLUMN - 1
    bars = _print_bars(root)
    assert [row for row, _left, _right in bars] == [1, 2, 3, 4]
    # To scale, and each figure half a column to a column and a half after its bar.
    lengths = [right - left for _row, left, right in bars]
    assert lengths[0] == 0 and abs(lengths[2] * 2 - lengths[3]) < 0.01
    assert abs(lengths[1] / lengths[3] - 0.255) < 0.001
    for (row, _left, right), line in zip(bars, pieces[1:], strict=True):
        figure = line[1][0]
        assert right + 0.5 <= figure < right + 1.5, (row, right, figure)
    # Below the average, red; the dashed line at the average, its caption starting there.
    colours = [rect.get("fill") for rect in _bars(root)]
    assert colours[0] == colours[1] != colours[2] == colours[3]
    dashed = next(line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray"))
    assert abs(float(dashed.get("x1")) / GRID_COLUMN - pieces[0][0][0]) <= 0.5
    assert pieces[0][0][2] == "note"


def test_a_print_chart_shows_a_dash_for_a_unit_without_figures():
    _title, root, lines, _pieces = _print_parts(
        print_bar_chart([("新建党支部", None), ("甲", 10)], title="t", unit_label="%")
    )
    assert [line.split() for line in lines] == [["新建党支部", "—"], ["甲", "10%"]]
    assert [row for row, _left, _right in _print_bars(root)] == [1]


def test_a_print_chart_cuts_long_names_to_its_label_column_and_escapes_them():
    rows = [
        (name, Decimal(rate))
        for name, rate in zip(LONG_NAMES, ["0", "12.5", "99.5", "100", "37"], strict=True)
    ]
    rows.append(('<党委 & "支部">', Decimal(5)))
    chart = print_bar_chart(rows, title="A & B < C", unit_label="%", max_value=100)
    assert '<党委 & "支部">' not in chart and "&lt;党委 &amp;" in chart
    title, root, lines, _pieces = _print_parts(chart)
    assert title == "A & B < C"
    # The label column: at most two fifths of the line, a space before the axis.
    axis = float(next(root.iter(f"{SVG}line")).get("x1")) / GRID_COLUMN
    assert axis <= GRID_COLUMNS * 0.4
    labels = [_before(line, axis - 1) for line in lines]
    assert all(label.endswith("…") for label in labels[:-1]) and labels[-1] == '<党委 & "支部">'
    assert labels[0].startswith("区文化体育广播电视新闻") and labels[0] != labels[2]
    assert labels[4].startswith("ABC Logistics ")
    assert all(grid_width(line) <= GRID_COLUMNS for line in lines)
    assert len(_print_bars(root)) == len(rows)


def _before(line, column):
    """The words of `line` left of `column` (in half-width characters)."""
    text = ""
    for char in line:
        if grid_width(text + char) > column:
            break
        text += char
    return text.strip()


def test_a_print_stage_chart_stacks_the_stages_with_a_legend_counts_and_totals():
    rows = [
        ("区教育党委", [6, 2, 0, 1]),
        ("城关镇党委", [8, 0, 0, 0]),
        ("区卫生党委", [0, 0, 0, 0]),
    ]
    title, root, lines, pieces = _print_parts(
        print_stage_chart(rows, title="各单位党支部所处阶段", stages=STAGES)
    )
    assert title == "各单位党支部所处阶段" and not list(root.iter(f"{SVG}text"))
    assert lines[0].split() == STAGES
    # A swatch before each stage's name, in its segments' colour.
    swatches = [rect for rect in _bars(root) if float(rect.get("height")) == GRID_SWATCH]
    assert len(swatches) == len(STAGES)
    for swatch, (column, _name, _css) in zip(swatches, pieces[0], strict=True):
        assert float(swatch.get("x")) / GRID_COLUMN + 3 == column
    # Zeros are not drawn; both rows on one scale: 区教育党委's 9 against 城关镇党委's 8.
    segments = _print_bars(root)
    assert [row for row, _left, _right in segments] == [1, 1, 1, 2]
    first, second, fourth, whole = (right - left for _row, left, right in segments)
    assert abs((first + second + fourth) / whole - 9 / 8) < 0.001
    assert segments[0][2] == segments[1][1] and segments[1][2] == segments[2][1]
    colours = [rect.get("fill") for rect in _bars(root)]
    assert colours[len(STAGES)] == swatches[0].get("fill")
    assert colours[len(STAGES) + 1] == swatches[1].get("fill")
    # Each count stands on its segment, white on the dark ones; the total after the bar.
    words = [(word, column, css) for column, word, css in pieces[1]]
    assert [word for word, _column, _css in words] == ["区教育党委", "6", "2", "1", "9"]
    for (word, column, _css), (_row, left, right) in zip(words[1:4], segments[:3], strict=True):
        assert left <= column and column + grid_width(word) <= right
    assert [css for _word, _column, css in words[1:]] == [None, "ink", "ink", None]
    assert words[4][1] >= segments[2][2] + 0.5
    assert lines[2].split() == ["城关镇党委", "8", "8"]
    assert lines[3].split() == ["区卫生党委", "0"]
    assert all(grid_width(line) <= GRID_COLUMNS for line in lines)


def test_an_empty_print_chart_still_parses():
    for chart in (
        print_bar_chart([], title="无数据", unit_label="%"),
        print_stage_chart([], title="无数据", stages=[]),
    ):
        _print_parts(chart)

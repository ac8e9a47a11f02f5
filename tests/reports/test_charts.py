"""The server-side SVG charts: valid standalone SVG, in the CJK faces, with every label and
figure in them, bars to scale, and nothing that runs."""

from decimal import Decimal
from xml.etree import ElementTree

from reports.charts import bar_chart, stage_chart

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

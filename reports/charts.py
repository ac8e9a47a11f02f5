"""Charts drawn on the server as SVG, for the dashboards and the PDF briefings (简报).

Pure functions of the figures: no JavaScript and nothing fetched, so a chart shows the
same on an intranet page, printed, and in WeasyPrint. Each returns a standalone SVG
document (escaped here, hence marked safe) whose text is in the CJK faces the briefing
uses, so that Chinese labels render wherever the PDF's body does.
"""

import math
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'Source Han Sans SC', sans-serif"
FONT_SIZE = 12
# The title stands out by its size, not in bold: a bold 黑体 would be one more face for
# the briefing's PDF to load and embed (tens of megabytes read, some 40 ms), for a line.
TITLE_SIZE = 14
BAR_COLOUR = "#4a7fb5"
LOW_BAR_COLOUR = "#c0392b"
# Stages from light to dark, then done in green and not started in grey: tells apart
# in print and in grey scale.
STAGE_COLOURS = ("#9ecae1", "#4292c6", "#08519c", "#2f8f46", "#bdbdbd")
# The stages whose colour is dark enough that a count on it is set in white.
DARK_STAGES = (1, 2, 3)
TEXT_COLOUR = "#222"
# The labels' column takes at most this share of the chart's width; a label ends this
# far left of the plot.
LABEL_SHARE = 0.4
LABEL_GAP = 6
ELLIPSIS = "…"

# A figure as the selectors hand it over: a count, hours or a rate.
Number = Decimal | int | float


def _number(value: Number) -> str:
    """Decimal("45.0") → "45", Decimal("45.50") → "45.5", 7 → "7"."""
    return f"{Decimal(value).normalize():f}"


def _text_width(text: object, size: float = FONT_SIZE) -> float:
    """Approximate width of a label: a CJK character is one em, anything else about half.
    The ambiguous ones ("…", "—", "“") count a whole em: the CJK faces draw them so."""
    return sum(
        size if unicodedata.east_asian_width(char) in "WFA" else size * 0.55 for char in str(text)
    )


def _fit(text: str, room: float, width: Callable[[str], float] = _text_width) -> str:
    """`text`, or as much of it as fits in `room` (as `width` measures) followed by "…": a
    long unit name stays in the label column instead of running out of the chart."""
    if width(text) <= room:
        return text
    while text and width(text + ELLIPSIS) > room:
        text = text[:-1]
    return text + ELLIPSIS


def _labels(labels: list[str], width: float) -> tuple[float, list[str]]:
    """The label column's width (as wide as the longest label, at most LABEL_SHARE of the
    chart) and the labels cut to fit it. A label ends LABEL_GAP before the plot."""
    widest = max((_text_width(label) for label in labels), default=0)
    column = min(widest + LABEL_GAP + 2, width * LABEL_SHARE)
    return column, [_fit(label, column - LABEL_GAP - 2) for label in labels]


def _svg(width: float, height: float, title: str, body: list[str], font_family: str) -> SafeString:
    label = quoteattr(title)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label={label} '
        f'font-family={quoteattr(font_family)} font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f"<title>{escape(title)}</title>"
        f'<text x="0" y="{TITLE_SIZE + 2}" font-size="{TITLE_SIZE}">'
        f"{escape(title)}</text>"
        f"{''.join(body)}</svg>"
    )


def _scale_end(
    rows: list[tuple[str, Number | None]], max_value: Number | None, reference: Number | None
) -> Decimal:
    """Where a bar chart's scale ends: `max_value`, else the largest value; never short of
    the reference line, never zero."""
    values = [Decimal(value) for _label, value in rows if value is not None]
    top = Decimal(max_value) if max_value is not None else max(values, default=Decimal(0))
    if reference is not None:
        top = max(top, Decimal(reference))
    return top or Decimal(1)


def _bar_colour(value: Number, reference: Number | None) -> str:
    """Red below the reference line (the units that pull the figure down), else blue."""
    if reference is not None and Decimal(value) < Decimal(reference):
        return LOW_BAR_COLOUR
    return BAR_COLOUR


def _label_text(label: str, column: float, middle: float) -> str:
    return (
        f'<text x="{column - LABEL_GAP:.1f}" y="{middle:.1f}" text-anchor="end">'
        f"{escape(label)}</text>"
    )


def bar_chart(
    rows: Iterable[tuple[object, Number | None]],
    *,
    title: str,
    unit_label: str,
    max_value: Number | None = None,
    reference: Number | None = None,
    reference_label: str = "",
    width: float = 600,
    bar_height: float = 18,
    gap: float = 6,
    font_family: str = FONT_FAMILY,
) -> SafeString:
    """Horizontal bars, one per (label, value) row, in the order given (e.g. 40学时达标率
    by unit, the lagging first). A value of None is drawn as "—" (no members, say).

    `unit_label` follows each value ("%", "学时"); `max_value` is the end of the scale
    (100 for a rate; the largest value when None). `reference` draws a dashed line at
    that value, labelled `reference_label` (the district's own rate, say), and bars below
    it are drawn in red: the units that pull the figure down.
    """
    rows = [(str(label), value) for label, value in rows]
    top = _scale_end(rows, max_value, reference)

    label_width, labels = _labels([label for label, _value in rows], width)
    # The widest figure, not the scale's end: "99.5%" is wider than "100%".
    value_width = (
        max(
            _text_width(f"{_number(value)}{unit_label}")
            for value in [top, *(v for _label, v in rows if v is not None)]
        )
        + 8
    )
    plot_left = label_width
    plot_width = max(width - label_width - value_width, 10)
    first_bar = TITLE_SIZE + 14 + (FONT_SIZE + 4 if reference is not None else 0)
    height = first_bar + len(rows) * (bar_height + gap) + 4

    body = []
    bottom = first_bar + len(rows) * (bar_height + gap) - gap / 2
    # The reference line first, so that the bars and their figures are drawn over it.
    if reference is not None:
        x = plot_left + float(Decimal(reference) / top) * plot_width
        caption = f"{reference_label}{_number(reference)}{unit_label}"
        body.append(
            f'<line x1="{x:.1f}" y1="{first_bar - 3}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>'
        )
        anchor = "end" if x > plot_left + plot_width / 2 else "start"
        body.append(
            f'<text x="{x:.1f}" y="{first_bar - 6}" text-anchor="{anchor}" fill="#555">'
            f"{escape(caption)}</text>"
        )
    for index, ((_label, value), label) in enumerate(zip(rows, labels, strict=True)):
        y = first_bar + index * (bar_height + gap)
        middle = y + bar_height / 2 + FONT_SIZE * 0.35
        body.append(_label_text(label, label_width, middle))
        if value is None:
            body.append(f'<text x="{plot_left + 4:.1f}" y="{middle:.1f}">—</text>')
            continue
        length = float(Decimal(value) / top) * plot_width
        colour = _bar_colour(value, reference)
        body.append(
            f'<rect x="{plot_left:.1f}" y="{y:.1f}" width="{length:.1f}" '
            f'height="{bar_height}" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{plot_left + length + 4:.1f}" y="{middle:.1f}">'
            f"{escape(_number(value))}{escape(unit_label)}</text>"
        )
    # The axis.
    body.append(
        f'<line x1="{plot_left:.1f}" y1="{first_bar - 3}" x2="{plot_left:.1f}" '
        f'y2="{bottom:.1f}" stroke="#555" stroke-width="1"/>'
    )
    return _svg(width, height, title, body, font_family)


def stage_chart(
    rows: Iterable[tuple[object, Iterable[int]]],
    *,
    title: str,
    stages: Iterable[object],
    width: float = 600,
    bar_height: float = 18,
    gap: float = 6,
    font_family: str = FONT_FAMILY,
) -> SafeString:
    """How many units stand in each stage: one stacked horizontal bar per row.

    `stages` names the segments in order (e.g. 学习动员, 分析评议, 整改提高, 已完成);
    `rows` is [(label, [count per stage])], e.g. one row per 党委 with the number of its
    branches in each stage. A legend names the segments; each segment wide enough shows
    its count, and the row's total follows the bar.
    """
    stages = [str(stage) for stage in stages]
    rows = [(str(label), [int(count) for count in counts]) for label, counts in rows]
    biggest = max((sum(counts) for _label, counts in rows), default=0) or 1

    label_width, labels = _labels([label for label, _counts in rows], width)
    total_width = _text_width(str(biggest)) + 10
    plot_left = label_width
    plot_width = max(width - label_width - total_width, 10)

    body = []
    # Legend: one swatch and name per stage, in a row under the title.
    legend_y = TITLE_SIZE + 10
    x = 0.0
    for index, stage in enumerate(stages):
        colour = STAGE_COLOURS[index % len(STAGE_COLOURS)]
        body.append(
            f'<rect x="{x:.1f}" y="{legend_y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16:.1f}" y="{legend_y + 10.5}">{escape(stage)}</text>'
        )
        x += 16 + _text_width(stage) + 14

    first_bar = legend_y + 24
    height = first_bar + len(rows) * (bar_height + gap) + 4
    scale = plot_width / biggest
    for row_index, ((_label, counts), label) in enumerate(zip(rows, labels, strict=True)):
        y = first_bar + row_index * (bar_height + gap)
        middle = y + bar_height / 2 + FONT_SIZE * 0.35
        body.append(_label_text(label, label_width, middle))
        x = plot_left
        for index, count in enumerate(counts):
            if not count:
                continue
            length = count * scale
            colour = STAGE_COLOURS[index % len(STAGE_COLOURS)]
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_height}" '
                f'fill="{colour}"><title>{escape(stages[index])} {count}</title></rect>'
            )
            if length >= _text_width(str(count)) + 4:
                ink = "#fff" if index in DARK_STAGES else TEXT_COLOUR
                body.append(
                    f'<text x="{x + length / 2:.1f}" y="{middle:.1f}" text-anchor="middle" '
                    f'fill="{ink}">{count}</text>'
                )
            x += length
        body.append(f'<text x="{x + 4:.1f}" y="{middle:.1f}">{sum(counts)}</text>')
    return _svg(width, height, title, body, font_family)


# For the PDF ------------------------------------------------------------------------------
#
# WeasyPrint sets an SVG's text a glyph at a time, each glyph a layout of its own: the two
# charts' few hundred characters cost a 简报 as much as two pages of its prose. The print
# charts draw their shapes in an SVG without text, and set every word over it as lines of
# HTML text on the type's grid: a row of the chart is one line of text, which WeasyPrint
# lays out as cheaply as a line of the body. Columns are half-width characters at 五号, as
# in the briefing's per-unit table ("hwid" sets figures and spaces half a character wide).

# Half-width characters across the 156 mm type area at 10.5 pt.
GRID_COLUMNS = 84
# One of them, in points; the SVG's user unit is the point.
GRID_COLUMN = 5.25
# A row of the chart: the line's height, and the bar within it.
GRID_LINE = 18
GRID_BAR = 11
GRID_SWATCH = 8
# A class of the chart's text (document.html): figures set on a dark segment, and notes.
INK_ON_DARK = "ink"
NOTE = "note"


def grid_width(text: object) -> int:
    """In half-width characters. The ambiguous ones ("—", "…", "“", "①") count two: the CJK
    faces draw them as wide as a Chinese character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in str(text))


def _grid_labels(labels: list[str]) -> tuple[int, list[str]]:
    """The label column in half-width characters, a space before the plot included (at
    most LABEL_SHARE of the line), and the labels cut to fit it."""
    widest = max((grid_width(label) for label in labels), default=0)
    column = min(widest + 1, int(GRID_COLUMNS * LABEL_SHARE))
    return column, [_fit(label, column - 1, grid_width) for label in labels]


def _grid_line(pieces: list[tuple[int, str, str]]) -> str:
    """One line of the chart's text: each (column, text, class) set from its column, or just
    after the piece before it should they meet; escaped."""
    line, at = [], 0
    for column, text, css in sorted(pieces, key=lambda piece: piece[0]):
        column = max(column, at)
        words = escape(text)
        line.append(" " * (column - at) + (f'<span class="{css}">{words}</span>' if css else words))
        at = column + grid_width(text)
    return "".join(line)


def _after(x: float) -> int:
    """The first column at least half a column right of `x` points."""
    return math.ceil(x / GRID_COLUMN + 0.5)


def _bar(x: float, row: int, length: float, colour: str) -> str:
    y = row * GRID_LINE + (GRID_LINE - GRID_BAR) / 2
    return (
        f'<rect x="{x:.2f}" y="{y:.2f}" width="{length:.2f}" height="{GRID_BAR}" fill="{colour}"/>'
    )


def _print_chart(title: str, lines: list[str], shapes: list[str]) -> SafeString:
    width, height = GRID_COLUMNS * GRID_COLUMN, len(lines) * GRID_LINE
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'style="width:{width:g}pt;height:{height:g}pt" aria-hidden="true">{"".join(shapes)}</svg>'
    )
    text = "\n".join(lines)
    return mark_safe(
        f'<p class="chart-title">{escape(title)}</p>'
        f'<div class="chart-plot">{svg}<div class="chart-text">{text}</div></div>'
    )


def print_bar_chart(
    rows: Iterable[tuple[object, Number | None]],
    *,
    title: str,
    unit_label: str,
    max_value: Number | None = None,
    reference: Number | None = None,
    reference_label: str = "",
) -> SafeString:
    """bar_chart for the PDF (the same arguments, drawn the same way): its title, then a line
    per row, the label set right against the bars and the figure after its bar."""
    rows = [(str(label), value) for label, value in rows]
    top = _scale_end(rows, max_value, reference)

    label_columns, labels = _grid_labels([label for label, _value in rows])
    figures = [f"{_number(top)}{unit_label}"] + [
        f"{_number(value)}{unit_label}" for _label, value in rows if value is not None
    ]
    value_columns = max(grid_width(figure) for figure in figures) + 1
    plot_left = label_columns * GRID_COLUMN
    plot_width = (GRID_COLUMNS - label_columns - value_columns) * GRID_COLUMN

    lines, shapes = [], []
    if reference is not None:
        x = plot_left + float(Decimal(reference) / top) * plot_width
        caption = f"{reference_label}{_number(reference)}{unit_label}"
        column = round(x / GRID_COLUMN)
        if x > plot_left + plot_width / 2:
            column -= grid_width(caption)
        column = min(max(column, 0), GRID_COLUMNS - grid_width(caption))
        lines.append(_grid_line([(column, caption, NOTE)]))
    first = len(lines)
    for index, ((_label, value), label) in enumerate(zip(rows, labels, strict=True)):
        pieces = [(label_columns - 1 - grid_width(label), label, "")]
        if value is None:
            pieces.append((label_columns + 1, "—", ""))
        else:
            length = float(Decimal(value) / top) * plot_width
            colour = _bar_colour(value, reference)
            shapes.append(_bar(plot_left, first + index, length, colour))
            pieces.append((_after(plot_left + length), f"{_number(value)}{unit_label}", ""))
        lines.append(_grid_line(pieces))
    top_y, bottom_y = first * GRID_LINE + 2, len(lines) * GRID_LINE - 2
    if reference is not None:
        shapes.append(
            f'<line x1="{x:.2f}" y1="{top_y - 4}" x2="{x:.2f}" y2="{bottom_y}" stroke="#555" '
            f'stroke-width="0.75" stroke-dasharray="3 2"/>'
        )
    shapes.append(
        f'<line x1="{plot_left:.2f}" y1="{top_y}" x2="{plot_left:.2f}" y2="{bottom_y}" '
        f'stroke="#555" stroke-width="0.75"/>'
    )
    return _print_chart(title, lines, shapes)


def print_stage_chart(
    rows: Iterable[tuple[object, Iterable[int]]],
    *,
    title: str,
    stages: Iterable[object],
) -> SafeString:
    """stage_chart for the PDF: its title, the legend, then a line per row, each segment's
    count on it where it fits and the row's total after the bar."""
    stages = [str(stage) for stage in stages]
    rows = [(str(label), [int(count) for count in counts]) for label, counts in rows]
    biggest = max((sum(counts) for _label, counts in rows), default=0) or 1

    lines, shapes, legend, at = [], [], [], 0
    for index, stage in enumerate(stages):
        # A swatch two columns wide, a space, the name, three spaces to the next.
        if legend and at + 3 + grid_width(stage) > GRID_COLUMNS:
            lines.append(_grid_line(legend))
            legend, at = [], 0
        y = len(lines) * GRID_LINE + (GRID_LINE - GRID_SWATCH) / 2
        shapes.append(
            f'<rect x="{at * GRID_COLUMN:.2f}" y="{y:.2f}" width="{GRID_SWATCH}" '
            f'height="{GRID_SWATCH}" fill="{STAGE_COLOURS[index % len(STAGE_COLOURS)]}"/>'
        )
        legend.append((at + 3, stage, ""))
        at += 3 + grid_width(stage) + 3
    if legend:
        lines.append(_grid_line(legend))

    label_columns, labels = _grid_labels([label for label, _counts in rows])
    plot_left = label_columns * GRID_COLUMN
    plot_width = (GRID_COLUMNS - label_columns - grid_width(biggest) - 1) * GRID_COLUMN
    scale = plot_width / biggest
    for (_label, counts), label in zip(rows, labels, strict=True):
        row = len(lines)
        pieces = [(label_columns - 1 - grid_width(label), label, "")]
        x = plot_left
        for index, count in enumerate(counts):
            if not count:
                continue
            length = count * scale
            shapes.append(_bar(x, row, length, STAGE_COLOURS[index % len(STAGE_COLOURS)]))
            if length >= (grid_width(count) + 1) * GRID_COLUMN:
                column = round((x + length / 2) / GRID_COLUMN - grid_width(count) / 2)
                pieces.append((column, str(count), INK_ON_DARK if index in DARK_STAGES else ""))
            x += length
        pieces.append((_after(x), str(sum(counts)), ""))
        lines.append(_grid_line(pieces))
    return _print_chart(title, lines, shapes)

"""How the pages print figures: a rate in percent, a dash where there is none."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Figures printed as a percent.
PERCENT_FIGURES = frozenset({"completion_rate", "concentrated_share"})


@register.filter
def percent(value):
    """12.5 → "12.5%"; None (no members to take a rate of) → "—". A filter rather than an
    included template: a 党委's table prints hundreds of them."""
    if value is None:
        return "—"
    return f"{value}%"


def _cell(value, *, flag: bool = False, wide: bool = False) -> str:
    # Numbers as they are (zh-hans formats them the same); a flagged nonzero in red.
    shown = "—" if value is None else str(value)
    danger = " text-danger" if flag and value else ""
    hidden = " d-none d-sm-table-cell" if wide else ""
    return f'<td class="text-end{hidden}{danger}">{escape(shown)}</td>'


def pk_url(url_name: str):
    """A function of a pk to the URL of `url_name`: reversed once, not once a row."""
    marker = 987654321
    pattern = reverse(url_name, args=[marker])
    before, after = pattern.split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


@register.simple_tag
def figure_rows(rows, url_name: str, columns: str) -> SafeString:
    """The table rows of units and their figures, lagging first, built in Python: a
    党委's page prints fifty, and the template language spent as long on them as the
    database on the whole page. `rows` holds (unit, Figures) pairs or objects with
    `.unit` and `.figures` (and the dashboard's rectification counts); `columns` names
    the figures in order, a trailing "!" marking one printed red when nonzero and "~" one
    left out on a phone's width."""
    link = pk_url(url_name)
    names = [(name.rstrip("!~"), "!" in name, "~" in name) for name in columns.split()]
    html = []
    for row in rows:
        unit, figures = (row.unit, row.figures) if hasattr(row, "figures") else row
        cells = []
        for name, flag, wide in names:
            source = row if name.startswith("rectification_") else figures
            value = getattr(source, name)
            if name in PERCENT_FIGURES:
                value = percent(value)
            cells.append(_cell(value, flag=flag, wide=wide))
        html.append(
            f'<tr data-unit="{int(unit.pk)}"><td class="text-wrap">'
            f'<a href="{link(unit.pk)}">{escape(unit.name)}</a></td>{"".join(cells)}</tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped

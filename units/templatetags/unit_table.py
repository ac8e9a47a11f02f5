"""The rows of a table of units (units/_unit_table.html), built in Python: a 党委's page
prints fifty, and each row's `get_kind_display` and `get_sector_display` built the
choices' dictionary again and translated every label in it (some 700 translations a
page), which cost the page as much as its database."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from common.templatetags.figures import pk_url
from units.models import Sector, UnitKind

register = template.Library()

# Each language's labels, escaped once per process.
_LABELS: dict[str | None, tuple[dict[str, str], dict[str, str]]] = {}


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = (
            {value: escape(label) for value, label in UnitKind.choices},
            {value: escape(label) for value, label in Sector.choices},
        )
    return labels


@register.simple_tag
def unit_table_rows(units) -> SafeString:
    """One `<tr>` a unit: its name linking to its page, kind, sector (left out on a phone's
    width), branches and members below it (`branch_total`, `member_total`) and stage."""
    kinds, sectors = _labels()
    link = pk_url("units:detail")
    dash = "—"
    rows = []
    for unit in units:
        stage = unit.stage.name if unit.stage_id else ""
        rows.append(
            f'<tr><td><a href="{link(unit.pk)}">{escape(unit.name)}</a></td>'
            f"<td>{kinds.get(unit.kind, escape(unit.kind))}</td>"
            f'<td class="d-none d-md-table-cell">'
            f"{sectors.get(unit.sector, escape(unit.sector)) if unit.sector else dash}</td>"
            f'<td class="text-end">{escape(unit.branch_total)}</td>'
            f'<td class="text-end">{escape(unit.member_total)}</td>'
            f"<td>{escape(stage) if stage else dash}</td></tr>"
        )
    if not rows:
        empty = escape(gettext("没有下级党组织。"))
        rows.append(f'<tr><td colspan="6" class="text-body-secondary">{empty}</td></tr>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped

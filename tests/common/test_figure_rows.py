"""The rows of the units tables (a 党委's progress, the dashboards), built by one tag."""

from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse

from reports.selectors.dashboard import UnitRow
from study.selectors.progress import Figures
from units.models import Unit

TEMPLATE = Template(
    '{% load figures %}{% figure_rows rows "study:unit_progress" '
    '"members completion_rate average_hours~ makeups_owed! rectification_overdue!" %}'
)


def render(rows):
    return TEMPLATE.render(Context({"rows": rows}))


def test_a_row_links_to_the_unit_and_prints_its_figures_as_the_page_shows_them():
    unit = Unit(pk=42, name="区一中党支部")
    figures = Figures(members=8, complete=3, total_hours=Decimal("100.0"), makeups_owed=2)
    html = render([UnitRow(unit, figures, rectification_overdue=0)])
    assert f'<a href="{reverse("study:unit_progress", args=[42])}">区一中党支部</a>' in html
    assert '<td class="text-end">8</td>' in html
    assert f'<td class="text-end">{figures.completion_rate}%</td>' in html
    # Hidden on a phone's width, and red only where something is owed.
    assert f'<td class="text-end d-none d-sm-table-cell">{figures.average_hours}</td>' in html
    assert '<td class="text-end text-danger">2</td>' in html
    assert html.endswith('<td class="text-end">0</td></tr>')


def test_a_unit_without_members_shows_dashes_not_zero_rates():
    html = render([UnitRow(Unit(pk=7, name="空支部"), Figures())])
    assert html.count('<td class="text-end">—</td>') == 1
    assert '<td class="text-end d-none d-sm-table-cell">—</td>' in html


def test_a_unit_name_is_escaped():
    html = render([UnitRow(Unit(pk=1, name='<script>alert("x")</script>'), Figures())])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html

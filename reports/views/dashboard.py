"""The dashboards: where the campaign stands, for the district office, a unit's leader, a
supervision group — and every table of them as Excel.

"规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇" and the 40-hour rate head the
page, then the 转段, 边学边改 and 二三五 figures, the units (sortable, each opening its own
dashboard down to the branch), the lagging ones ("发展不平衡") and two charts. Every
number comes from reports.selectors.dashboard: a fixed number of queries per page,
however big the district.
"""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.models import Batch
from common.pagination import page_of
from reports import charts
from reports.exports import TABLES, XLSX_CONTENT_TYPE, dashboard_workbook
from reports.selectors import dashboard as selectors
from study.selectors.progress import members_with_progress
from units.models import Member, Unit
from units.permissions import scope_for
from units.selectors import district_root, unit_ancestors
from units.shortcuts import get_group, get_unit

CHART_WIDTH = 340  # fits a phone's width without scaling the text down
CHART_BARS = 30


# Who sees what ---------------------------------------------------------------------------


def _top_unit(scope):
    """The unit a user's dashboard opens on: the district for the office, a leader's
    unit, a secretary's branch (the highest first when they hold several)."""
    if scope.is_office:
        return district_root()
    paths = scope.leader_paths or scope.secretary_paths
    return (
        Unit.objects.filter(path__in=paths)
        .select_related("stage", "parent")
        .order_by("depth", "path")
        .first()
    )


@login_required
@require_safe
def dashboard(request):
    scope = scope_for(request.user)
    if not scope.is_office and not scope.leader_paths and scope.groups:
        return redirect("reports:dashboard_group", pk=scope.groups[0])
    if not (scope.is_office or scope.leader_paths or scope.secretary_paths):
        raise PermissionDenied
    unit = _top_unit(scope)
    if unit is None:
        raise Http404
    return _dashboard_page(request, selectors.unit_area(unit))


@login_required
@require_safe
def dashboard_unit(request, pk):
    return _dashboard_page(request, selectors.unit_area(get_unit(request, pk, "view_dashboard")))


@login_required
@require_safe
def dashboard_group(request, pk):
    return _dashboard_page(request, selectors.group_area(get_group(request, pk, "view_group")))


@login_required
@require_safe
def dashboard_export(request, pk, table):
    return _export(request, selectors.unit_area(get_unit(request, pk, "view_dashboard")), table)


@login_required
@require_safe
def dashboard_group_export(request, pk, table):
    return _export(request, selectors.group_area(get_group(request, pk, "view_group")), table)


# The page -------------------------------------------------------------------------------


ROWS_PER_PAGE = 50


def _dashboard_page(request, area):
    batch = Batch.objects.current()
    today = timezone.localdate()
    rollup = selectors.rollup_of(area, batch)
    stages = selectors.batch_stages(batch)
    headline = selectors.dashboard_headline(
        area, batch, figures=rollup.figures, stages=stages, today=today
    )
    rows = selectors.unit_rows(area, rollup, today)
    sorted_rows, sort, direction = selectors.sort_rows(
        rows, request.GET.get("sort", ""), request.GET.get("dir", "")
    )
    stage_chart = ""
    # One branch's stage is in the headline; the weekly picture is for several.
    if not area.is_branch:
        over_time = selectors.stages_over_time(
            area, batch, stages, branches=headline.branches_in_batch, today=today
        )
        stage_chart = _stage_chart(over_time)
    context = {
        "area": area,
        "unit": area.unit,
        "group": area.group,
        "batch": batch,
        "today": today,
        "headline": headline,
        "figures": headline.figures,
        # A large 党委 has hundreds of units: a page of them, in the order asked for.
        "rows": page_of(request, sorted_rows, ROWS_PER_PAGE),
        "direct": rollup.direct,
        "columns": _column_links(sort, direction),
        "sort": sort,
        "direction": direction,
        "lagging": selectors.lagging_units(area),
        "lagging_limit": selectors.LAGGING_LIMIT,
        "progress_chart": _progress_chart(rows, headline.figures),
        "stage_chart": stage_chart,
        "export_urls": {table: _export_url(area, table, request) for table in TABLES},
        "ancestors": _ancestors(request, area.unit) if area.unit else [],
    }
    if area.is_branch:
        context["members"] = members_with_progress(Member.objects.filter(unit=area.unit))
    return render(request, "reports/dashboard/dashboard.html", context)


def _ancestors(request, unit):
    """The units above `unit` that the user may also open, top first (one query)."""
    scope = scope_for(request.user)
    return [a for a in unit_ancestors(unit) if scope.contains_unit(a)]


def _column_links(sort, direction):
    """Each column's header: its link sorts by it, in its first direction, or the other
    way when it is the current sort."""
    links = []
    for column in selectors.COLUMNS:
        current = column.key == sort
        next_direction = column.first
        if current:
            next_direction = selectors.ASC if direction == selectors.DESC else selectors.DESC
        links.append(
            {
                "column": column,
                "current": current,
                "direction": direction if current else "",
                "query": "?" + urlencode({"sort": column.key, "dir": next_direction}),
            }
        )
    return links


def _export_url(area, table, request):
    if area.group is not None:
        url = reverse("reports:dashboard_group_export", args=[area.group.pk, table])
    else:
        url = reverse("reports:dashboard_export", args=[area.unit.pk, table])
    if table == "units" and request.GET.get("sort"):
        url += "?" + urlencode({"sort": request.GET["sort"], "dir": request.GET.get("dir", "")})
    return url


def _progress_chart(rows, figures):
    """Completion by unit, lagging first; a 党委 of two hundred branches shows its lowest
    CHART_BARS (the table below lists them all)."""
    if not rows:
        return ""
    title = _("40学时达标率(按单位)")
    if len(rows) > CHART_BARS:
        title = _("40学时达标率最低的%(n)s个单位") % {"n": CHART_BARS}
    return charts.bar_chart(
        [(row.unit.name, row.figures.completion_rate) for row in rows[:CHART_BARS]],
        title=title,
        unit_label="%",
        max_value=100,
        reference=figures.completion_rate,
        reference_label=_("合计"),
        width=CHART_WIDTH,
    )


def _stage_chart(over_time):
    if not over_time.weeks:
        return ""
    return charts.stage_chart(
        [(_("第%(n)s周") % {"n": week}, counts) for week, _end, counts in over_time.weeks],
        title=_("各阶段党支部数(按周)"),
        stages=over_time.labels,
        width=CHART_WIDTH,
    )


# Excel ----------------------------------------------------------------------------------


def _export(request, area, table):
    if table not in TABLES:
        raise Http404
    batch = Batch.objects.current()
    today = timezone.localdate()
    data = {}
    if table in ("units", "headline"):
        rollup = selectors.rollup_of(area, batch)
    if table == "units":
        rows, _sort, _direction = selectors.sort_rows(
            selectors.unit_rows(area, rollup, today),
            request.GET.get("sort", ""),
            request.GET.get("dir", ""),
        )
        data.update(rows=rows, direct=rollup.direct)
    elif table == "lagging":
        data["lagging"] = selectors.lagging_units(area)
    else:
        data["headline"] = selectors.dashboard_headline(
            area,
            batch,
            figures=rollup.figures,
            stages=selectors.batch_stages(batch),
            today=today,
        )
    content = dashboard_workbook(table=table, area=area, today=today, **data)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{area.name}{TABLES[table]}{today:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/units/<int:pk>/", dashboard_unit, name="dashboard_unit"),
    path("dashboard/groups/<int:pk>/", dashboard_group, name="dashboard_group"),
    path(
        "dashboard/units/<int:pk>/export/<slug:table>.xlsx",
        dashboard_export,
        name="dashboard_export",
    ),
    path(
        "dashboard/groups/<int:pk>/export/<slug:table>.xlsx",
        dashboard_group_export,
        name="dashboard_group_export",
    ),
]

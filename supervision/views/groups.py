"""A supervision group's own work: its home page, 督查 records, 重点帮促 units and 先进典型.

"督导组要进一步强化督促检查……要注意挖掘和掌握先进性教育活动中涌现出来的先进典型人物和
典型支部、典型事例。每个督导组都要在所督导的单位中选取两至三个基础较好,工作较扎实单位
重点督促帮助,总结典型经验。"

A group's pages are read by its members and by the district office; only its members
record anything. To everyone else a group not theirs does not exist (404).

Query budget: each page a fixed number of queries, however many units, applications and
records the group has.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.models import Batch
from common.dates import day_text
from common.forms import form_save
from common.pagination import page_of
from study.selectors.progress import group_rollup
from supervision.forms.groups import (
    CaseFilterForm,
    InspectionFilterForm,
    InspectionForm,
    KeyUnitForm,
    TypicalCaseForm,
)
from supervision.models import Inspection, KeyUnit, TypicalCase
from supervision.selectors import groups as selectors
from supervision.services import groups as services
from units.permissions import has_perm, require, scope_for
from units.shortcuts import get_group

PER_PAGE = 20


def _acts_for(request, group):
    """Members record for their group; the office reads along but doesn't act for it."""
    return has_perm(request.user, "act_for_group", group)


def _subtree(group):
    tops = selectors.group_top_units(group)
    return tops, list(selectors.subtree_units(tops))


# The group's home page -----------------------------------------------------------------


@login_required
@require_safe
def group_home(request, pk):
    """The supervisor's desk: the group's units lagging first, and what waits for it."""
    group = get_group(request, pk, "view_group")
    batch = Batch.objects.current()
    rollup = group_rollup(group, batch)
    tops = [unit for unit, _figures in rollup.rows]
    stages = selectors.branch_stages(tops, batch)
    applications = selectors.applications_awaiting_opinion(tops)
    meetings = selectors.meetings_awaiting_evaluation(tops)
    units = [
        {
            "unit": unit,
            "figures": figures,
            "stages": stages.get(unit.pk, []),
            "applications": sum(1 for a in applications if a.top == unit),
            "meetings": sum(1 for m in meetings if m.top == unit),
        }
        for unit, figures in rollup.rows
    ]
    return render(
        request,
        "supervision/groups/home.html",
        {
            "group": group,
            "batch": batch,
            "acts": _acts_for(request, group),
            "supervisors": list(group.members.order_by("last_name", "first_name", "pk")),
            "figures": rollup.figures,
            "rows": rollup.rows,
            "units": units,
            "applications": applications,
            "meetings": meetings,
            "lagging_branches": selectors.lagging_branches(tops),
            "lagging_limit": selectors.LAGGING_BRANCHES,
            "key_units": list(selectors.key_units_with_inspections(group)),
            "inspections": selectors.latest_inspections(group),
        },
    )


# 督查记录 ------------------------------------------------------------------------------


@login_required
def inspection_list(request, pk):
    group = get_group(request, pk, "view_group")
    acts = _acts_for(request, group)
    if request.method == "POST":
        require(request.user, "act_for_group", group)
    tops, units = _subtree(group)
    form = None
    if acts:
        form = InspectionForm(request.POST or None, units=units, tops=tops)
    if request.method == "POST":
        inspection = form_save(form, services.inspection_record, group=group, user=request.user)
        if inspection is not None:
            messages.success(
                request,
                _("已登记%(date)s对%(unit)s的督查。")
                % {
                    "date": day_text(inspection.inspected_on),
                    "unit": inspection.unit,
                },
            )
            return redirect("supervision:inspection", pk=inspection.pk)
    filter_form = InspectionFilterForm(request.GET or None, units=units, tops=tops)
    chosen = filter_form.cleaned_data["unit"] if filter_form.is_valid() else None
    page = page_of(request, selectors.inspections_of(group, chosen), PER_PAGE)
    return render(
        request,
        "supervision/groups/inspections.html",
        {
            "group": group,
            "form": form,
            "filter_form": filter_form,
            "chosen": chosen,
            "page": page,
        },
    )


@login_required
@require_safe
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.select_related("group", "unit", "recorded_by"), pk=pk
    )
    require(request.user, "view_group", inspection.group)
    return render(
        request,
        "supervision/groups/inspection.html",
        {
            "inspection": inspection,
            "group": inspection.group,
            "acts": _acts_for(request, inspection.group),
            "unit_filter": urlencode({"unit": inspection.unit_id}),
        },
    )


# 重点帮促单位 --------------------------------------------------------------------------


@login_required
def key_unit_list(request, pk):
    group = get_group(request, pk, "view_group")
    acts = _acts_for(request, group)
    if request.method == "POST":
        require(request.user, "act_for_group", group)
    form = None
    if acts:
        tops, units = _subtree(group)
        form = KeyUnitForm(request.POST or None, units=units, tops=tops)
    if request.method == "POST":
        key_unit = form_save(form, services.key_unit_choose, group=group, user=request.user)
        if key_unit is not None:
            messages.success(
                request, _("已将%(unit)s列为本组重点帮促单位。") % {"unit": key_unit.unit}
            )
            return redirect("supervision:key_units", pk=group.pk)
    key_units = list(selectors.key_units_with_inspections(group))
    return render(
        request,
        "supervision/groups/key_units.html",
        {
            "group": group,
            "acts": acts,
            "form": form,
            "key_units": key_units,
            "max_key_units": services.MAX_KEY_UNITS,
            "can_choose_more": len(key_units) < services.MAX_KEY_UNITS,
            "too_few": len(key_units) < 2,
        },
    )


@login_required
def key_unit_remove(request, pk):
    """GET asks to confirm; POST takes the unit off the group's list."""
    key_unit = get_object_or_404(KeyUnit.objects.select_related("group", "unit"), pk=pk)
    require(request.user, "view_group", key_unit.group)
    require(request.user, "act_for_group", key_unit.group)
    if request.method == "POST":
        services.key_unit_remove(key_unit=key_unit)
        messages.success(request, _("已将%(unit)s移出本组重点帮促单位。") % {"unit": key_unit.unit})
        return redirect("supervision:key_units", pk=key_unit.group_id)
    return render(
        request,
        "supervision/groups/key_unit_remove.html",
        {"key_unit": key_unit, "group": key_unit.group},
    )


# 先进典型 ------------------------------------------------------------------------------


def _cases():
    return TypicalCase.objects.select_related("group", "unit", "member", "recorded_by").order_by(
        "-recorded_at", "-pk"
    )


@login_required
def typical_case_list(request, pk):
    group = get_group(request, pk, "view_group")
    acts = _acts_for(request, group)
    if request.method == "POST":
        require(request.user, "act_for_group", group)
    form = None
    if acts:
        tops, units = _subtree(group)
        form = TypicalCaseForm(request.POST or None, units=units, tops=tops)
    if request.method == "POST":
        case = form_save(form, services.typical_case_record, group=group, user=request.user)
        if case is not None:
            messages.success(
                request,
                _("已登记%(kind)s“%(title)s”。")
                % {"kind": case.get_kind_display(), "title": case.title},
            )
            return redirect("supervision:typical_case", pk=case.pk)
    page = page_of(request, _cases().filter(group=group), PER_PAGE)
    return render(
        request,
        "supervision/groups/typical_cases.html",
        {"group": group, "form": form, "page": page},
    )


@login_required
@require_safe
def all_cases(request):
    """Every group's cases, for the office to publicise; newest first."""
    if not scope_for(request.user).is_office:
        raise PermissionDenied
    filter_form = CaseFilterForm(request.GET or None)
    cases = _cases()
    if filter_form.is_valid():
        if filter_form.cleaned_data["group"]:
            cases = cases.filter(group=filter_form.cleaned_data["group"])
        if filter_form.cleaned_data["kind"]:
            cases = cases.filter(kind=filter_form.cleaned_data["kind"])
    page = page_of(request, cases, PER_PAGE)
    return render(
        request,
        "supervision/groups/all_cases.html",
        {"filter_form": filter_form, "page": page},
    )


@login_required
@require_safe
def typical_case_detail(request, pk):
    case = get_object_or_404(_cases(), pk=pk)
    require(request.user, "view_group", case.group)
    return render(
        request,
        "supervision/groups/typical_case.html",
        {
            "case": case,
            "group": case.group,
            "is_office": scope_for(request.user).is_office,
        },
    )

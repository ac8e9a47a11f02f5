"""The unit tree, a unit's page and its members' pages, with the forms that add and change
units and members; and the home page every user lands on, which shows what each of their
roles holds (the office's district, a group's units, a leader's subtree, a secretary's
branch). The counts come from units.selectors; who sees what, from units.permissions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.pagination import page_of
from units import selectors
from units.forms import MemberFilterForm, MemberForm, UnitForm
from units.models import Member, SupervisionGroup, Unit
from units.permissions import has_perm, require, scope_for
from units.shortcuts import get_unit

MEMBERS_PER_PAGE = 50


def _get_unit(request, pk, action="view_unit"):
    return get_unit(request, pk, action)


def _get_member(request, pk, action="view_member"):
    member = get_object_or_404(Member.objects.select_related("unit", "unit__stage"), pk=pk)
    require(request.user, action, member)
    return member


def _scope_roots(scope):
    """The topmost units a user sees: a unit inside another visible one is not a root."""
    if scope.is_office:
        return Unit.objects.filter(parent__isnull=True)
    paths = sorted(set(scope.paths))
    roots = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return Unit.objects.filter(path__in=roots)


@login_required
def tree(request):
    scope = scope_for(request.user)
    if not scope.sees_units:
        require(request.user, "browse_units")
    roots = list(_scope_roots(scope).select_related("stage").order_by("path"))
    if len(roots) == 1:
        return redirect("units:detail", pk=roots[0].pk)
    return render(request, "units/tree.html", {"roots": selectors.units_with_totals(roots)})


CHILDREN_PER_PAGE = 50


@login_required
def unit_detail(request, pk):
    unit = _get_unit(request, pk)
    scope = scope_for(request.user)
    ancestors = [a for a in selectors.unit_ancestors(unit) if scope.contains_unit(a)]
    # A large 党委 has hundreds of units under it: a page of them at a time.
    children = page_of(request, selectors.children_in_order(unit), CHILDREN_PER_PAGE)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": selectors.unit_children(unit, children),
            "children_page": children,
            "breakdown": selectors.member_breakdown(unit),
            "groups": unit_groups(unit),
            "can_change": has_perm(request.user, "change_unit", unit),
            "can_import": has_perm(request.user, "import_roster", unit),
        },
    )


def unit_groups(unit):
    """The supervision groups whose assigned subtrees hold this unit."""
    return SupervisionGroup.objects.filter(units__pk__in=unit.ancestor_ids()).distinct()


@login_required
def member_list(request, pk):
    unit = _get_unit(request, pk)
    form = MemberFilterForm(request.GET or None)
    members = form.filter(Member.objects.under(unit).select_related("unit"))
    page = page_of(request, members.order_by("unit__path", "name", "pk"), MEMBERS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "units/member_list.html",
        {
            "unit": unit,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": has_perm(request.user, "add_member", unit),
            "can_import": has_perm(request.user, "import_roster", unit),
        },
    )


@login_required
def member_detail(request, pk):
    member = _get_member(request, pk)
    return render(
        request,
        "units/member_detail.html",
        {"member": member, "can_change": has_perm(request.user, "change_member", member)},
    )


@login_required
def member_create(request, pk):
    unit = _get_unit(request, pk, "add_member")
    units = scope_for(request.user).managed_units()
    form = MemberForm(request.POST or None, units=units, initial={"unit": unit})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            member = form.save()
        messages.success(request, _("已添加党员 %(name)s。") % {"name": member.name})
        return redirect("units:member", pk=member.pk)
    return render(request, "units/member_form.html", {"form": form, "unit": unit})


@login_required
def member_edit(request, pk):
    member = _get_member(request, pk, "change_member")
    units = scope_for(request.user).managed_units()
    form = MemberForm(request.POST or None, instance=member, units=units)
    if request.method == "POST" and form.is_valid():
        # Saving recounts the unit's tally and the study ledger's figures
        # (units.tallies.members_written): all of it or none.
        with transaction.atomic():
            form.save()
        messages.success(request, _("已保存 %(name)s 的信息。") % {"name": member.name})
        return redirect("units:member", pk=member.pk)
    return render(
        request, "units/member_form.html", {"form": form, "unit": member.unit, "member": member}
    )


@login_required
def unit_create(request, pk):
    parent = _get_unit(request, pk, "change_unit")
    form = UnitForm(request.POST or None, initial={"parent": parent, "sector": parent.sector})
    if request.method == "POST" and form.is_valid():
        # Placed, not moved: the new unit starts in the stage of the unit it is created under.
        placed_under = form.cleaned_data["parent"] or parent
        form.instance.stage_id = placed_under.stage_id
        form.instance.stage_since = placed_under.stage_since
        unit = form.save()
        messages.success(request, _("已新建党组织 %(name)s。") % {"name": unit.name})
        return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "parent": parent})


@login_required
def unit_edit(request, pk):
    unit = _get_unit(request, pk, "change_unit")
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存 %(name)s。") % {"name": unit.name})
        return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_delete(request, pk):
    unit = _get_unit(request, pk, "delete_unit")
    parent_pk = unit.parent_id
    try:
        unit.delete()
    except ProtectedError:
        messages.error(
            request,
            _("不能删除“%(name)s”:它下面还有党组织或党员。请先移走或删除它们。")
            % {"name": unit.name},
        )
        return redirect("units:detail", pk=unit.pk)
    messages.success(request, _("已删除党组织 %(name)s。") % {"name": unit.name})
    return redirect("units:detail", pk=parent_pk) if parent_pk else redirect("home")

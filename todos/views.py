"""Each role's home page, led by what waits for them (todos.selectors), and a person's
reminder settings: the weekly reminder (每周待办提醒) on or off. Every user has their own
settings and no one else's, so there is nothing to look up by id."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.forms import form_save
from common.models import Notification
from todos import selectors
from todos.forms import ReminderSettingsForm
from todos.models import ReminderPreference
from todos.services import reminder_preference_set
from units import selectors as unit_selectors
from units.models import SupervisionGroup, Unit
from units.permissions import scope_for


@login_required
def reminder_settings(request):
    preference = ReminderPreference.objects.filter(user=request.user).first()
    weekly_digest = preference is None or preference.weekly_digest
    # An unticked box posts nothing at all: the form is bound by the method, not the data.
    data = request.POST if request.method == "POST" else None
    form = ReminderSettingsForm(data, initial={"weekly_digest": weekly_digest})
    if request.method == "POST":
        saved = form_save(form, reminder_preference_set, user=request.user)
        if saved is not None:
            messages.success(
                request,
                _("已开启每周待办提醒。") if saved.weekly_digest else _("已关闭每周待办提醒。"),
            )
            return redirect("todos:settings")
    return render(request, "todos/settings.html", {"form": form, "preference": preference})


@login_required
def home(request):
    """Each role's to-dos first (todos.selectors), each linking to where it is done; then
    what the role holds."""
    scope = scope_for(request.user)
    context = {
        "roles": scope.roles,
        "unread": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
    }
    if scope.is_office:
        context["office_todos"] = selectors.office_todos(request.user)
        root = unit_selectors.district_root()
        if root is not None:
            context["district"] = root
            context["district_breakdown"] = unit_selectors.member_breakdown(root)
            context["district_children"] = unit_selectors.unit_children(root)
            context["district_stages"] = unit_selectors.branches_per_stage(root)
    if "supervisor" in scope.roles:
        context["supervisor_todos"] = selectors.supervisor_todos(scope)
        context["groups"] = SupervisionGroup.objects.filter(pk__in=scope.groups).prefetch_related(
            "members"
        )
        context["supervised_units"] = unit_selectors.units_with_totals(
            Unit.objects.filter(path__in=scope.supervisor_paths)
            .select_related("stage")
            .order_by("path")
        )
    if scope.leader_paths:
        context["leader_todos"] = selectors.leader_todos(scope)
        context["led_units"] = unit_selectors.units_with_totals(
            Unit.objects.filter(path__in=scope.leader_paths)
            .select_related("stage")
            .order_by("path")
        )
    if scope.secretary_paths:
        branches = list(
            Unit.objects.filter(path__in=scope.secretary_paths)
            .select_related("stage", "parent")
            .order_by("path")
        )
        context["branches"] = [
            (b, unit_selectors.member_breakdown(b), selectors.secretary_todos(b)) for b in branches
        ]
    if scope.member is not None:
        context["member_todos"] = selectors.member_todos(scope.member)
    return render(request, "todos/home.html", context)

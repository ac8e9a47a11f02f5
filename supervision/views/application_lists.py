"""Who waits for whom in the 转段: a unit's page of its rounds (above the branches, where
each branch stands), and the lists of applications, by tab, for the office, the groups and
the branches.

"全区这么多部门,不可能搞一刀切。各部门、各级党组织要根据区委部署和各自实际,确定工作进度":
each branch leaves a stage on its own date, so the lists show where each stands and how long a
submitted round has waited.

Query budget: a fixed number of queries per page, however many applications or branches
(the branches below a unit are one query).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from common.pagination import page_of
from supervision.models import ApplicationState, TransitionApplication
from supervision.selectors import transitions as selectors
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from supervision.views.application_page import (
    AWAITING_DECISION,
    AWAITING_OPINION,
    error_text,
    state_label,
)
from units.models import BRANCH_KINDS, Unit
from units.permissions import has_perm, require, scope_for

PER_PAGE = 30
OPEN_STATES = (ApplicationState.DRAFT, ApplicationState.SUBMITTED)

# The list's tabs, in each reader's order; the first is where they land.
OFFICE_TABS = [
    ("decision", AWAITING_DECISION),
    ("opinion", AWAITING_OPINION),
    ("returned", gettext_lazy("退回补课")),
    ("approved", gettext_lazy("已同意")),
    ("draft", gettext_lazy("填写中")),
    ("all", gettext_lazy("全部")),
]
SUPERVISOR_TABS = [
    ("opinion", gettext_lazy("待本组签署意见")),
    ("decision", AWAITING_DECISION),
    ("returned", gettext_lazy("退回补课")),
    ("approved", gettext_lazy("已同意")),
    ("draft", gettext_lazy("填写中")),
    ("all", gettext_lazy("全部")),
]
BRANCH_TABS = [
    ("all", gettext_lazy("全部")),
    ("opinion", AWAITING_OPINION),
    ("decision", AWAITING_DECISION),
    ("returned", gettext_lazy("退回补课")),
    ("approved", gettext_lazy("已同意")),
    ("draft", gettext_lazy("填写中")),
]


# A branch's 转段 -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unit_transition(request, pk):
    """A branch's stages and every round of its applications; above the branches, where
    each branch stands."""
    unit = get_object_or_404(Unit.objects.select_related("stage"), pk=pk)
    require(request.user, "view_transition", unit)
    if request.method == "POST":
        return _start_round(request, unit)

    context = {"unit": unit, "applies": unit.kind in BRANCH_KINDS}
    if context["applies"]:
        applications = list(
            TransitionApplication.objects.filter(unit=unit)
            .select_related("from_stage", "to_stage", "submitted_by", "decided_by")
            .order_by("from_stage__batch_id", "from_stage__number", "round")
        )
        for application in applications:
            application.state_label = state_label(application)
        current = [a for a in applications if a.from_stage_id == unit.stage_id]
        open_round = next((a for a in current if a.state in OPEN_STATES), None)
        in_stage = unit.stage_id is not None and unit.completed_on is None
        context.update(
            applications=applications,
            open_round=open_round,
            next_round=(current[-1].round + 1) if current else 1,
            next_stage=selectors.next_stage(unit.stage) if in_stage else None,
            may_start=in_stage
            and open_round is None
            and has_perm(request.user, "apply_transition", unit),
        )
    if not unit.is_branch:
        branches = page_of(request, selectors.branches_with_latest_application(unit), PER_PAGE)
        for branch in branches:
            branch.latest_label = (
                ApplicationState(branch.latest_state).label if branch.latest_state else None
            )
        context["branches"] = branches
    return render(request, "supervision/applications/unit.html", context)


def _start_round(request, unit):
    require(request.user, "apply_transition", unit)
    try:
        application = services.application_start(unit=unit, user=request.user)
    except WorkflowError as error:
        messages.error(request, error_text(error))
        return redirect("supervision:unit_transition", pk=unit.pk)
    if application.round > 1:
        text = _(
            "已开始第%(n)s轮转段申请,上一轮的自查已带入。请填写补课情况,按补课情况逐条修改后报送。"
        ) % {"n": application.round}
    else:
        text = _("已开始填写转段申请,请逐条填写回头看自查。")
    messages.success(request, text)
    return redirect("supervision:application", pk=application.pk)


# Lists ---------------------------------------------------------------------------------


@login_required
@require_safe
def application_list(request):
    """Who waits for whom: the office's and the groups' to-do, the branches' own record."""
    scope = scope_for(request.user)
    if scope.is_office:
        tabs = OFFICE_TABS
    elif scope.supervisor_paths:
        tabs = SUPERVISOR_TABS
    elif scope.paths:
        tabs = BRANCH_TABS
    else:
        raise PermissionDenied
    keys = [key for key, _label in tabs]
    tab = request.GET.get("tab")
    if tab not in keys:
        tab = keys[0]
    applications = selectors.applications_for(request.user)
    counts = selectors.application_tab_counts(applications)
    page = page_of(request, selectors.application_tab(applications, tab), PER_PAGE)
    for application in page:
        application.state_label = state_label(application)
        application.waited_days = application.waited.days if application.waited else None
        # select_related leaves a missing one-to-one unset rather than None.
        application.analysis_meeting = getattr(application, "meeting", None)
    return render(
        request,
        "supervision/applications/list.html",
        {
            "tabs": [(key, label, counts[key]) for key, label in tabs],
            "tab": tab,
            "page": page,
        },
    )

"""The 大讨论 pages of a unit: where its drafts stand for each group of its members, a
group's drafts with the one adopted (定稿), and the sessions held.

"要积极引导广大群众,参与大讨论,广泛征求群众意见,使保持党员先进性的具体要求得到广大群众
的认可"

Read by all who see the unit and kept by its secretary or the leader above it
(view_ledger / keep_ledger). The overview costs 9 queries and a group's page 7, however
many drafts and sessions there are (tests/ledgers/test_discussion.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.discussion import DiscussionSessionForm, RequirementForm
from ledgers.models import DiscussionGroup, DiscussionRequirement, DiscussionSession
from ledgers.selectors import discussion as selectors
from ledgers.services import discussion as services
from units.permissions import has_perm, require
from units.shortcuts import get_unit

PER_PAGE = 20


@login_required
def discussion(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    sessions = DiscussionSession.objects.filter(unit=unit).select_related("recorded_by")
    return render(
        request,
        "ledgers/discussion/discussion.html",
        {
            "unit": unit,
            "groups": selectors.discussion_groups(unit),
            "sessions": page_of(request, sessions.order_by("-held_on", "-pk"), PER_PAGE),
            "can_keep": has_perm(request.user, "keep_ledger", unit),
        },
    )


@login_required
def discussion_group(request: HttpRequest, pk: int, group: str) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    if group not in DiscussionGroup.values:
        raise Http404
    can_keep = has_perm(request.user, "keep_ledger", unit)
    if request.method == "POST" and not can_keep:
        raise PermissionDenied
    versions = list(
        DiscussionRequirement.objects.filter(unit=unit, group=group)
        .select_related("written_by")
        .order_by("-version")
    )
    form = None
    if can_keep:
        form = RequirementForm(
            request.POST or None, initial={"text": versions[0].text if versions else ""}
        )
    if request.method == "POST" and form_save(
        form, services.discussion_requirement_write, unit=unit, group=group, user=request.user
    ):
        messages.success(request, _("已保存为新的一稿。"))
        return redirect("ledgers:discussion_group", pk=unit.pk, group=group)
    return render(
        request,
        "ledgers/discussion/discussion_group.html",
        {
            "unit": unit,
            "group": group,
            "label": DiscussionGroup(group).label,
            "hint": selectors.SPEECH_EMPHASIS[group],
            "versions": versions,
            "form": form,
            "can_keep": can_keep,
        },
    )


@login_required
@require_POST
def discussion_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = get_object_or_404(DiscussionRequirement.objects.select_related("unit"), pk=pk)
    require(request.user, "keep_ledger", requirement.unit)
    try:
        services.discussion_requirement_adopt(requirement=requirement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已将第%(version)s稿定为定稿。") % {"version": requirement.version}
        )
    return redirect("ledgers:discussion_group", pk=requirement.unit_id, group=requirement.group)


@login_required
def discussion_session_new(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "keep_ledger")
    form = DiscussionSessionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form_save(
        form, services.discussion_session_record, unit=unit, user=request.user
    ):
        messages.success(request, _("已登记讨论情况。"))
        return redirect("ledgers:discussion", pk=unit.pk)
    return render(
        request, "ledgers/discussion/discussion_session.html", {"unit": unit, "form": form}
    )


urlpatterns = [
    path("units/<int:pk>/discussion/", discussion, name="discussion"),
    path(
        "units/<int:pk>/discussion/sessions/new/",
        discussion_session_new,
        name="discussion_session_new",
    ),
    path("units/<int:pk>/discussion/<str:group>/", discussion_group, name="discussion_group"),
    path("requirements/<int:pk>/adopt/", discussion_adopt, name="discussion_adopt"),
]

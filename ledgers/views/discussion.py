"""Leading cadres' 党课 and 形势报告, their trips, publicity and the 大讨论.

"党员领导干部,要带头到基层单位上党课,做形势报告……督导组和先进性教育办公室要进行统计。"
"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意。"
"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报。"

Every unit ledger here is read by all who see the unit and kept by its secretary or the
leader above it (view_ledger / keep_ledger); the office decides trips. A keeper may
correct or delete a lecture or a publicity record, and the correction stays on the list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.discussion import DiscussionSessionForm, RequirementForm
from ledgers.models import (
    DiscussionGroup,
    DiscussionRequirement,
    DiscussionSession,
)
from ledgers.selectors import discussion as selectors
from ledgers.services import discussion as services
from units.permissions import has_perm, require
from units.shortcuts import get_unit

PER_PAGE = 20


# 大讨论 -------------------------------------------------------------------------------------


@login_required
def discussion(request, pk):
    unit = get_unit(request, pk, "view_ledger")
    sessions = DiscussionSession.objects.filter(unit=unit).select_related("recorded_by")
    return render(
        request,
        "ledgers/publicity/discussion.html",
        {
            "unit": unit,
            "groups": selectors.discussion_groups(unit),
            "sessions": page_of(request, sessions.order_by("-held_on", "-pk"), PER_PAGE),
            "can_keep": has_perm(request.user, "keep_ledger", unit),
        },
    )


@login_required
def discussion_group(request, pk, group):
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
        "ledgers/publicity/discussion_group.html",
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
def discussion_adopt(request, pk):
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
def discussion_session_new(request, pk):
    unit = get_unit(request, pk, "keep_ledger")
    form = DiscussionSessionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form_save(
        form, services.discussion_session_record, unit=unit, user=request.user
    ):
        messages.success(request, _("已登记讨论情况。"))
        return redirect("ledgers:discussion", pk=unit.pk)
    return render(
        request, "ledgers/publicity/discussion_session.html", {"unit": unit, "form": form}
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

"""The office's conditions for each 转段, its correction of a unit's stage, and every
user's notices.

"区先进性教育活动领导小组办公室对党支部学习动员阶段的情况进行检查,检查合格的,同意转入下一
阶段": what "合格" means for each stage is set here by the office and read by everyone who
follows the units' progress.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign.models import Stage
from campaign.selectors import current_batch
from common.forms import form_save
from common.notifications import notification_open, notifications_mark_all_read
from common.pagination import page_of
from common.validation import record_id
from supervision.forms.office import RequirementForm, StageCorrectionForm
from supervision.models import ApplicationState, StageRequirement, TransitionApplication
from supervision.selectors.transitions import next_stage, requirement_for, unit_stage_history
from supervision.services.requirements import requirement_update
from supervision.services.transitions import unit_stage_correct
from units.permissions import has_perm, require
from units.shortcuts import get_unit

NOTIFICATIONS_PER_PAGE = 30


# 转段条件 ------------------------------------------------------------------------------


def _transition_label(stage, following):
    """ "学习动员 → 分析评议"; leaving the last stage completes the campaign."""
    return f"{stage.name} → {following.name if following else _('活动完成')}"


@login_required
@require_safe
def requirement_list(request):
    require(request.user, "browse_units")
    batch = current_batch()
    stages = []
    if batch is not None:
        stages = list(batch.stages.order_by("number").select_related("requirement"))
        for index, stage in enumerate(stages):
            following = stages[index + 1] if index + 1 < len(stages) else None
            stage.transition = _transition_label(stage, following)
            stage.completes_batch = following is None
            # A stage added since the last visit has no requirement yet: this first read
            # creates it with the defaults, later reads find it in the join above.
            if not hasattr(stage, "requirement"):
                stage.requirement = requirement_for(stage)
    return render(
        request,
        "supervision/office/requirement_list.html",
        {
            "batch": batch,
            "stages": stages,
            "can_change": has_perm(request.user, "change_requirements"),
        },
    )


@login_required
def requirement_edit(request, pk):
    require(request.user, "change_requirements")
    # A finished campaign's conditions stay as they were when its units were judged.
    requirement = get_object_or_404(
        StageRequirement.objects.filter(stage__batch__is_current=True).select_related("stage"),
        pk=pk,
    )
    stage = requirement.stage
    following = next_stage(stage)
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            requirement_update(requirement=requirement, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("已保存“%(transition)s”的转段条件。已经报送的申请不受影响。")
                % {"transition": _transition_label(stage, following)},
            )
            return redirect(f"{reverse('supervision:requirements')}#stage-{stage.number}")
    return render(
        request,
        "supervision/office/requirement_form.html",
        {
            "form": form,
            "stage": stage,
            "transition": _transition_label(stage, following),
            "completes_batch": following is None,
        },
    )


# 更正阶段 ------------------------------------------------------------------------------


@login_required
def stage_correct(request, pk):
    """The office corrects a unit's stage with a reason; the page shows what the record
    says now, its history, and any round still under way that the correction would strand."""
    unit = get_unit(request, pk, "decide_transition")
    batch = unit.stage.batch_id if unit.stage_id else getattr(current_batch(), "pk", None)
    stages = Stage.objects.filter(batch_id=batch).order_by("number")
    form = StageCorrectionForm(
        request.POST or None, stages=stages, initial=StageCorrectionForm.initial_for(unit)
    )
    if request.method == "POST" and form_save(
        form, unit_stage_correct, unit=unit, user=request.user
    ):
        messages.success(
            request,
            _("已将%(unit)s的阶段更正为%(stage)s,并记入阶段记录。")
            % {"unit": unit.name, "stage": unit.stage.name},
        )
        return redirect("units:detail", pk=unit.pk)
    open_rounds = TransitionApplication.objects.filter(
        unit=unit, state__in=[ApplicationState.DRAFT, ApplicationState.SUBMITTED]
    ).select_related("from_stage")
    return render(
        request,
        "supervision/office/stage_correct.html",
        {
            "unit": unit,
            "form": form,
            "history": unit_stage_history(unit),
            "open_rounds": list(open_rounds),
        },
    )


# 通知 ----------------------------------------------------------------------------------


def _same_site(request, link):
    return bool(link) and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def notification_list(request):
    notices = request.user.notifications.all()
    if request.method == "POST":
        marked = notifications_mark_all_read(user=request.user)
        if marked:
            messages.success(request, _("已将%(n)s条通知标为已读。") % {"n": marked})
        return redirect("supervision:notifications")
    opened = request.GET.get("open")
    if opened is not None:
        pk = record_id(opened)
        if pk is None:
            raise Http404
        # Only the user's own notices: someone else's id is simply not found.
        notice = get_object_or_404(notices, pk=pk)
        notification_open(notification=notice)
        if _same_site(request, notice.link):
            return redirect(notice.link)
        return redirect("supervision:notifications")
    page = page_of(request, notices, NOTIFICATIONS_PER_PAGE)
    return render(
        request,
        "supervision/office/notification_list.html",
        {"page": page, "unread": notices.filter(read_at__isnull=True).count()},
    )

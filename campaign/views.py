"""The campaign plan (活动安排) page and the office's edits to it: a batch, its stages and
steps, and an extension (延期) of a step.

Everyone with a role reads the plan; only the district office changes it, and only the
current batch's plan. The plan page is a fixed number of queries however long the plan
(twelve, counted in tests/campaign/test_plan_page.py).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from campaign import selectors
from campaign.forms import BatchForm, StageForm, StepExtendForm, StepForm
from campaign.services import plan as services
from common.dates import day_text
from common.forms import form_save
from units.permissions import has_perm, require

# "第一阶段的时间在原安排的基础上延长十天左右": the extension form starts from ten days.
USUAL_EXTENSION = datetime.timedelta(days=10)


def _render_form(request, form, *, title, intro=""):
    return render(
        request, "campaign/plan_form.html", {"form": form, "title": title, "intro": intro}
    )


@login_required
@require_safe
def plan(request):
    require(request.user, "view_plan")
    batch = selectors.current_batch()
    context = {"batch": batch, "can_change": has_perm(request.user, "change_plan")}
    if batch is not None:
        stages = selectors.plan_stages(batch)
        counts = selectors.unit_counts_by_stage()
        for stage in stages:
            stage.unit_count = counts.pop(stage.pk, 0)
        context["stages"] = stages
        # Units in no stage of this batch: not yet placed, or left in an earlier one.
        context["units_elsewhere"] = sum(counts.values())
        context["topics"] = selectors.fixed_topics(batch)
        context["readings"] = selectors.readings(batch)
    return render(request, "campaign/plan.html", context)


@login_required
def batch_create(request):
    require(request.user, "change_plan")
    if selectors.current_batch() is not None:
        messages.info(request, _("已有正在进行的批次,请在下面修改它的安排。"))
        return redirect("campaign:plan")
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form_save(form, services.batch_create):
        messages.success(
            request,
            _("已新建%(name)s活动安排,请核对各阶段和步骤的日期。")
            % {"name": form.cleaned_data["name"]},
        )
        return redirect("campaign:plan")
    return _render_form(
        request,
        form,
        title=_("制定活动安排"),
        intro=_(
            "保存后自动建立学习动员、分析评议、整改提高三个阶段,以及第一阶段的思想发动、"
            "学习培训、大讨论三个步骤,日期按批次时间平均分配,之后可逐项调整。"
        ),
    )


@login_required
def batch_edit(request):
    require(request.user, "change_plan")
    batch = selectors.current_batch()
    if batch is None:
        return redirect("campaign:plan")
    form = BatchForm(request.POST or None, instance=batch)
    if request.method == "POST" and form_save(form, services.batch_update, batch=batch):
        messages.success(request, _("已保存批次信息。"))
        return redirect("campaign:plan")
    return _render_form(request, form, title=_("修改批次"))


@login_required
def stage_edit(request, pk):
    require(request.user, "change_plan")
    stage = get_object_or_404(selectors.current_stages(), pk=pk)
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form_save(form, services.stage_update, stage=stage):
        messages.success(request, _("已保存第%(number)d阶段的安排。") % {"number": stage.number})
        return redirect("campaign:plan")
    return _render_form(request, form, title=_("修改第%(number)d阶段") % {"number": stage.number})


@login_required
def step_create(request, pk):
    require(request.user, "change_plan")
    stage = get_object_or_404(selectors.current_stages(), pk=pk)
    form = StepForm(
        request.POST or None,
        initial={"planned_start": stage.planned_start, "planned_end": stage.planned_end},
    )
    if request.method == "POST" and form_save(form, services.step_create, stage=stage):
        messages.success(
            request,
            _("已在%(stage)s添加步骤“%(name)s”。")
            % {"stage": stage, "name": form.cleaned_data["name"]},
        )
        return redirect("campaign:plan")
    return _render_form(request, form, title=_("添加步骤 · %(stage)s") % {"stage": stage})


@login_required
def step_edit(request, pk):
    require(request.user, "change_plan")
    step = get_object_or_404(selectors.current_steps(), pk=pk)
    title = _("修改步骤 · %(step)s") % {"step": step}
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form_save(form, services.step_update, step=step):
        messages.success(request, _("已保存步骤“%(name)s”。") % {"name": step.name})
        return redirect("campaign:plan")
    return _render_form(request, form, title=title)


@login_required
def step_extend(request, pk):
    require(request.user, "change_plan")
    step = get_object_or_404(selectors.current_steps(), pk=pk)
    form = StepExtendForm(
        request.POST or None, step=step, initial={"new_end": step.planned_end + USUAL_EXTENSION}
    )
    extension = None
    if request.method == "POST":
        extension = form_save(form, services.step_extend, step=step, user=request.user)
    if extension is not None:
        done = _("“%(name)s”已延长%(days)d天,延长至%(date)s。") % {
            "name": step.name,
            "days": extension.days,
            "date": day_text(extension.new_end),
        }
        if extension.later_shifted_days:
            done += _("后续阶段相应顺延%(days)d天。") % {"days": extension.later_shifted_days}
        messages.success(request, done)
        return redirect("campaign:plan")
    return render(
        request,
        "campaign/step_extend.html",
        {"form": form, "step": step, "extensions": step.extensions.select_related("extended_by")},
    )

"""The 二三五 主题实践活动 pages: the office's settings (with the 五卡 card types), who
has filed a plan, each unit's plan and activity log (with photos and scans), and the
figures written as the speech writes them.

"各单位、各级党组织要根据“二三五”主题实践活动的要求,认真研究制定出本单位如何开展的计划,
并将开展主题实践活动的情况在3月初前报区委保持共产党员先进性教育办公室和所属督导组。"

Read by everyone whose scope holds the unit; kept (and corrected, with every correction
kept) by the unit's secretary or the leader above it; set up by the office. Each list
costs the same number of queries however many units, activities or corrections there are.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from campaign.models import Batch
from common.dates import day_text
from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.cards import CardTypeForm
from ledgers.forms.corrections import DeletionForm
from ledgers.forms.practice import (
    ActivityCorrectionForm,
    ActivityForm,
    BaselineForm,
    DeadlineForm,
    PlanForm,
)
from ledgers.models import (
    ActivityAttachment,
    CardType,
    CorrectedLedger,
    PracticeActivity,
    PracticePlan,
)
from ledgers.selectors import practice as selectors
from ledgers.services import cards as card_services
from ledgers.services import practice as services
from ledgers.services.corrections import ledger_corrections
from ledgers.views.corrections import kept_record, mark_keepable, report_correction
from units.models import UnitKind
from units.permissions import has_perm, require, scope_for
from units.shortcuts import get_unit

PER_PAGE = 20


# Office settings -----------------------------------------------------------------------


@login_required
def practice_settings(request: HttpRequest) -> HttpResponse:
    """The plans' deadline, last year's figures and the 五卡 card types: one page, one
    form posted at a time (`form` names which)."""
    require(request.user, "change_practice_settings")
    batch = Batch.objects.current()
    if batch is None:
        return render(request, "ledgers/practice/settings.html", {"batch": None})
    card_types = list(CardType.objects.filter(batch=batch))
    baseline = getattr(batch, "practice_baseline", None)
    posted = request.POST.get("form") if request.method == "POST" else None

    def bound(name: str) -> QueryDict | None:
        return request.POST if posted == name else None

    deadline_form = DeadlineForm(
        bound("deadline"), initial={"practice_plan_due": batch.practice_plan_due}
    )
    baseline_initial = {"year": batch.starts_on.year - 1}
    if baseline is not None:
        baseline_initial = {
            field: getattr(baseline, field)
            for field in ("year", "households", "funds", "person_times", "deeds")
        }
    baseline_form = BaselineForm(bound("baseline"), initial=baseline_initial)
    add_form = CardTypeForm(bound("card_add"), prefix="add")
    for card_type in card_types:
        card_type.form = CardTypeForm(
            bound(f"card_{card_type.pk}"),
            prefix=f"card{card_type.pk}",
            initial={"name": card_type.name},
        )

    saved = None
    if posted == "deadline":
        saved = form_save(deadline_form, services.practice_deadline_set, batch=batch)
        done = _("已设置计划报送截止日期。")
    elif posted == "baseline":
        saved = form_save(baseline_form, services.practice_baseline_set, batch=batch)
        done = _("已保存上年数据。")
    elif posted == "card_add":
        saved = form_save(add_form, card_services.card_type_add, batch=batch)
        done = _("已增加卡种。")
    else:
        for card_type in card_types:
            if posted == f"card_{card_type.pk}":
                saved = form_save(
                    card_type.form, card_services.card_type_rename, card_type=card_type
                )
                done = _("已修改卡种名称。")
    if saved is not None:
        messages.success(request, done)
        return redirect("ledgers:practice_settings")
    return render(
        request,
        "ledgers/practice/settings.html",
        {
            "batch": batch,
            "deadline_form": deadline_form,
            "baseline_form": baseline_form,
            "baseline": baseline,
            "add_form": add_form,
            "card_types": card_types,
            "posted": posted,
        },
    )


# Plans ---------------------------------------------------------------------------------


@login_required
@require_safe
def practice_plans(request: HttpRequest) -> HttpResponse:
    """Who has filed the plan and who has not, for the units the user sees."""
    require(request.user, "browse_units")
    batch = Batch.objects.current()
    context = {"batch": batch}
    if batch is not None:
        units = scope_for(request.user).units()
        context["rows"] = selectors.plan_status_rows(units, batch=batch)
        context["counts"] = selectors.plan_status_counts(units, batch=batch)
        context["can_change"] = has_perm(request.user, "change_practice_settings")
    return render(request, "ledgers/practice/plans.html", context)


@login_required
def practice_plan(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    batch = Batch.objects.current()
    plan = None
    if batch is not None:
        plan = (
            PracticePlan.objects.filter(batch=batch, unit=unit)
            .select_related("submitted_by")
            .first()
        )
    expected = unit.kind != UnitKind.DISTRICT
    can_file = (
        batch is not None
        and plan is None
        and expected
        and has_perm(request.user, "keep_ledger", unit)
    )
    form = PlanForm(request.POST or None) if can_file else None
    if request.method == "POST":
        require(request.user, "keep_ledger", unit)
        if form is None:
            if plan is not None:
                messages.error(request, _("本单位已经报送过计划,不能重复报送。"))
            return redirect("ledgers:practice_plan", pk=unit.pk)
        plan = form_save(form, services.practice_plan_file, unit=unit, user=request.user)
        if plan is not None:
            if plan.is_late:
                messages.warning(request, _("计划已报送。已过截止日期,记为逾期报送。"))
            else:
                messages.success(request, _("计划已报送区委先进性教育办公室和所属督导组。"))
            return redirect("ledgers:practice_plan", pk=unit.pk)
    return render(
        request,
        "ledgers/practice/plan.html",
        {
            "unit": unit,
            "batch": batch,
            "plan": plan,
            "form": form,
            "expected": expected,
            "tab": "plan",
        },
    )


# Activities ----------------------------------------------------------------------------


@login_required
@require_safe
def practice_activities(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    batch = Batch.objects.current()
    summary = selectors.practice_summary(unit, batch=batch)
    context = {
        "unit": unit,
        "batch": batch,
        "summary": summary,
        "can_keep": has_perm(request.user, "keep_ledger", unit),
        "tab": "activities",
    }
    if not unit.is_branch:
        # "占全区总户数的X%" is said of the district only.
        households_total = unit.households if unit.kind == UnitKind.DISTRICT else None
        context["sentences"] = selectors.practice_sentences(
            summary, households_total=households_total
        )
        context["children"] = selectors.practice_children(unit, batch=batch)
    activities = (
        selectors.activities_under(unit, batch=batch)
        .select_related("unit", "recorded_by")
        .prefetch_related("attachments")
    )
    context["page"] = mark_keepable(request.user, page_of(request, activities, PER_PAGE))
    context["corrections"] = ledger_corrections(unit, CorrectedLedger.ACTIVITY)
    return render(request, "ledgers/practice/activities.html", context)


@login_required
def practice_activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "keep_ledger")
    form = ActivityForm(
        request.POST or None, request.FILES or None, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST":
        activity = form_save(form, services.practice_activity_record, unit=unit, user=request.user)
        if activity is not None:
            messages.success(
                request,
                _("已登记%(date)s的活动。") % {"date": day_text(activity.held_on)},
            )
            return redirect("ledgers:practice_activities", pk=unit.pk)
        if request.FILES:
            # A browser never refills a file input: say so rather than let it look kept.
            messages.warning(request, _("请重新选择要上传的照片或扫描件。"))
    return render(
        request,
        "ledgers/practice/activity_form.html",
        {"unit": unit, "form": form, "tab": "activities"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = kept_record(request, PracticeActivity.objects.select_related("unit"), pk)
    form = ActivityCorrectionForm(request.POST or None, request.FILES or None, activity=activity)
    if request.method == "POST":
        corrected = form_save(
            form, services.practice_activity_correct, activity=activity, user=request.user
        )
        if corrected is not None:
            _activity, changes = corrected
            report_correction(request, changes)
            return redirect("ledgers:practice_activities", pk=activity.unit_id)
        if request.FILES:
            messages.warning(request, _("请重新选择要上传的照片或扫描件。"))
    return render(
        request,
        "ledgers/practice/activity_form.html",
        {"unit": activity.unit, "form": form, "activity": activity, "tab": "activities"},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = kept_record(
        request,
        PracticeActivity.objects.select_related("unit", "recorded_by").prefetch_related(
            "attachments"
        ),
        pk,
    )
    form = DeletionForm(request.POST or None)
    deleted = request.method == "POST" and form_save(
        form, services.practice_activity_delete, activity=activity, user=request.user
    )
    if deleted:
        messages.success(
            request,
            _("已删除%(date)s的活动记录。") % {"date": day_text(activity.held_on)},
        )
        return redirect("ledgers:practice_activities", pk=activity.unit_id)
    return render(
        request,
        "ledgers/practice/activity_delete.html",
        {"unit": activity.unit, "activity": activity, "form": form, "tab": "activities"},
    )


@login_required
@require_safe
def practice_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A photo or scan, only for those who see the unit (never a public media URL)."""
    attachment = get_object_or_404(
        ActivityAttachment.objects.select_related("activity__unit"), pk=pk
    )
    require(request.user, "view_ledger", attachment.activity.unit)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    # The type is the one the upload's content proved, not what the browser claimed.
    return FileResponse(
        handle, content_type=attachment.content_type, filename=attachment.original_name
    )


urlpatterns = [
    path("practice/settings/", practice_settings, name="practice_settings"),
    path("practice/plans/", practice_plans, name="practice_plans"),
    path("practice/units/<int:pk>/", practice_activities, name="practice_activities"),
    path("practice/units/<int:pk>/new/", practice_activity_create, name="practice_activity_create"),
    path("practice/units/<int:pk>/plan/", practice_plan, name="practice_plan"),
    path(
        "practice/activities/<int:pk>/edit/", practice_activity_edit, name="practice_activity_edit"
    ),
    path(
        "practice/activities/<int:pk>/delete/",
        practice_activity_delete,
        name="practice_activity_delete",
    ),
    path("practice/attachments/<int:pk>/", practice_attachment, name="practice_attachment"),
]

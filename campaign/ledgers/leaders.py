"""Leading cadres' 党课 and 形势报告, their trips, publicity and the 大讨论.

"党员领导干部,要带头到基层单位上党课,做形势报告……督导组和先进性教育办公室要进行统计。"
"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意。"
"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报。"

Every unit ledger here is read by all who see the unit and kept by its secretary or the
leader above it (view_ledgers / keep_ledgers); the office decides trips. A keeper may
correct or delete a lecture or a publicity record, and the correction stays on the list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import selectors_leaders as selectors
from campaign import services_leaders as services
from campaign.ledgers.corrections import DeletionForm, kept_record, report_correction
from campaign.ledgers.leaders_forms import (
    DiscussionSessionForm,
    LectureCorrectionForm,
    LectureForm,
    PublicityCheckCorrectionForm,
    PublicityCheckForm,
    RequirementForm,
    TripDecisionForm,
    TripRequestForm,
    TripReturnForm,
)
from campaign.models import (
    Campaign,
    CorrectedLedger,
    DiscussionGroup,
    DiscussionRequirement,
    DiscussionSession,
    LeaderLecture,
    PublicityCheck,
    PublicityItem,
    TripState,
)
from campaign.services_corrections import ledger_corrections
from units.models import Member, SupervisionGroup, Unit
from units.permissions import has_perm, require, scope_for
from units.shortcuts import get_unit

PER_PAGE = 20


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _save(form, service, **kwargs):
    """Run a service with the form's data; its rule errors land on the form, which stays
    bound to what the user typed. Returns what the service saved, or None."""
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


# 党课 and 形势报告 ------------------------------------------------------------------------


def _lecture_form(request, form_class, **kwargs):
    """Recording and correcting offer the same cadres and units, so they cannot drift."""
    scope = scope_for(request.user)
    return form_class(
        request.POST or None,
        cadres=selectors.leading_cadres_under(selectors.managed_paths(scope)),
        units=scope.units().order_by("path"),
        **kwargs,
    )


@login_required
def lecture_list(request, pk):
    unit = get_unit(request, pk, "view_ledgers")
    can_keep = has_perm(request.user, "keep_ledgers", unit)
    form = None
    if can_keep:
        form = _lecture_form(
            request, LectureForm, initial={"unit": unit, "given_on": timezone.localdate()}
        )
    elif request.method == "POST":
        raise PermissionDenied
    lecture = request.method == "POST" and _save(form, services.lecture_record, user=request.user)
    if lecture:
        messages.success(
            request,
            _("已登记%(name)s的%(kind)s《%(topic)s》。")
            % {
                "name": lecture.lecturer.name,
                "kind": lecture.get_kind_display(),
                "topic": lecture.topic,
            },
        )
        return redirect("ledgers:leaders_lectures", pk=unit.pk)
    lectures = selectors.lectures_of(unit, campaign=Campaign.objects.current())
    page = _page(request, lectures.order_by("-given_on", "-pk"))
    # The list also shows what the unit's cadres gave elsewhere; those are kept there.
    for lecture in page:
        lecture.can_keep = has_perm(request.user, "keep_ledgers", lecture.unit)
    return render(
        request,
        "ledgers/leaders/lectures.html",
        {
            "unit": unit,
            "form": form,
            "totals": selectors.lecture_totals(lectures),
            "lectures": page,
            "corrections": ledger_corrections(unit, CorrectedLedger.LECTURE),
        },
    )


def _kept_lecture(request, pk):
    """The lecture, kept by whoever keeps the ledgers of the unit it was given at."""
    lectures = LeaderLecture.objects.select_related("unit__parent", "lecturer__unit", "recorded_by")
    return kept_record(request, lectures, pk)


@login_required
def lecture_edit(request, pk):
    lecture = _kept_lecture(request, pk)
    form = _lecture_form(
        request,
        LectureCorrectionForm,
        initial={name: getattr(lecture, name) for name in services.LECTURE_FIELDS},
    )
    corrected = request.method == "POST" and _save(
        form, services.lecture_correct, lecture=lecture, user=request.user
    )
    if corrected:
        saved, changes = corrected
        report_correction(request, changes)
        return redirect("ledgers:leaders_lectures", pk=saved.unit_id)
    return render(
        request,
        "ledgers/leaders/lecture_edit.html",
        {"unit": lecture.unit, "lecture": lecture, "form": form},
    )


@login_required
def lecture_delete(request, pk):
    lecture = _kept_lecture(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and _save(
        form, services.lecture_delete, lecture=lecture, user=request.user
    ):
        messages.success(
            request,
            _("已删除%(name)s的%(kind)s《%(topic)s》,删除前的内容已记入更正记录。")
            % {
                "name": lecture.lecturer.name,
                "kind": lecture.get_kind_display(),
                "topic": lecture.topic,
            },
        )
        return redirect("ledgers:leaders_lectures", pk=lecture.unit_id)
    return render(
        request,
        "ledgers/leaders/lecture_delete.html",
        {"unit": lecture.unit, "lecture": lecture, "form": form},
    )


def _stats_scope(request):
    """The units the statistics cover: a supervision group's (`?group=`), a unit's subtree
    (`?unit=`), or by default the widest the user has."""
    scope = scope_for(request.user)
    if not scope.sees_units:
        raise PermissionDenied
    group_id, unit_id = request.GET.get("group"), request.GET.get("unit")
    if group_id or (not unit_id and not scope.is_office and scope.groups):
        group = get_object_or_404(SupervisionGroup, pk=_int(group_id or scope.groups[0]))
        if not (scope.is_office or group.pk in scope.groups):
            raise Http404
        tops = list(group.units.order_by("path"))
        return group.name, [u.path for u in tops], {"group": group}
    if unit_id:
        unit = get_unit(request, _int(unit_id), "view_ledgers")
    elif scope.is_office:
        unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    else:
        unit = scope.units().order_by("depth", "path").first()
    if unit is None:
        raise Http404
    require(request.user, "view_ledgers", unit)
    return unit.name, [unit.path], {"unit": unit}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def lecture_stats(request):
    title, paths, context = _stats_scope(request)
    campaign = Campaign.objects.current()
    cadres = list(selectors.lecture_counts_per_cadre(paths, campaign=campaign))
    return render(
        request,
        "ledgers/leaders/lecture_stats.html",
        {
            **context,
            "title": title,
            "cadres": cadres,
            "without": [c for c in cadres if not c.lecture_count],
            "units": selectors.lecture_counts_per_unit(paths, campaign=campaign),
        },
    )


# Trips -------------------------------------------------------------------------------------


def _travellers(scope):
    """Whom the user may ask a trip for: the leading cadres where they keep the ledgers,
    and themself if they are one."""
    cadres = Member.objects.filter(
        selectors.under_any(selectors.managed_paths(scope), "unit__path"), is_leading_cadre=True
    )
    if scope.member is not None and scope.member.is_leading_cadre:
        cadres = cadres | Member.objects.filter(pk=scope.member.pk)
    return cadres.select_related("unit").order_by("unit__path", "name", "pk")


def _may_request(scope):
    return bool(selectors.managed_paths(scope)) or (
        scope.member is not None and scope.member.is_leading_cadre
    )


def _requester_side(user, trip):
    """The cadre themself or whoever keeps the ledgers of the cadre's branch."""
    scope = scope_for(user)
    is_self = scope.member is not None and scope.member.pk == trip.traveller_id
    return is_self or has_perm(user, "keep_ledgers", trip.traveller.unit)


def _may_withdraw(user, trip):
    """Whoever asked, or whoever keeps the ledgers of the cadre's branch."""
    return trip.requested_by_id == user.pk or has_perm(user, "keep_ledgers", trip.traveller.unit)


@login_required
def trip_list(request):
    scope = scope_for(request.user)
    if not (scope.sees_units or scope.member is not None):
        raise PermissionDenied
    trips = selectors.trips_for(request.user, scope)
    context = {"may_request": _may_request(scope), "is_office": scope.is_office}
    if scope.is_office:
        # The office's queue: what awaits a decision, oldest request first.
        context["pending"] = trips.filter(state=TripState.PENDING).order_by("requested_at", "pk")
        trips = trips.exclude(state=TripState.PENDING)
    context["trips"] = _page(request, selectors.pending_first(trips))
    return render(request, "ledgers/leaders/trips.html", context)


@login_required
def trip_new(request):
    scope = scope_for(request.user)
    if not _may_request(scope):
        raise PermissionDenied
    form = TripRequestForm(request.POST or None, travellers=_travellers(scope))
    if request.method == "POST":
        trip = _save(form, services.trip_request, user=request.user)
        if trip:
            messages.success(request, _("申请已报区委先进性教育办公室审批。"))
            return redirect("ledgers:leaders_trip", pk=trip.pk)
    return render(request, "ledgers/leaders/trip_form.html", {"form": form})


def _get_trip(request, pk):
    """The trip, if the user sees it; 404 otherwise."""
    return get_object_or_404(selectors.trips_for(request.user, scope_for(request.user)), pk=pk)


def _trip_page(request, trip, decision_form=None, status=200):
    pending = trip.state == TripState.PENDING
    can_decide = pending and has_perm(request.user, "decide_trip")
    can_return = trip.state == TripState.APPROVED and _requester_side(request.user, trip)
    return render(
        request,
        "ledgers/leaders/trip_detail.html",
        {
            "trip": trip,
            "decision_form": decision_form or (TripDecisionForm() if can_decide else None),
            "can_return": can_return,
            "can_withdraw": pending and _may_withdraw(request.user, trip),
        },
        status=status,
    )


@login_required
def trip_detail(request, pk):
    return _trip_page(request, _get_trip(request, pk))


@login_required
@require_POST
def trip_decide(request, pk):
    trip = selectors.trips_for(request.user, scope_for(request.user)).filter(pk=pk).first()
    if trip is None:
        raise Http404
    require(request.user, "decide_trip")
    form = TripDecisionForm(request.POST)
    if not form.is_valid():
        return _trip_page(request, trip, form)
    try:
        services.trip_decide(trip=trip, user=request.user, **form.cleaned_data)
    except services.TripError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    except ValidationError as error:
        form.add_error(None, error)
        return _trip_page(request, trip, form)
    if trip.state == TripState.APPROVED:
        done = _("已同意%(name)s的外出申请。")
    else:
        done = _("已答复不同意%(name)s的外出申请。")
    messages.success(request, done % {"name": trip.traveller.name})
    return redirect("ledgers:leaders_trips")


@login_required
def trip_withdraw(request, pk):
    trip = _get_trip(request, pk)
    if not _may_withdraw(request.user, trip):
        raise PermissionDenied
    if trip.state == TripState.WITHDRAWN:
        messages.info(request, _("这份申请已经撤回了。"))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    if trip.state != TripState.PENDING:
        messages.error(
            request,
            _("办公室已经审批了这份申请(%(state)s),不能再撤回。")
            % {"state": trip.get_state_display()},
        )
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    if request.method != "POST":
        return render(request, "ledgers/leaders/trip_withdraw.html", {"trip": trip})
    try:
        services.trip_withdraw(trip=trip, user=request.user)
    except services.TripError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    messages.success(
        request,
        _("已撤回%(name)s去%(destination)s的外出申请。")
        % {"name": trip.traveller.name, "destination": trip.destination},
    )
    return redirect("ledgers:leaders_trip", pk=trip.pk)


@login_required
def trip_return(request, pk):
    trip = _get_trip(request, pk)
    if not _requester_side(request.user, trip):
        raise PermissionDenied
    if trip.state != TripState.APPROVED:
        messages.info(request, _("这次外出不是待返回状态,无需登记返回。"))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    form = TripReturnForm(
        request.POST or None, initial={"returned_on": min(trip.returns_on, timezone.localdate())}
    )
    if request.method == "POST" and _save(form, services.trip_return, trip=trip, user=request.user):
        messages.success(
            request,
            _("已登记返回。%(name)s需补课%(hours)s学时,已记入学习台账。")
            % {"name": trip.traveller.name, "hours": floatformat(trip.makeup.hours, -1)},
        )
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    return render(request, "ledgers/leaders/trip_return.html", {"trip": trip, "form": form})


# Publicity ---------------------------------------------------------------------------------


@login_required
def publicity_checks(request, pk):
    unit = get_unit(request, pk, "view_ledgers")
    can_keep = has_perm(request.user, "keep_ledgers", unit)
    if request.method == "POST" and not can_keep:
        raise PermissionDenied
    form = None
    if can_keep:
        form = PublicityCheckForm(request.POST or None, initial={"done_on": timezone.localdate()})
    check = request.method == "POST" and _save(
        form, services.publicity_check_record, unit=unit, user=request.user
    )
    if check:
        messages.success(request, _("已登记“%(item)s”。") % {"item": check.get_item_display()})
        return redirect("ledgers:publicity_checks", pk=unit.pk)
    records = PublicityCheck.objects.filter(unit=unit).select_related("recorded_by")
    return render(
        request,
        "ledgers/publicity/checks.html",
        {
            "unit": unit,
            "form": form,
            "items": selectors.publicity_latest(unit),
            "records": _page(request, records.order_by("-done_on", "-pk")),
            "can_keep": can_keep,
            "corrections": ledger_corrections(unit, CorrectedLedger.PUBLICITY),
        },
    )


def _kept_check(request, pk):
    return kept_record(request, PublicityCheck.objects.select_related("unit__parent"), pk)


@login_required
def publicity_check_edit(request, pk):
    check = _kept_check(request, pk)
    form = PublicityCheckCorrectionForm(
        request.POST or None,
        initial={name: getattr(check, name) for name in services.PUBLICITY_FIELDS},
    )
    corrected = request.method == "POST" and _save(
        form, services.publicity_check_correct, check=check, user=request.user
    )
    if corrected:
        _saved, changes = corrected
        report_correction(request, changes)
        return redirect("ledgers:publicity_checks", pk=check.unit_id)
    return render(
        request,
        "ledgers/publicity/check_edit.html",
        {"unit": check.unit, "check": check, "form": form},
    )


@login_required
def publicity_check_delete(request, pk):
    check = _kept_check(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and _save(
        form, services.publicity_check_delete, check=check, user=request.user
    ):
        messages.success(
            request,
            _("已删除“%(item)s”的一条记录,删除前的内容已记入更正记录。")
            % {"item": check.get_item_display()},
        )
        return redirect("ledgers:publicity_checks", pk=check.unit_id)
    return render(
        request,
        "ledgers/publicity/check_delete.html",
        {"unit": check.unit, "check": check, "form": form},
    )


@login_required
def publicity_overview(request, pk):
    unit = get_unit(request, pk, "view_ledgers")
    rows = list(selectors.publicity_overview([unit.path]))
    return render(
        request,
        "ledgers/publicity/overview.html",
        {
            "unit": unit,
            "rows": rows,
            "empty_boards": sum(1 for row in rows if row.last_bulletin_board is None),
            "items": PublicityItem.choices,
        },
    )


# 大讨论 -------------------------------------------------------------------------------------


@login_required
def discussion(request, pk):
    unit = get_unit(request, pk, "view_ledgers")
    sessions = DiscussionSession.objects.filter(unit=unit).select_related("recorded_by")
    return render(
        request,
        "ledgers/publicity/discussion.html",
        {
            "unit": unit,
            "groups": selectors.discussion_groups(unit),
            "sessions": _page(request, sessions.order_by("-held_on", "-pk")),
            "can_keep": has_perm(request.user, "keep_ledgers", unit),
        },
    )


@login_required
def discussion_group(request, pk, group):
    unit = get_unit(request, pk, "view_ledgers")
    if group not in DiscussionGroup.values:
        raise Http404
    can_keep = has_perm(request.user, "keep_ledgers", unit)
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
    if request.method == "POST" and _save(
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
    require(request.user, "keep_ledgers", requirement.unit)
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
    unit = get_unit(request, pk, "keep_ledgers")
    form = DiscussionSessionForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and _save(
        form, services.discussion_session_record, unit=unit, user=request.user
    ):
        messages.success(request, _("已登记讨论情况。"))
        return redirect("ledgers:discussion", pk=unit.pk)
    return render(
        request, "ledgers/publicity/discussion_session.html", {"unit": unit, "form": form}
    )


urlpatterns = [
    path("units/<int:pk>/lectures/", lecture_list, name="leaders_lectures"),
    path("lectures/<int:pk>/edit/", lecture_edit, name="leaders_lecture_edit"),
    path("lectures/<int:pk>/delete/", lecture_delete, name="leaders_lecture_delete"),
    path("lectures/stats/", lecture_stats, name="leaders_lecture_stats"),
    path("trips/", trip_list, name="leaders_trips"),
    path("trips/new/", trip_new, name="leaders_trip_new"),
    path("trips/<int:pk>/", trip_detail, name="leaders_trip"),
    path("trips/<int:pk>/decide/", trip_decide, name="leaders_trip_decide"),
    path("trips/<int:pk>/return/", trip_return, name="leaders_trip_return"),
    path("trips/<int:pk>/withdraw/", trip_withdraw, name="leaders_trip_withdraw"),
    path("units/<int:pk>/publicity/", publicity_checks, name="publicity_checks"),
    path("publicity/<int:pk>/edit/", publicity_check_edit, name="publicity_check_edit"),
    path("publicity/<int:pk>/delete/", publicity_check_delete, name="publicity_check_delete"),
    path("units/<int:pk>/publicity/overview/", publicity_overview, name="publicity_overview"),
    path("units/<int:pk>/discussion/", discussion, name="discussion"),
    path(
        "units/<int:pk>/discussion/sessions/new/",
        discussion_session_new,
        name="discussion_session_new",
    ),
    path("units/<int:pk>/discussion/<str:group>/", discussion_group, name="discussion_group"),
    path("requirements/<int:pk>/adopt/", discussion_adopt, name="discussion_adopt"),
]

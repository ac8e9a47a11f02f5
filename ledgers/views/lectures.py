"""The leading cadres' 党课 and 形势报告: a unit's list (recording, correcting and
deleting one) and the statistics by cadre and by unit.

"党员领导干部……要带头到基层单位上党课,做形势报告……督导组和先进性教育办公室要进行统计。"

A unit's list is read by all who see the unit and kept by its secretary or the leader
above it (view_ledger / keep_ledger); a correction stays on the list. The statistics
cover a supervision group's units or a unit's subtree. The list costs 14 queries and the
statistics 9, however many lectures there are (tests/ledgers/test_lectures.py).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.forms import form_save
from common.pagination import page_of
from ledgers.forms.corrections import DeletionForm
from ledgers.forms.lectures import LectureCorrectionForm, LectureForm
from ledgers.models import CorrectedLedger, LeaderLecture
from ledgers.selectors import lectures as selectors
from ledgers.services import lectures as services
from ledgers.services.corrections import ledger_corrections
from ledgers.views.corrections import kept_record, report_correction
from units.permissions import has_perm, require, scope_for
from units.selectors import district_root
from units.shortcuts import get_group, get_unit

PER_PAGE = 20


def _lecture_form(
    request: HttpRequest, form_class: type[LectureForm], **kwargs: Any
) -> LectureForm:
    """Recording and correcting offer the same cadres and units, so they cannot drift."""
    scope = scope_for(request.user)
    return form_class(
        request.POST or None,
        cadres=selectors.leading_cadres_under(selectors.managed_paths(scope)),
        units=scope.managed_units().order_by("path"),
        **kwargs,
    )


@login_required
def lecture_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit(request, pk, "view_ledger")
    can_keep = has_perm(request.user, "keep_ledger", unit)
    form = None
    if can_keep:
        form = _lecture_form(
            request, LectureForm, initial={"unit": unit, "given_on": timezone.localdate()}
        )
    elif request.method == "POST":
        raise PermissionDenied
    lecture = request.method == "POST" and form_save(
        form, services.lecture_record, user=request.user
    )
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
    lectures = selectors.lectures_of(unit, batch=Batch.objects.current())
    page = page_of(request, lectures.order_by("-given_on", "-pk"), PER_PAGE)
    # The list also shows what the unit's cadres gave elsewhere; those are kept there.
    for lecture in page:
        lecture.can_keep = has_perm(request.user, "keep_ledger", lecture.unit)
    return render(
        request,
        "ledgers/lectures/lectures.html",
        {
            "unit": unit,
            "form": form,
            "totals": selectors.lecture_totals(lectures),
            "lectures": page,
            "corrections": ledger_corrections(unit, CorrectedLedger.LECTURE),
        },
    )


def _kept_lecture(request: HttpRequest, pk: int) -> LeaderLecture:
    """The lecture, kept by whoever keeps the ledgers of the unit it was given at."""
    lectures = LeaderLecture.objects.select_related("unit__parent", "lecturer__unit", "recorded_by")
    return kept_record(request, lectures, pk)


@login_required
def lecture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _kept_lecture(request, pk)
    form = _lecture_form(
        request,
        LectureCorrectionForm,
        initial={name: getattr(lecture, name) for name in services.LECTURE_FIELDS},
    )
    corrected = request.method == "POST" and form_save(
        form, services.lecture_correct, lecture=lecture, user=request.user
    )
    if corrected:
        saved, changes = corrected
        report_correction(request, changes)
        return redirect("ledgers:leaders_lectures", pk=saved.unit_id)
    return render(
        request,
        "ledgers/lectures/lecture_edit.html",
        {"unit": lecture.unit, "lecture": lecture, "form": form},
    )


@login_required
def lecture_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lecture = _kept_lecture(request, pk)
    form = DeletionForm(request.POST or None)
    if request.method == "POST" and form_save(
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
        "ledgers/lectures/lecture_delete.html",
        {"unit": lecture.unit, "lecture": lecture, "form": form},
    )


def _stats_scope(request: HttpRequest) -> tuple[str, list[str], dict[str, Any]]:
    """The units the statistics cover: a supervision group's (`?group=`), a unit's subtree
    (`?unit=`), or by default the widest the user has."""
    scope = scope_for(request.user)
    if not scope.sees_units:
        raise PermissionDenied
    group_id, unit_id = request.GET.get("group"), request.GET.get("unit")
    if group_id or (not unit_id and not scope.is_office and scope.groups):
        group = get_group(request, _int(group_id or scope.groups[0]), "view_group")
        tops = list(group.units.order_by("path"))
        return group.name, [u.path for u in tops], {"group": group}
    if unit_id:
        unit = get_unit(request, _int(unit_id), "view_ledger")
    elif scope.is_office:
        unit = district_root()
    else:
        unit = scope.units().order_by("depth", "path").first()
    if unit is None:
        raise Http404
    require(request.user, "view_ledger", unit)
    return unit.name, [unit.path], {"unit": unit}


def _int(value: str | int | None) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def lecture_stats(request: HttpRequest) -> HttpResponse:
    title, paths, context = _stats_scope(request)
    batch = Batch.objects.current()
    cadres = list(selectors.lecture_counts_per_cadre(paths, batch=batch))
    return render(
        request,
        "ledgers/lectures/lecture_stats.html",
        {
            **context,
            "title": title,
            "cadres": cadres,
            "without": [c for c in cadres if not c.lecture_count],
            "units": selectors.lecture_counts_per_unit(paths, batch=batch),
        },
    )


urlpatterns = [
    path("units/<int:pk>/lectures/", lecture_list, name="leaders_lectures"),
    path("lectures/<int:pk>/edit/", lecture_edit, name="leaders_lecture_edit"),
    path("lectures/<int:pk>/delete/", lecture_delete, name="leaders_lecture_delete"),
    path("lectures/stats/", lecture_stats, name="leaders_lecture_stats"),
]

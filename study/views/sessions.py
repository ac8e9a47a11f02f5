"""Study sessions: the branch's ledger, the roster signed at the meeting, and self sign-in.

"集中学习实行'签到制'": the secretary signs everyone in on one roster from a phone, or
members sign themselves in with the session's code or QR code. The branch's list of
sessions and a session's roster are each a fixed number of queries however many sessions
and members (their tests count them).
"""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.forms import add_service_error
from common.pagination import page_of
from common.validation import record_id
from study.forms.sessions import CheckinForm, SessionForm, roster_entries
from study.models import AttendanceChange, AttendanceStatus, LeaveRequest, LeaveStatus, StudySession
from study.services import sessions as services
from study.views._common import get_unit
from units.models import BRANCH_KINDS, Member
from units.permissions import has_perm, require, scope_for

SESSIONS_PER_PAGE = 30

# Under the roster on a phone: the latest corrections, the older a page further on.
CHANGES_PER_PAGE = 10
# Bootstrap colour of each status's button and badge, in the roster's order.
STATUS_COLOURS = {
    AttendanceStatus.PRESENT: "success",
    AttendanceStatus.LATE: "warning",
    AttendanceStatus.LEAVE: "info",
    AttendanceStatus.ABSENT: "danger",
    AttendanceStatus.HOME_DELIVERY: "primary",
}
STATUS_CHOICES = [(status.value, status.label, colour) for status, colour in STATUS_COLOURS.items()]


def _get_session(request, pk, action="view_ledger"):
    session = get_object_or_404(
        StudySession.objects.select_related("unit", "topic", "created_by"), pk=pk
    )
    require(request.user, action, session.unit)
    return session


def _with_attendance_counts(sessions):
    """Annotate `<status>_count` for every attendance status, in the same query."""
    return sessions.annotate(
        **{
            f"{status}_count": Count("attendances", filter=Q(attendances__status=status))
            for status in AttendanceStatus.values
        }
    )


@login_required
@require_safe
def session_list(request, pk):
    unit = get_unit(request, pk)
    sessions = _with_attendance_counts(
        StudySession.objects.filter(unit=unit).select_related("topic")
    ).order_by("-starts_at", "-pk")
    page = page_of(request, sessions, SESSIONS_PER_PAGE)
    return render(
        request,
        "study/sessions/list.html",
        {
            "unit": unit,
            "page": page,
            "keeps_sessions": unit.kind in BRANCH_KINDS,
            "can_manage": has_perm(request.user, "keep_ledger", unit),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request, pk):
    unit = get_unit(request, pk, "keep_ledger")
    if unit.kind not in BRANCH_KINDS:
        raise Http404
    form = SessionForm(request.POST or None, unit=unit, initial=SessionForm.initial_for_new())
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(unit=unit, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已登记“%(title)s”。开会时在本页签到,或请党员扫码自助签到。")
                % {"title": session.title},
            )
            return redirect("study:session", pk=session.pk)
    return render(request, "study/sessions/form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request, pk):
    session = _get_session(request, pk, "keep_ledger")
    form = SessionForm(
        request.POST or None, unit=session.unit, initial=SessionForm.initial_for(session)
    )
    if request.method == "POST" and form.is_valid():
        # Only what was changed: an untouched date is not checked again against a plan
        # the office may have moved since.
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "readings"}
        try:
            services.session_update(
                session=session,
                user=request.user,
                readings=form.cleaned_data["readings"],
                **fields,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存“%(title)s”。") % {"title": session.title})
            return redirect("study:session", pk=session.pk)
    return render(
        request,
        "study/sessions/form.html",
        {"form": form, "unit": session.unit, "session": session},
    )


# What a roster row shows of a member (study.templatetags.roster).
ROSTER_MEMBER_FIELDS = ("name", "unit", "is_infirm")


def _roster_rows(session, posted=None):
    """One row per member of the branch, with the status to show: what was just posted
    when it is shown again with errors, else what is saved, else an approved leave."""
    attendances = {a.member_id: a for a in session.attendances.all()}
    approved = LeaveRequest.objects.filter(
        session=session, member=OuterRef("pk"), status=LeaveStatus.APPROVED
    )
    members = list(
        Member.objects.filter(unit=session.unit)
        .only(*ROSTER_MEMBER_FIELDS)
        .annotate(on_leave=Exists(approved))
        .order_by("name", "pk")
    )
    rows = []
    for member in members:
        attendance = attendances.pop(member.pk, None)
        if posted is not None:
            status = posted.get(member.pk, "")
        elif attendance is not None:
            status = attendance.status
        else:
            status = AttendanceStatus.LEAVE if member.on_leave else ""
        rows.append(
            {
                "member": member,
                "status": status,
                "attendance": attendance,
                "on_leave": member.on_leave,
                "conflict": attendance is not None and services.checkin_conflicts(attendance),
            }
        )
    # Members signed in here who have since moved to another branch stay on the record
    # (rare: read only when there are some).
    moved = (
        Member.objects.filter(pk__in=list(attendances)).only(*ROSTER_MEMBER_FIELDS)
        if attendances
        else []
    )
    for member in sorted(moved, key=lambda m: (m.name, m.pk)):
        attendance = attendances[member.pk]
        rows.append(
            {
                "member": member,
                "status": attendance.status,
                "attendance": attendance,
                "on_leave": False,
                "moved": True,
            }
        )
    return rows


def _status_counts(rows):
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for row in rows:
        if row["attendance"] is not None:
            counts[row["attendance"].status] += 1
    return [(label, counts[value], colour) for value, label, colour in STATUS_CHOICES]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_detail(request, pk):
    session = _get_session(request, pk)
    can_manage = has_perm(request.user, "keep_ledger", session.unit)
    posted = None
    errors = []
    if request.method == "POST":
        require(request.user, "keep_ledger", session.unit)
        entries, errors = roster_entries(request.POST)
        if not errors:
            try:
                changed = services.roster_save(session=session, entries=entries, user=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                if changed:
                    messages.success(
                        request, _("签到已保存,更新了%(count)d人。") % {"count": len(changed)}
                    )
                else:
                    messages.info(request, _("签到情况没有变化。"))
                return redirect("study:session", pk=session.pk)
        posted = dict(entries)

    rows = _roster_rows(session, posted)
    has_attendance = any(row["attendance"] is not None for row in rows)
    roster_open = services.roster_is_open(session)
    opens, closes = services.checkin_window(session)
    now = timezone.now()
    checkin_url = request.build_absolute_uri(
        reverse("study:checkin_code", args=[session.checkin_code])
    )
    return render(
        request,
        "study/sessions/detail.html",
        {
            "session": session,
            "readings": list(session.readings.all()),
            "rows": rows,
            "counts": _status_counts(rows),
            "errors": errors,
            "can_manage": can_manage,
            "roster_editable": can_manage and (roster_open or not has_attendance),
            "roster_locked": can_manage and not roster_open and has_attendance,
            "edit_days": services.ROSTER_EDIT_DAYS,
            "status_choices": STATUS_CHOICES,
            # Newest first, a page at a time: a roster corrected often keeps every change.
            "changes": page_of(
                request,
                AttendanceChange.objects.filter(attendance__session=session)
                .select_related("attendance__member", "changed_by")
                .order_by("-changed_at", "-pk"),
                CHANGES_PER_PAGE,
            ),
            "checkin_opens": opens,
            "checkin_closes": closes,
            "checkin_opens_in": max(0, int((opens - now).total_seconds())),
            # The code and the live sign-ins matter until the session is over.
            "checkin_live": can_manage and now <= closes,
            "checkin_url": checkin_url,
        },
    )


@login_required
@require_safe
@never_cache
def session_checkins(request, pk):
    """The session's self sign-ins so far, for the roster to show them as they arrive."""
    session = _get_session(request, pk)
    opens, closes = services.checkin_window(session)
    now = timezone.now()
    signed = session.attendances.filter(self_signed_at__isnull=False).order_by("self_signed_at")
    return JsonResponse(
        {
            "open": opens <= now <= closes,
            "over": now > closes,
            "checkins": [
                {
                    "member": attendance.member_id,
                    "status": attendance.status,
                    "status_label": attendance.get_status_display(),
                    "time": timezone.localtime(attendance.self_signed_at).strftime("%H:%M"),
                }
                for attendance in signed
            ],
        }
    )


@login_required
@require_safe
def session_qr(request, pk):
    """A QR code of the session's sign-in link, to show on a screen or print."""
    session = _get_session(request, pk)
    url = request.build_absolute_uri(reverse("study:checkin_code", args=[session.checkin_code]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=2, title=_("扫码签到:%(url)s") % {"url": url}
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request, code=""):
    member = scope_for(request.user).member
    if member is None:
        return render(request, "study/sessions/checkin.html", {"not_a_member": True}, status=403)
    signed_in = None
    if request.method == "POST":
        form = CheckinForm(request.POST)
        if form.is_valid():
            try:
                attendance = services.self_check_in(member=member, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error(None if hasattr(error, "error_dict") else "code", error)
            else:
                return redirect(f"{reverse('study:checkin')}?signed={attendance.session_id}")
    else:
        form = CheckinForm(initial={"code": code})
        signed = record_id(request.GET.get("signed", ""))
        if signed is not None:
            signed_in = (
                member.attendances.filter(session_id=signed, self_signed_at__isnull=False)
                .select_related("session")
                .first()
            )
    return render(
        request,
        "study/sessions/checkin.html",
        {
            "form": form,
            "member": member,
            "signed_in": signed_in,
            "conflict": signed_in is not None and services.checkin_conflicts(signed_in),
        },
    )

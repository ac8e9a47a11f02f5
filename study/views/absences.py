"""请销假, 补课, 自学 and the contact log of 流动党员.

"建立并严格落实学习考勤,读书笔记、请销假和补课制度": the branch's secretary approves
leave, records each make-up once it is done and keeps in touch with members away from
home; members ask leave and log their self-study themselves. Each list is a fixed number
of queries however long it grows (its tests count them).
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.dates import day_text
from common.forms import add_service_error, form_save
from common.pagination import page_of
from study.forms.absences import (
    ContactForm,
    LeaveEntryForm,
    MakeUpCorrectionForm,
    MakeUpDoneForm,
    MyLeaveForm,
    SelfStudyForm,
)
from study.models import (
    CONTACT_OVERDUE_DAYS,
    ContactLog,
    LeaveRequest,
    LeaveStatus,
    MakeUp,
    MakeUpCorrectionAction,
    MakeUpMethod,
    MemberProgress,
    SelfStudy,
)
from study.selectors import absences as selectors
from study.services import absences as services
from study.views._common import get_member, get_unit
from units.models import BRANCH_KINDS, Member
from units.permissions import has_perm, require, scope_for

PER_PAGE = 30


def _back(request, viewname, pk):
    """Back to the list the user came from (`next`, a path on this site), or to `viewname`
    of `pk`."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path: redirect() takes anything else without a slash for a view's name to look up.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(target)
    return redirect(viewname, pk=pk)


def _not_a_member(request):
    return render(request, "study/absences/not_a_member.html", status=404)


# Make-ups ------------------------------------------------------------------------------


@login_required
def makeup_list(request, pk):
    unit = get_unit(request, pk)
    makeups = MakeUp.objects.filter(member__unit__path__startswith=unit.path)
    owed_only = Q(done_on__isnull=True)
    totals = makeups.aggregate(
        owed=Count("pk", filter=owed_only),
        owed_hours=Sum("hours", filter=owed_only),
        done=Count("pk", filter=~owed_only),
    )
    rows = makeups.select_related("member__unit", "attendance__session", "recorded_by")
    # The longest owed first: those are the ones a supervisor will ask about.
    owed = page_of(
        request,
        rows.filter(owed_only).order_by(
            F("attendance__session__starts_at").asc(nulls_last=True), "pk"
        ),
        PER_PAGE,
    )
    done = page_of(
        request,
        rows.exclude(owed_only).order_by("-done_on", "-pk"),
        PER_PAGE,
        param="done_page",
    )
    today = timezone.localdate()
    for makeup in done:
        makeup.can_correct = has_perm(request.user, "keep_ledger", makeup.member.unit)
    for makeup in owed:
        makeup.can_complete = has_perm(request.user, "keep_ledger", makeup.member.unit)
        if makeup.attendance_id:
            missed_on = timezone.localdate(makeup.attendance.session.starts_at)
            makeup.owed_days = (today - missed_on).days
    return render(
        request,
        "study/absences/makeup_list.html",
        {"unit": unit, "totals": totals, "owed": owed, "done": done, "tab": "makeups"},
    )


@login_required
def makeup_done(request, pk):
    makeup = get_object_or_404(
        MakeUp.objects.select_related("member__unit", "attendance__session", "recorded_by"),
        pk=pk,
    )
    require(request.user, "keep_ledger", makeup.member.unit)
    member = makeup.member
    # "对年老体弱行动不便的党员要送课上门"
    method = MakeUpMethod.HOME_DELIVERY if member.is_infirm else MakeUpMethod.SESSION
    form = MakeUpDoneForm(
        request.POST or None, initial={"done_on": timezone.localdate(), "method": method}
    )
    if request.method == "POST" and form_save(
        form, services.makeup_complete, makeup=makeup, user=request.user
    ):
        messages.success(
            request,
            _("已登记%(name)s补课(%(method)s),计入集中学习%(hours)s学时。")
            % {
                "name": member.name,
                "method": makeup.get_method_display(),
                "hours": floatformat(makeup.hours, -1),
            },
        )
        return _back(request, "study:makeups", member.unit_id)
    return render(
        request,
        "study/absences/makeup_done.html",
        {"makeup": makeup, "member": member, "form": form},
    )


@login_required
def makeup_correct(request, pk):
    """Take back or put right a make-up recorded done, with the reason kept."""
    makeup = get_object_or_404(
        MakeUp.objects.select_related("member__unit", "attendance__session", "recorded_by"),
        pk=pk,
    )
    require(request.user, "keep_ledger", makeup.member.unit)
    member = makeup.member
    if not makeup.is_done:
        return redirect("study:makeup_done", pk=makeup.pk)
    form = MakeUpCorrectionForm(
        request.POST or None,
        initial={"done_on": makeup.done_on, "method": makeup.method, "note": makeup.note},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == MakeUpCorrectionAction.UNDONE:
                services.makeup_undo(makeup=makeup, reason=data["reason"], user=request.user)
                text = _("已撤销%(name)s的补课登记,重新计为缺课未补。")
            else:
                changed = services.makeup_correct(
                    makeup=makeup,
                    done_on=data["done_on"],
                    method=data["method"],
                    note=data["note"],
                    reason=data["reason"],
                    user=request.user,
                )
                text = _("已更正%(name)s的补课登记。") if changed else _("没有改动。")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, text % {"name": member.name})
            return redirect("study:makeups", pk=member.unit_id)
    return render(
        request,
        "study/absences/makeup_correct.html",
        {
            "makeup": makeup,
            "member": member,
            "form": form,
            "corrections": makeup.corrections.select_related("changed_by"),
        },
    )


# Leave ---------------------------------------------------------------------------------


@login_required
def leave_list(request, pk):
    unit = get_unit(request, pk)
    if request.method == "POST":
        require(request.user, "keep_ledger", unit)
    form = None
    if unit.kind in BRANCH_KINDS and has_perm(request.user, "keep_ledger", unit):
        form = LeaveEntryForm(request.POST or None, unit=unit)
        if request.method == "POST":
            leave = _enter_leave(form, user=request.user)
            if leave is not None:
                messages.success(
                    request,
                    _("已登记%(name)s的请假(%(status)s)。")
                    % {"name": leave.member.name, "status": leave.get_status_display()},
                )
                return redirect("study:leave_list", pk=unit.pk)
    leaves = LeaveRequest.objects.filter(member__unit__path__startswith=unit.path).select_related(
        "member__unit", "session", "requested_by", "decided_by"
    )
    pending = page_of(
        request,
        leaves.filter(status=LeaveStatus.PENDING).order_by("session__starts_at", "pk"),
        PER_PAGE,
    )
    for leave in pending:
        leave.can_decide = has_perm(request.user, "keep_ledger", leave.member.unit)
    decided = page_of(
        request,
        leaves.exclude(status=LeaveStatus.PENDING).order_by("-decided_at", "-pk"),
        PER_PAGE,
        param="decided_page",
    )
    return render(
        request,
        "study/absences/leave_list.html",
        {"unit": unit, "pending": pending, "decided": decided, "form": form, "tab": "leave"},
    )


def _enter_leave(form, *, user):
    """The secretary's entry: the request, and its approval when ticked, both or neither."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    approve_now = data.pop("approve_now")
    try:
        with transaction.atomic():
            leave = services.leave_request(user=user, **data)
            if approve_now:
                leave = services.leave_decide(leave=leave, approve=True, user=user)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    return leave


@login_required
@require_POST
def leave_decide(request, pk):
    leave = get_object_or_404(LeaveRequest.objects.select_related("member__unit", "session"), pk=pk)
    require(request.user, "keep_ledger", leave.member.unit)
    approve = request.POST.get("decision") == "approve"
    try:
        services.leave_decide(leave=leave, approve=approve, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("已批准%(name)s的请假。") if approve else _("已登记%(name)s的请假未批准。")
        messages.success(request, text % {"name": leave.member.name})
    return _back(request, "study:leave_list", leave.member.unit_id)


@login_required
def my_leave(request):
    member = scope_for(request.user).member
    if member is None:
        return _not_a_member(request)
    form = MyLeaveForm(request.POST or None, member=member)
    if request.method == "POST":
        leave = form_save(form, services.leave_request, member=member, user=request.user)
        if leave is not None:
            messages.success(request, _("请假已提交,请等待支部书记批准。请假的学习需要及时补课。"))
            return redirect("study:my_leave")
    leaves = (
        LeaveRequest.objects.filter(member=member)
        .select_related("session", "decided_by")
        .order_by("-session__starts_at", "-pk")
    )
    owed = MakeUp.objects.filter(member=member, done_on__isnull=True).order_by("pk")
    return render(
        request,
        "study/absences/my_leave.html",
        {"member": member, "form": form, "leaves": leaves, "owed": owed, "tab": "my_leave"},
    )


# Self-study ----------------------------------------------------------------------------


@login_required
def my_self_study(request):
    member = scope_for(request.user).member
    if member is None:
        return _not_a_member(request)
    return _self_study(request, member, own=True)


@login_required
def self_study_create(request, pk):
    member = get_member(request, pk, "keep_ledger")
    return _self_study(request, member, own=False)


def _self_study(request, member, *, own):
    """The member's self-study entries and the form to add one, for them or their secretary."""
    form = SelfStudyForm(request.POST or None, initial={"studied_on": timezone.localdate()})
    if request.method == "POST":
        entry = form_save(form, services.self_study_log, member=member, user=request.user)
        if entry is not None:
            messages.success(
                request,
                _("已记录%(name)s %(date)s 自学%(hours)s学时。")
                % {
                    "name": member.name,
                    "date": day_text(entry.studied_on),
                    "hours": floatformat(entry.hours, -1),
                },
            )
            return redirect(request.path)
    entries = SelfStudy.objects.filter(member=member)
    total = entries.aggregate(hours=Sum("hours"))["hours"] or Decimal(0)
    return render(
        request,
        "study/absences/self_study.html",
        {
            "member": member,
            "own": own,
            "form": form,
            "total": total,
            "progress": MemberProgress.objects.filter(member=member).first(),
            "page": page_of(
                request,
                entries.select_related("recorded_by")
                .prefetch_related("readings")
                .order_by("-studied_on", "-pk"),
                PER_PAGE,
            ),
            "tab": "my_self_study" if own else None,
        },
    )


# Mobile members ------------------------------------------------------------------------


@login_required
def mobile_members(request, pk):
    unit = get_unit(request, pk)
    members = Member.objects.under(unit).filter(is_mobile=True)
    out_of_contact = selectors.mobile_members_out_of_contact(members)
    rows = (
        selectors.members_with_last_contact(members.select_related("unit"))
        .annotate(overdue=Exists(out_of_contact.filter(pk=OuterRef("pk"))))
        .order_by("-overdue", F("last_contact").asc(nulls_first=True), "unit__path", "name")
    )
    page = page_of(request, rows, PER_PAGE)
    today = timezone.localdate()
    for member in page:
        member.can_contact = has_perm(request.user, "keep_ledger", member.unit)
        if member.last_contact:
            member.days_since = (today - member.last_contact).days
    return render(
        request,
        "study/absences/mobile_members.html",
        {
            "unit": unit,
            "page": page,
            "total": page.paginator.count,
            "overdue_count": out_of_contact.count(),
            "overdue_days": CONTACT_OVERDUE_DAYS,
            "tab": "mobile",
        },
    )


@login_required
def contact_create(request, pk):
    member = get_member(request, pk, "keep_ledger")
    form = ContactForm(request.POST or None, initial={"contacted_on": timezone.localdate()})
    if request.method == "POST":
        contact = form_save(form, services.contact_log, member=member, user=request.user)
        if contact is not None:
            messages.success(
                request,
                _("已记录与%(name)s的联系(%(method)s)。")
                % {"name": member.name, "method": contact.get_method_display()},
            )
            return _back(request, "study:mobile_members", member.unit_id)
    contacts = ContactLog.objects.filter(member=member).select_related("recorded_by")[:10]
    return render(
        request,
        "study/absences/contact_form.html",
        {"member": member, "form": form, "contacts": contacts},
    )

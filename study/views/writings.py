"""学习笔记 and 心得体会: members submit them, secretaries log paper copies and review them,
supervision groups spot-check a sample ("读书笔记和心得体会文章完成后由党委(党组)、工委负责人
或支部书记批改,最后由督导组进行审查或抽查").

Each page is a fixed number of queries however many writings and reviews it shows (its
tests count them).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.forms import form_save
from common.pagination import page_of
from study.forms.writings import (
    PaperWritingForm,
    ReviewForm,
    SpotCheckDrawForm,
    SpotCheckResultForm,
    WritingForm,
)
from study.models import (
    LEADING_CADRE_ESSAYS,
    LONG_ESSAY_CHARACTERS,
    REVIEW_OVERDUE_DAYS,
    Grade,
    MemberProgress,
    Review,
    SpotCheck,
    Writing,
    WritingKind,
)
from study.selectors import writings as selectors
from study.services import writings as services
from study.services.progress import writing_requirement_met
from study.views._common import get_member, get_unit
from units.models import Member, Unit
from units.permissions import has_perm, require, scope_for

QUEUE_PER_PAGE = 50
SPOT_CHECKS_PER_PAGE = 20

# "党员领导干部至少要写出两篇3000字以上的心得体会文章。有书写能力的党员都要作好学习笔记,……
# 至少写出一篇质量较高的心得体会文章。"
RULE_LEADING_CADRE = gettext_lazy("党员领导干部:至少两篇3000字以上的心得体会")
RULE_WRITER = gettext_lazy("有书写能力的党员:做好学习笔记,至少一篇心得体会")


def _safe_next(request):
    """`next`, when it is a path on this site: redirect() takes anything else without a
    slash for a view's name to look up."""
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _with_latest_grade(writings):
    latest = Review.objects.filter(writing=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return writings.annotate(latest_grade=Subquery(latest.values("grade")[:1]))


def _label_grades(writings):
    labels = dict(Grade.choices)
    for writing in writings:
        writing.latest_grade_label = labels.get(writing.latest_grade, "")
    return writings


def _writing_requirement(member):
    """The rule that applies to the member and what is still missing, from their stored
    progress (a member who has never written has no row yet: all counts are zero)."""
    progress = MemberProgress.objects.filter(member=member).first()
    counts = {key: getattr(progress, key, 0) for key in ("notes", "essays", "long_essays")}
    rule = None
    missing = []
    if member.is_leading_cadre:
        rule = RULE_LEADING_CADRE
        short = LEADING_CADRE_ESSAYS - counts["long_essays"]
        if short > 0:
            missing.append(
                _("还差%(n)s篇%(chars)s字以上的心得体会")
                % {"n": short, "chars": LONG_ESSAY_CHARACTERS}
            )
    elif member.can_write:
        rule = RULE_WRITER
        if counts["essays"] == 0:
            missing.append(_("还差1篇心得体会"))
    # writing_requirement_met asks notes of leading cadres too.
    if rule is not None and counts["notes"] == 0:
        missing.append(_("还没有学习笔记"))
    done = writing_requirement_met(
        is_leading_cadre=member.is_leading_cadre, can_write=member.can_write, **counts
    )
    return {"rule": rule, "missing": missing, "done": done, **counts}


@login_required
def my_writings(request):
    member = scope_for(request.user).member
    if member is None:
        return render(request, "study/writings/not_a_member.html", status=404)
    form = WritingForm(request.POST or None)
    if request.method == "POST":
        writing = form_save(form, services.writing_submit, member=member, user=request.user)
        if writing is not None:
            messages.success(
                request,
                _("已提交%(kind)s“%(title)s”,共%(n)s字。")
                % {
                    "kind": writing.get_kind_display(),
                    "title": writing.title,
                    "n": writing.characters,
                },
            )
            return redirect("study:my_writings")
    writings = _label_grades(list(_with_latest_grade(member.writings.all())))
    return render(
        request,
        "study/writings/my_writings.html",
        {
            "member": member,
            "form": form,
            "writings": writings,
            "requirement": _writing_requirement(member),
            # The live counter says how far an essay is from 3000 only where that applies.
            "long_essay_target": LONG_ESSAY_CHARACTERS if member.is_leading_cadre else "",
            "essay_kind": WritingKind.ESSAY,
        },
    )


@login_required
def writing_paper(request, pk):
    member = get_member(request, pk, "keep_ledger")
    form = PaperWritingForm(request.POST or None)
    if request.method == "POST":
        writing = form_save(form, services.writing_log_paper, member=member, user=request.user)
        if writing is not None:
            messages.success(
                request,
                _("已登记%(name)s的纸质%(kind)s“%(title)s”(%(n)s字)。")
                % {
                    "name": member.name,
                    "kind": writing.get_kind_display(),
                    "title": writing.title,
                    "n": writing.characters,
                },
            )
            return redirect("study:writing", pk=writing.pk)
    writings = _label_grades(list(_with_latest_grade(member.writings.all())))
    return render(
        request,
        "study/writings/paper.html",
        {
            "member": member,
            "form": form,
            "writings": writings,
            "requirement": _writing_requirement(member),
        },
    )


def _get_writing(request, pk):
    """A writing its author may read, and anyone who sees the author's branch ledger."""
    writing = get_object_or_404(
        Writing.objects.select_related("member__unit", "submitted_by", "shared_with__member__unit"),
        pk=pk,
    )
    member = scope_for(request.user).member
    if member is None or member.pk != writing.member_id:
        require(request.user, "view_ledger", writing.member.unit)
    return writing


@login_required
def writing_detail(request, pk):
    writing = _get_writing(request, pk)
    unit = writing.member.unit
    can_review = has_perm(request.user, "review_writing", unit)
    form = ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        review = form_save(form, services.writing_review, writing=writing, reviewer=request.user)
        if review is not None:
            messages.success(
                request,
                _("已批阅%(name)s的“%(title)s”,等次:%(grade)s。")
                % {
                    "name": writing.member.name,
                    "title": writing.title,
                    "grade": review.get_grade_display(),
                },
            )
            return redirect(_safe_next(request) or reverse("study:writing", args=[writing.pk]))
    sees_branch = has_perm(request.user, "view_ledger", unit)
    # The essay it shares most with is named to a reviewer, and linked where they may read it.
    shared_with = writing.shared_with if sees_branch and writing.repeats_others else None
    return render(
        request,
        "study/writings/detail.html",
        {
            "writing": writing,
            "shared_with": shared_with,
            "may_read_shared": shared_with is not None
            and has_perm(request.user, "view_ledger", shared_with.member.unit),
            "reviews": writing.reviews.select_related("reviewer"),
            "form": form,
            "is_author": writing.member.user_id == request.user.pk,
            "sees_branch": sees_branch,
            "next": _safe_next(request),
            "falls_short": writing.member.is_leading_cadre
            and writing.kind == WritingKind.ESSAY
            and writing.characters < LONG_ESSAY_CHARACTERS,
            "long_essay_target": LONG_ESSAY_CHARACTERS,
        },
    )


@login_required
def review_queue(request, pk):
    unit = get_unit(request, pk)
    today = timezone.localdate()
    waiting = (
        selectors.unreviewed_writings()
        .filter(member__unit__path__startswith=unit.path)
        .select_related("member__unit")
        .order_by("submitted_at", "pk")
    )
    page = page_of(request, waiting, QUEUE_PER_PAGE)
    for writing in page:
        writing.waiting_days = (today - timezone.localdate(writing.submitted_at)).days
        writing.is_overdue = writing.waiting_days > REVIEW_OVERDUE_DAYS
        writing.falls_short = (
            writing.member.is_leading_cadre
            and writing.kind == WritingKind.ESSAY
            and writing.characters < LONG_ESSAY_CHARACTERS
        )
    overdue_branches = (
        selectors.units_with_review_backlog(Unit.objects.subtree_of(unit).branches(), today=today)
        .filter(review_overdue=True)
        .order_by("path")
    )
    # A branch's secretary sees how long since the branch last reviewed: the week runs
    # from there ("每周应查看、批阅一次").
    last_reviewed = selectors.last_review_day(unit) if unit.is_branch else None
    # Paper copies are logged by the branch's secretary, member by member.
    paper_members = None
    if unit.is_branch and has_perm(request.user, "keep_ledger", unit):
        paper_members = Member.objects.filter(unit=unit).order_by("name", "pk")
    return render(
        request,
        "study/writings/review_queue.html",
        {
            "unit": unit,
            "page": page,
            "overdue_branches": overdue_branches,
            "overdue_days": REVIEW_OVERDUE_DAYS,
            "last_reviewed": last_reviewed,
            "days_since_review": (today - last_reviewed).days if last_reviewed else None,
            "can_review": has_perm(request.user, "review_writing", unit),
            "paper_members": paper_members,
            "long_essay_target": LONG_ESSAY_CHARACTERS,
        },
    )


@login_required
def spot_check_list(request, pk):
    unit = get_unit(request, pk)
    can_draw = has_perm(request.user, "spot_check", unit)
    form = SpotCheckDrawForm(request.POST or None) if can_draw else None
    if request.method == "POST":
        if not can_draw:
            raise PermissionDenied
        check = form_save(form, services.spot_check_draw, unit=unit, user=request.user)
        if check is not None:
            messages.success(
                request,
                _("已从%(unit)s随机抽取%(n)s篇,请逐篇审查后登记结果。")
                % {"unit": unit.name, "n": check.writings.count()},
            )
            return redirect("study:spot_check", pk=check.pk)
    checks = (
        SpotCheck.objects.filter(unit=unit)
        .select_related("drawn_by")
        .annotate(sample_size=Count("writings"))
        .order_by("-drawn_at", "-pk")
    )
    page = page_of(request, checks, SPOT_CHECKS_PER_PAGE)
    return render(
        request,
        "study/writings/spot_checks.html",
        {"unit": unit, "page": page, "form": form},
    )


@login_required
def spot_check_detail(request, pk):
    check = get_object_or_404(
        SpotCheck.objects.select_related("unit", "drawn_by", "recorded_by"), pk=pk
    )
    require(request.user, "view_ledger", check.unit)
    # A result, once recorded, stands as the record of that inspection.
    can_record = has_perm(request.user, "spot_check", check.unit) and check.recorded_at is None
    form = None
    if can_record:
        form = SpotCheckResultForm(request.POST or None, initial={"result": check.result})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if (
            form_save(form, services.spot_check_record, spot_check=check, user=request.user)
            is not None
        ):
            messages.success(request, _("已登记抽查结果。"))
            return redirect("study:spot_check", pk=check.pk)
    sample = (
        check.writings.select_related("member__unit")
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.select_related("reviewer")))
        .order_by("member__unit__path", "member__name", "pk")
    )
    return render(
        request,
        "study/writings/spot_check.html",
        {"check": check, "sample": sample, "form": form},
    )

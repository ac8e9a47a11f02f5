"""Progress toward 40 学时: a member's own figures, a unit's rollup with its children and
laggards, a supervision group's units, and the branch's printed 台账.

"规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇" and the 40-hour completion rate
are the headline of every page here; the figures come from `study.selectors`, a fixed
number of queries per page whatever the size of the district.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.pagination import page_of
from study import exports
from study.models import (
    CREDITED_STATUSES,
    MAKEUP_STATUSES,
    AttendanceStatus,
    MakeUp,
    MemberProgress,
)
from study.selectors import progress as selectors
from study.selectors.absences import out_of_contact_count
from study.selectors.sessions import member_session_history
from study.selectors.shortfall import hours_shortfall, writing_rule, writing_shortfall
from study.selectors.topics import readings_with_coverage, topics_with_coverage
from study.selectors.writings import branches_with_review_backlog
from study.views._common import get_member, get_unit
from units.models import BRANCH_KINDS, Member
from units.permissions import has_perm, scope_for
from units.selectors import unit_ancestors
from units.shortcuts import get_group

LAGGING_LIMIT = 20


# A member ------------------------------------------------------------------------------


@login_required
def my_progress(request):
    """The member's hub: own hours and gaps, and the way to everything a member does."""
    member = scope_for(request.user).member
    if member is None:
        return render(request, "study/progress/not_a_member.html", status=404)
    return _member_page(request, member, own=True)


@login_required
def member_progress(request, pk):
    member = get_member(request, pk)
    own = scope_for(request.user).member
    return _member_page(request, member, own=own is not None and own.pk == member.pk)


def _member_page(request, member, *, own):
    progress = MemberProgress.objects.filter(member=member).first() or MemberProgress(member=member)
    now = timezone.now()
    history = list(member_session_history(member))
    for session in history:
        session.status_label = AttendanceStatus(session.status).label if session.status else None
        session.is_future = session.starts_at > now
        made_up = session.makeup_done_on is not None
        credited = session.status in CREDITED_STATUSES or (
            session.status in MAKEUP_STATUSES and made_up
        )
        session.credited_hours = session.hours if credited else 0
        session.owes_makeup = session.status in MAKEUP_STATUSES and not made_up
    counts = {
        "notes": progress.notes,
        "essays": progress.essays,
        "long_essays": progress.long_essays,
    }
    flags = {"is_leading_cadre": member.is_leading_cadre, "can_write": member.can_write}
    manages = has_perm(request.user, "keep_ledger", member.unit)
    return render(
        request,
        "study/progress/member.html",
        {
            "member": member,
            "progress": progress,
            "own": own,
            "concentrated_share": selectors.percent(
                progress.concentrated_hours, progress.total_hours
            ),
            "shortfall": hours_shortfall(
                concentrated=progress.concentrated_hours, total=progress.total_hours
            ),
            "writing_rule": writing_rule(**flags),
            "writing_missing": writing_shortfall(**flags, **counts),
            "history": history,
            "other_makeups": MakeUp.objects.filter(member=member, attendance__isnull=True),
            "manages": manages,
            "sees_branch": has_perm(request.user, "view_ledger", member.unit),
        },
    )


# A unit --------------------------------------------------------------------------------


def _ancestors(request, unit):
    """The units above `unit` that the user may also open, top first."""
    scope = scope_for(request.user)
    return [a for a in unit_ancestors(unit) if scope.contains_unit(a)]


ROWS_PER_PAGE = 50


@login_required
def unit_progress(request, pk):
    unit = get_unit(request, pk)
    batch = Batch.objects.current()
    # A branch's page lists its readings anyway; its headline counts the uncovered off them.
    readings = list(readings_with_coverage(unit, batch)) if unit.is_branch else None
    rollup = selectors.unit_rollup(unit, batch, readings=readings)
    members = Member.objects.under(unit)
    context = {
        "unit": unit,
        "batch": batch,
        "ancestors": _ancestors(request, unit),
        "figures": rollup.figures,
        # A large 党委 has hundreds of child units: a page of them, lagging first.
        "rows": page_of(request, rollup.rows, ROWS_PER_PAGE),
        "direct": rollup.direct,
        "review_backlog": branches_with_review_backlog(unit),
        "out_of_contact": out_of_contact_count([unit]),
        "keeps_ledger": unit.is_branch or rollup.direct is not None,
        "can_manage": has_perm(request.user, "keep_ledger", unit),
    }
    if unit.is_branch:
        table = list(selectors.members_with_progress(members))
        for member in table:
            member.shortfall = hours_shortfall(
                concentrated=member.concentrated_hours, total=member.total_hours
            )
        topics = list(topics_with_coverage(unit, batch))
        context.update(
            members=table,
            readings=readings,
            readings_uncovered=[r for r in readings if not r.covered],
            topics=topics,
            topics_uncovered=[t for t in topics if not t.covered],
            has_own_topic=any(t.is_own for t in topics),
        )
        return render(request, "study/progress/branch.html", context)
    context.update(
        lagging_branches=selectors.lagging_branches(unit, LAGGING_LIMIT),
        lagging_members=selectors.lagging_members(unit, LAGGING_LIMIT),
        lagging_limit=LAGGING_LIMIT,
    )
    return render(request, "study/progress/unit.html", context)


# A supervision group -------------------------------------------------------------------


@login_required
def group_progress(request, pk):
    """The units a supervision group inspects, for its members and the district office
    (to anyone else the group's pages do not exist)."""
    group = get_group(request, pk, "view_group")
    rollup = selectors.group_rollup(group, Batch.objects.current())
    return render(
        request,
        "study/progress/group.html",
        {
            "group": group,
            "supervisors": list(group.members.order_by("last_name", "first_name", "pk")),
            "figures": rollup.figures,
            "rows": rollup.rows,
        },
    )


# The printed ledger --------------------------------------------------------------------


@login_required
def ledger_export(request, pk):
    unit = get_unit(request, pk)
    if unit.kind not in BRANCH_KINDS:
        messages.error(
            request,
            _("学习台账按党支部建立,请从下面的表格进入一个党支部后再导出。"),
        )
        return redirect("study:unit_progress", pk=unit.pk)
    content = exports.ledger_workbook(unit=unit)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{unit.name}学习台账{timezone.localdate():%Y%m%d}.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
    )

"""Writes for what an absence leaves owed and for study outside the sessions: a make-up
done, leave asked and decided, self-study logged, a mobile member contacted.

"建立并严格落实学习考勤,读书笔记、请销假和补课制度": a make-up, once done, earns the
concentrated hours of the session it replaces; leave approved after the roster was saved
turns the member's 缺席 into 请假; 自学 counts toward the 40 学时.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written, and a write that changes a member's figures brings
their stored progress (`MemberProgress`) up to date in the same transaction.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Reading
from study.models import (
    Attendance,
    AttendanceStatus,
    ContactLog,
    ContactMethod,
    LeaveRequest,
    LeaveStatus,
    MakeUp,
    MakeUpCorrection,
    MakeUpCorrectionAction,
    MakeUpMethod,
    SelfStudy,
    StudySession,
)
from study.services.progress import progress_refresh
from study.services.sessions import apply_status, check_hours, check_in_batch
from units.models import Member

# Make-ups and leave --------------------------------------------------------------------


def _check_done(makeup: MakeUp, done_on: datetime.date, method: str) -> None:
    """A make-up's day and way, as recorded or corrected: not before the session it
    replaces, not after today, inside the batch."""
    if makeup.attendance_id:
        held_on = timezone.localdate(makeup.attendance.session.starts_at)
        if done_on < held_on:
            raise ValidationError({"done_on": _("补课日期不能早于所缺的那次学习。")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("补课日期不能晚于今天。")})
    check_in_batch(done_on, "done_on")
    if method not in MakeUpMethod.values:
        raise ValidationError({"method": _("请选择补课方式。")})


def makeup_complete(
    *, makeup: MakeUp, done_on: datetime.date, method: str, user: AbstractBaseUser, note: str = ""
) -> MakeUp:
    """Record a make-up as done: it then counts as the concentrated hours it replaces."""
    already_done = ValidationError(_("这次补课已经登记过了。"))
    if makeup.is_done:
        raise already_done
    _check_done(makeup, done_on, method)
    with transaction.atomic():
        # Conditional on still being owed: of two secretaries recording it at once, one wins.
        claimed = MakeUp.objects.filter(pk=makeup.pk, done_on__isnull=True).update(
            done_on=done_on, method=method, note=note, recorded_by=user
        )
        if not claimed:
            raise already_done
        makeup.done_on, makeup.method, makeup.note, makeup.recorded_by = done_on, method, note, user
        progress_refresh(member_ids=[makeup.member_id], reviews=False)
    return makeup


def _makeup_values(makeup: MakeUp) -> dict[str, str]:
    return {
        str(_("补课日期")): makeup.done_on.isoformat() if makeup.done_on else "",
        str(_("补课方式")): makeup.get_method_display() if makeup.method else "",
        str(_("说明")): makeup.note,
    }


def _clean_correction_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明更正原因。")})
    return reason


def makeup_undo(*, makeup: MakeUp, reason: str, user: AbstractBaseUser) -> MakeUpCorrection:
    """A make-up recorded done by mistake is owed again: its hours leave the member's
    figures, and the correction keeps what it said and why it was taken back."""
    reason = _clean_correction_reason(reason)
    with transaction.atomic():
        makeup = MakeUp.objects.select_for_update().get(pk=makeup.pk)
        if not makeup.is_done:
            raise ValidationError(_("这次补课还没有登记,不需要撤销。"))
        before = _makeup_values(makeup)
        makeup.done_on, makeup.method, makeup.note, makeup.recorded_by = None, "", "", None
        makeup.save(update_fields=["done_on", "method", "note", "recorded_by"])
        correction = MakeUpCorrection.objects.create(
            makeup=makeup,
            action=MakeUpCorrectionAction.UNDONE,
            changes={label: [value, ""] for label, value in before.items() if value},
            reason=reason,
            changed_by=user,
        )
        progress_refresh(member_ids=[makeup.member_id], reviews=False)
    return correction


def makeup_correct(
    *,
    makeup: MakeUp,
    done_on: datetime.date,
    method: str,
    reason: str,
    user: AbstractBaseUser,
    note: str = "",
) -> MakeUpCorrection | None:
    """Put right the date, the way or the note of a make-up recorded done; None when
    nothing changed (nothing is recorded then)."""
    reason = _clean_correction_reason(reason)
    _check_done(makeup, done_on, method)
    with transaction.atomic():
        makeup = MakeUp.objects.select_for_update().get(pk=makeup.pk)
        if not makeup.is_done:
            raise ValidationError(_("这次补课还没有登记,请先登记补课。"))
        before = _makeup_values(makeup)
        makeup.done_on, makeup.method, makeup.note = done_on, method, note
        after = _makeup_values(makeup)
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if not changes:
            return None
        makeup.save(update_fields=["done_on", "method", "note"])
        correction = MakeUpCorrection.objects.create(
            makeup=makeup,
            action=MakeUpCorrectionAction.CHANGED,
            changes=changes,
            reason=reason,
            changed_by=user,
        )
        # The date may move it in or out of a batch's figures.
        progress_refresh(member_ids=[makeup.member_id], reviews=False)
    return correction


def leave_request(
    *,
    member: Member,
    session: StudySession,
    reason: str,
    user: AbstractBaseUser,
    now: datetime.datetime | None = None,
) -> LeaveRequest:
    """请假 for a session: in advance when the member asks; the secretary may enter it later."""
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写请假事由。")})
    if session.unit_id != member.unit_id:
        raise ValidationError(_("只能为本支部的学习请假。"))
    asked_by_member = member.user_id == user.pk
    if asked_by_member and now >= session.starts_at:
        raise ValidationError(_("学习已经开始,不能再请假;如确有原因,请联系支部书记。"))
    if LeaveRequest.objects.filter(member=member, session=session).exists():
        raise ValidationError(_("已经为这次学习请过假了。"))
    return LeaveRequest.objects.create(
        member=member, session=session, reason=reason.strip(), requested_by=user
    )


def leave_decide(*, leave: LeaveRequest, approve: bool, user: AbstractBaseUser) -> LeaveRequest:
    """The secretary approves or refuses; an approved leave marks the roster 请假 if it is kept."""
    with transaction.atomic():
        leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
        if leave.status != LeaveStatus.PENDING:
            raise ValidationError(_("这条请假已经审批过了。"))
        leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
        leave.decided_by = user
        leave.decided_at = timezone.now()
        leave.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            attendance = (
                Attendance.objects.filter(session=leave.session, member=leave.member)
                .select_related("session")
                .first()
            )
            if attendance is not None and attendance.status == AttendanceStatus.ABSENT:
                apply_status(attendance, AttendanceStatus.LEAVE, user=user, record_change=True)
                progress_refresh(member_ids=[leave.member_id], reviews=False)
    return leave


# Self-study and contact ----------------------------------------------------------------


def self_study_log(
    *,
    member: Member,
    studied_on: datetime.date,
    hours: Decimal,
    material: str,
    user: AbstractBaseUser,
    readings: Iterable[Reading] = (),
) -> SelfStudy:
    check_hours(hours)
    if not (material or "").strip():
        raise ValidationError({"material": _("请填写学习了什么。")})
    if studied_on > timezone.localdate():
        raise ValidationError({"studied_on": _("自学日期不能晚于今天。")})
    check_in_batch(studied_on, "studied_on")
    with transaction.atomic():
        entry = SelfStudy.objects.create(
            member=member,
            studied_on=studied_on,
            hours=hours,
            material=material.strip(),
            recorded_by=user,
        )
        entry.readings.set(readings)
        progress_refresh(member_ids=[member.pk], reviews=False)
    return entry


def contact_log(
    *,
    member: Member,
    contacted_on: datetime.date,
    method: str,
    user: AbstractBaseUser,
    note: str = "",
) -> ContactLog:
    if method not in ContactMethod.values:
        raise ValidationError({"method": _("请选择联系方式:家访、信函或电话。")})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("联系日期不能晚于今天。")})
    return ContactLog.objects.create(
        member=member, contacted_on=contacted_on, method=method, note=note, recorded_by=user
    )

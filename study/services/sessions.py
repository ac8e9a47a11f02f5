"""Writes to the study sessions and their rosters: a session entered or changed, the
roster the secretary saves at the meeting, a member's own sign-in.

"集中学习实行'签到制',原则上不能请假,因事缺席的要及时补课": leave or an absence on a
roster owes a make-up, which goes again if the member is marked present after all. A roster
can be corrected for ROSTER_EDIT_DAYS after the session, and every correction is kept (who,
when, old → new). The checks of a date against the current batch and of a number of hours
are here too; the writes of study.services.absences make them as well.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written, writes inside one transaction, and brings the
members' stored progress (`MemberProgress`) up to date in the same transaction.
"""

import datetime
import math
import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch, Reading
from common import throttle
from common.dates import day_text, day_time_text
from common.notifications import notify
from study.models import (
    CREDITED_STATUSES,
    MAKEUP_STATUSES,
    MAX_SESSION_HOURS,
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    MakeUp,
    StudySession,
)
from study.services.progress import progress_refresh
from units.models import Member, Role, Unit

# A roster can be corrected for this many days after the session ("editing later is
# possible for a set number of days"); after that the ledger stands as kept.
ROSTER_EDIT_DAYS = 7

# Self sign-in opens a little before the session and closes when it ends.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)

# Signing in this long after the start counts as 迟到.
LATE_AFTER = datetime.timedelta(minutes=10)


# Dates ---------------------------------------------------------------------------------


def batch_dates() -> tuple[datetime.date, datetime.date] | None:
    """(first day, last day) of the current batch, or None when there is none."""
    batch = Batch.objects.current()
    return (batch.starts_on, batch.ends_on) if batch else None


def check_in_batch(day: datetime.date, field: str) -> None:
    dates = batch_dates()
    if dates is None:
        raise ValidationError(_("尚未制定活动安排,请先由区委先进性教育办公室设置当前批次。"))
    first, last = dates
    if not first <= day <= last:
        raise ValidationError(
            {
                field: _("日期应在本批次活动期间(%(first)s至%(last)s)。")
                % {"first": day_text(first), "last": day_text(last)}
            }
        )


def check_hours(hours: Decimal | None, field: str = "hours") -> None:
    if hours is None or hours <= 0:
        raise ValidationError({field: _("学时应大于0。")})
    if hours > MAX_SESSION_HOURS:
        raise ValidationError(
            {field: _("一次学习不能超过%(max)s学时。") % {"max": MAX_SESSION_HOURS}}
        )


# Sessions and sign-in ------------------------------------------------------------------


def _new_checkin_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def session_create(
    *, unit: Unit, user: AbstractBaseUser, readings: Iterable[Reading] = (), **fields: Any
) -> StudySession:
    """Create a study session of a branch with a fresh sign-in code."""
    check_hours(fields.get("hours"))
    check_in_batch(timezone.localdate(fields["starts_at"]), "starts_at")
    for _attempt in range(10):
        session = StudySession(
            unit=unit, created_by=user, checkin_code=_new_checkin_code(), **fields
        )
        session.full_clean(exclude=["checkin_code"])
        try:
            with transaction.atomic():
                session.save()
                session.readings.set(readings)
            return session
        except IntegrityError:
            # Another session drew the same code; draw again.
            continue
    raise RuntimeError("could not draw a unique sign-in code")


def session_update(
    *,
    session: StudySession,
    user: AbstractBaseUser,
    readings: Iterable[Reading] | None = None,
    **fields: Any,
) -> StudySession:
    if (
        {"hours", "starts_at"} & fields.keys()
        and not roster_is_open(session)
        and session.attendances.exists()
    ):
        # The hours and date are what everyone's credit rests on; the ledger stands.
        raise ValidationError(
            _("本次学习的签到已超过%(days)s天,不能再修改时间和学时。") % {"days": ROSTER_EDIT_DAYS}
        )
    if "hours" in fields:
        check_hours(fields["hours"])
    if "starts_at" in fields:
        check_in_batch(timezone.localdate(fields["starts_at"]), "starts_at")
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    with transaction.atomic():
        session.save()
        if readings is not None:
            session.readings.set(readings)
        # The hours may have changed: everyone's credit and make-ups follow.
        MakeUp.objects.filter(attendance__session=session).update(hours=session.hours)
        progress_refresh(
            member_ids=session.attendances.values_list("member_id", flat=True), reviews=False
        )
    return session


def roster_editable_until(session: StudySession) -> datetime.datetime:
    return session.starts_at + datetime.timedelta(days=ROSTER_EDIT_DAYS)


def roster_is_open(session: StudySession, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) <= roster_editable_until(session)


def _makeup_reason(session: StudySession, status: str) -> str:
    return _("%(date)s %(kind)s“%(title)s”%(status)s") % {
        "date": day_text(timezone.localdate(session.starts_at)),
        "kind": session.get_kind_display(),
        "title": session.title,
        "status": AttendanceStatus(status).label,
    }


def apply_status(
    attendance: Attendance, status: str, *, user: AbstractBaseUser, record_change: bool
) -> None:
    """Set one attendance's status, keep its make-up in step, log the change."""
    statuses_apply(
        attendance.session, [(attendance, status)], user=user, record_change=record_change
    )


def statuses_apply(
    session: StudySession,
    changes: Sequence[tuple[Attendance, str]],
    *,
    user: AbstractBaseUser,
    record_change: bool,
) -> None:
    """Set the statuses of sign-ins of one session, keep their make-ups in step, log the
    changes of saved ones — in the same few statements for one member as for a branch of
    sixty: a roster saved at the meeting is the page a secretary waits for on a phone.

    The caller holds the session's row, so nobody else writes these make-ups meanwhile.
    """
    now = timezone.now()
    new, moved, log = [], [], []
    for attendance, status in changes:
        old = attendance.status
        attendance.session = session
        attendance.status, attendance.updated_by, attendance.updated_at = status, user, now
        if attendance.pk is None:
            new.append(attendance)
        elif old != status:
            moved.append(attendance)
            if record_change:
                log.append(
                    AttendanceChange(
                        attendance=attendance, old_status=old, new_status=status, changed_by=user
                    )
                )
    created = {id(attendance) for attendance in new}
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(moved, ["status", "updated_by", "updated_at"])
    AttendanceChange.objects.bulk_create(log)

    # Present after all: nothing is owed, and a make-up already done would count twice.
    present = [
        a.pk for a, status in changes if status not in MAKEUP_STATUSES and id(a) not in created
    ]
    if present:
        try:
            MakeUp.objects.filter(attendance_id__in=present).delete()
        except ProtectedError as error:
            # A make-up with a correction keeps it for good (common.history), so it can't
            # go away with the absence: before, this was a 500.
            names = sorted({c.makeup.member.name for c in error.protected_objects})
            raise ValidationError(
                _("%(names)s这次缺课的补课已有更正记录,更正记录须保留,签到不能再改为出席。")
                % {"names": "、".join(names)}
            ) from error
    owing = {a.pk: a for a, status in changes if status in MAKEUP_STATUSES}
    if not owing:
        return
    saved_before = [pk for pk, a in owing.items() if id(a) not in created]
    kept = list(MakeUp.objects.filter(attendance_id__in=saved_before)) if saved_before else []
    for makeup in kept:
        attendance = owing.pop(makeup.attendance_id)
        makeup.hours, makeup.reason = session.hours, _makeup_reason(session, attendance.status)
    MakeUp.objects.bulk_update(kept, ["hours", "reason"])
    MakeUp.objects.bulk_create(
        MakeUp(
            attendance=attendance,
            member_id=attendance.member_id,
            hours=session.hours,
            reason=_makeup_reason(session, attendance.status),
        )
        for attendance in owing.values()
    )


def roster_save(
    *,
    session: StudySession,
    entries: Sequence[tuple[int, str]],
    user: AbstractBaseUser,
    now: datetime.datetime | None = None,
) -> list[int]:
    """Save the roster of a session in one go.

    `entries` is a list of (member id, status). Every member must belong to the session's
    branch and appear once. Changes to a roster already saved are recorded (who, when,
    old → new), and only within ROSTER_EDIT_DAYS of the session.
    """
    now = now or timezone.now()
    seen = set()
    duplicates = set()
    for member_id, _status in entries:
        (duplicates if member_id in seen else seen).add(member_id)
    members = {m.pk: m for m in Member.objects.filter(pk__in=seen)}
    errors = []
    if duplicates:
        names = "、".join(sorted(members[m].name for m in duplicates if m in members))
        errors.append(_("同一名党员在名单中出现了两次:%(names)s。") % {"names": names})
    foreign = [m for m in seen if m not in members or members[m].unit_id != session.unit_id]
    if foreign:
        names = "、".join(sorted(members[m].name for m in foreign if m in members))
        if names:
            errors.append(
                _("%(names)s不是本支部党员,不能登记在本次学习的名单上。") % {"names": names}
            )
        else:
            errors.append(_("名单中有不存在的党员,请刷新页面后重新登记。"))
    valid = set(AttendanceStatus.values)
    if any(status not in valid for _member, status in entries):
        errors.append(_("签到情况只能是出席、迟到、请假、缺席或送课上门。"))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The session's row first: of two saves of a roster nobody has saved yet (a double
        # tap, the secretary and the ledger keeper at once), the second waits and then
        # finds the first one's sign-ins to change, instead of inserting them again.
        list(StudySession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
        existing = {
            a.member_id: a
            for a in Attendance.objects.select_for_update()
            .filter(session=session)
            .select_related("session")
        }
        if existing and now > roster_editable_until(session):
            raise ValidationError(
                _("本次学习的签到已超过%(days)s天,不能再修改。") % {"days": ROSTER_EDIT_DAYS}
            )
        writes = [
            (existing.get(member_id) or Attendance(member_id=member_id), status)
            for member_id, status in entries
            if member_id not in existing or existing[member_id].status != status
        ]
        # A first save is not a correction: only the sign-ins saved before are logged.
        statuses_apply(session, writes, user=user, record_change=True)
        changed = [attendance.member_id for attendance, _status in writes]
        if changed:
            progress_refresh(member_ids=changed, reviews=False)
    return changed


class CheckinRefused(ValidationError):
    """A self sign-in the member is told no to, with the reason."""


def checkin_window(session: StudySession) -> tuple[datetime.datetime, datetime.datetime]:
    end = session.starts_at + datetime.timedelta(hours=float(session.hours))
    return session.starts_at - CHECKIN_OPENS_BEFORE, end


# Wrong codes a member may type in CHECKIN_GUESS_WINDOW seconds; then every code, right or
# wrong, waits for the window to end, so that codes can't be tried in turn.
CHECKIN_GUESSES = 10

CHECKIN_GUESS_WINDOW = 10 * 60


def self_check_in(*, member: Member, code: str, now: datetime.datetime | None = None) -> Attendance:
    """A member signs themself in with the code shown at the session."""
    now = now or timezone.now()
    code = (code or "").strip()
    guesses = f"checkin-wrong:{member.pk}"
    if throttle.attempts_count(guesses, window=CHECKIN_GUESS_WINDOW) >= CHECKIN_GUESSES:
        minutes = math.ceil(throttle.retry_after(window=CHECKIN_GUESS_WINDOW) / 60)
        raise CheckinRefused(
            _("尝试次数过多,请%(minutes)d分钟后再试;也可以请支部书记在签到名单上登记。")
            % {"minutes": minutes}
        )
    session = StudySession.objects.filter(checkin_code=code).first()
    # Another branch's code gets the same answer as no code at all: telling them apart
    # would tell a guesser which codes are in use.
    if session is None or session.unit_id != member.unit_id:
        throttle.attempts_hit(guesses, window=CHECKIN_GUESS_WINDOW)
        raise CheckinRefused(_("签到码不正确,请核对后重新输入。"))
    opens, closes = checkin_window(session)
    if not opens <= now <= closes:
        raise CheckinRefused(
            _("现在不在本次学习的签到时间内(%(opens)s 至 %(closes)s)。")
            % {
                "opens": day_time_text(opens),
                "closes": timezone.localtime(closes).strftime("%H:%M"),
            }
        )
    status = (
        AttendanceStatus.PRESENT if now <= session.starts_at + LATE_AFTER else AttendanceStatus.LATE
    )
    with transaction.atomic():
        # As in roster_save: whoever writes a session's sign-ins holds its row first.
        list(StudySession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
        attendance = (
            Attendance.objects.select_for_update()
            .filter(session=session, member=member)
            .select_related("session")
            .first()
        )
        if attendance is not None and attendance.self_signed_at is not None:
            raise CheckinRefused(
                _("您已经签到过了(%(time)s)。")
                % {"time": timezone.localtime(attendance.self_signed_at).strftime("%H:%M")}
            )
        if attendance is None:
            attendance = Attendance(session=session, member=member)
            attendance.session = session
            apply_status(attendance, status, user=member.user, record_change=False)
        elif attendance.status not in CREDITED_STATUSES:
            # The secretary's record says absent or on leave, and a make-up is owed for
            # it: the member's code doesn't overrule it. Both stand side by side on the
            # roster until the secretary decides, and the secretary is told now.
            _checkin_conflict_notify(attendance=attendance, at=now)
        attendance.self_signed_at = now
        attendance.save(update_fields=["self_signed_at"])
        progress_refresh(member_ids=[member.pk], reviews=False)
    return attendance


def checkin_conflicts(attendance: Attendance) -> bool:
    """Signed in by code, yet recorded absent or on leave: the secretary must decide."""
    return attendance.self_signed_at is not None and attendance.status not in CREDITED_STATUSES


def _checkin_conflict_notify(*, attendance: Attendance, at: datetime.datetime) -> None:
    session = attendance.session
    keepers = get_user_model().objects.filter(
        role_assignments__unit=session.unit,
        role_assignments__role__in=[Role.SECRETARY, Role.LEDGER_KEEPER],
        is_active=True,
    )
    recorder = [attendance.updated_by] if attendance.updated_by_id else []
    owed = _(",已登记补课") if attendance.status in MAKEUP_STATUSES else ""
    notify(
        users=[*keepers, *recorder],
        text=_(
            "%(name)s %(time)s 扫码签到了“%(title)s”,但签到名单上记为%(status)s%(owed)s。"
            "请核实:确实到会的,在签到名单上改为出席或迟到;没有到会的,保持不变。"
        )
        % {
            "name": attendance.member.name,
            "time": timezone.localtime(at).strftime("%H:%M"),
            "title": session.title,
            "status": attendance.get_status_display(),
            "owed": owed,
        },
        link=reverse("study:session", args=[session.pk]),
    )

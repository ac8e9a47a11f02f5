"""Every write to the study ledger.

Each function checks its rules and raises `ValidationError` (keyed by form field where
one is at fault) before anything is written, writes inside one transaction, and brings
the members' stored progress (`MemberProgress`) up to date in the same transaction.
"""

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Campaign
from study.models import (
    CONCENTRATED_SHARE,
    CREDITED_STATUSES,
    LEADING_CADRE_ESSAYS,
    LONG_ESSAY_CHARACTERS,
    MAKEUP_STATUSES,
    MAX_SESSION_HOURS,
    REQUIRED_HOURS,
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    ContactLog,
    ContactMethod,
    LeaveRequest,
    LeaveStatus,
    MakeUp,
    MakeUpMethod,
    MemberProgress,
    Reading,
    Review,
    SelfStudy,
    SpotCheck,
    StudySession,
    Topic,
    Writing,
    WritingKind,
)
from units.models import Member

# A roster can be corrected for this many days after the session ("editing later is
# possible for a set number of days"); after that the ledger stands as kept.
ROSTER_EDIT_DAYS = 7
# Self sign-in opens a little before the session and closes when it ends.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
# Signing in this long after the start counts as 迟到.
LATE_AFTER = datetime.timedelta(minutes=10)
# SQLite allows 999 parameters per statement; stay well under it.
CHUNK = 500


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# The plan's study content -------------------------------------------------------------

# "专题设置总体上可以按照'四加一'的格局来考虑": four for everyone, one each unit chooses.
FIXED_TOPICS = [
    "理想信念与党的宗旨",
    "党员先锋模范作用与党的执政能力建设",
    "求真务实与坚持科学发展观和正确政绩观",
    "党的优良传统和作风",
]
# The texts the speech names for concentrated study.
REQUIRED_READINGS = [
    "《中国共产党章程》",
    "《保持共产党员先进性教育读本》",
    "《保持共产党员先进性教育活动简明读本》",
    "胡锦涛同志在新时期保持共产党员先进性专题报告会上的讲话",
    "《江泽民论加强和改进执政党建设(专题摘编)》",
    "党的十六大报告",
    "十六届三中全会《决定》",
    "十六届四中全会《决定》",
    "市委《关于贯彻〈中共中央关于加强党的执政能力建设的决定〉的意见》",
    "《行政许可法》",
]


def study_plan_create(*, campaign):
    """Give a new campaign the four fixed topics and the required readings (idempotent)."""
    for number, name in enumerate(FIXED_TOPICS, start=1):
        Topic.objects.get_or_create(
            campaign=campaign, unit=None, number=number, defaults={"name": name}
        )
    for number, title in enumerate(REQUIRED_READINGS, start=1):
        Reading.objects.get_or_create(campaign=campaign, number=number, defaults={"title": title})


# Progress ------------------------------------------------------------------------------


def writing_requirement_met(*, is_leading_cadre, can_write, notes, essays, long_essays):
    """Members who can write: notes and one 心得体会 ("有书写能力的党员都要作好学习笔记……
    至少写出一篇"); 党员领导干部 besides: two 心得体会 of 3000+ characters. Others owe none."""
    if is_leading_cadre and long_essays < LEADING_CADRE_ESSAYS:
        return False
    if can_write or is_leading_cadre:
        return notes >= 1 and essays >= 1
    return True


def hours_requirement_met(*, concentrated, total):
    """At least 40 学时, of which 集中学习 at least two thirds."""
    numerator, denominator = CONCENTRATED_SHARE
    return total >= REQUIRED_HOURS and concentrated * denominator >= total * numerator


def progress_refresh(*, member_ids):
    """Recompute the stored progress of these members from the ledger (a fixed number of
    grouped queries per 500 members)."""
    for ids in _chunks(set(member_ids)):
        _refresh_chunk(ids)


def _grouped(queryset, ids, **aggregates):
    rows = queryset.filter(member_id__in=ids).values("member_id").annotate(**aggregates)
    return {row["member_id"]: row for row in rows.order_by()}


def _hours(total):
    """A summed number of hours, exact to 0.1: SQLite sums decimals as floats."""
    return Decimal(str(total or 0)).quantize(Decimal("0.1"))


def _refresh_chunk(ids):
    attended = _grouped(
        Attendance.objects.filter(status__in=CREDITED_STATUSES),
        ids,
        hours=Sum("session__hours"),
        sessions=Count("pk"),
    )
    makeups = _grouped(
        MakeUp.objects.all(),
        ids,
        done_hours=Sum("hours", filter=Q(done_on__isnull=False)),
        owed=Count("pk", filter=Q(done_on__isnull=True)),
    )
    self_study = _grouped(SelfStudy.objects.all(), ids, hours=Sum("hours"))
    writings = _grouped(
        Writing.objects.all(),
        ids,
        notes=Count("pk", filter=Q(kind=WritingKind.NOTE)),
        essays=Count("pk", filter=Q(kind=WritingKind.ESSAY)),
        long_essays=Count(
            "pk", filter=Q(kind=WritingKind.ESSAY, characters__gte=LONG_ESSAY_CHARACTERS)
        ),
    )
    rows = []
    for member_id, is_leading_cadre, can_write in Member.objects.filter(pk__in=ids).values_list(
        "pk", "is_leading_cadre", "can_write"
    ):
        concentrated = _hours(attended.get(member_id, {}).get("hours")) + _hours(
            makeups.get(member_id, {}).get("done_hours")
        )
        self_hours = _hours(self_study.get(member_id, {}).get("hours"))
        total = concentrated + self_hours
        written = writings.get(member_id, {})
        counts = {key: written.get(key, 0) for key in ("notes", "essays", "long_essays")}
        rows.append(
            MemberProgress(
                member_id=member_id,
                concentrated_hours=concentrated,
                self_study_hours=self_hours,
                total_hours=total,
                is_complete=hours_requirement_met(concentrated=concentrated, total=total),
                sessions_attended=attended.get(member_id, {}).get("sessions", 0),
                makeups_owed=makeups.get(member_id, {}).get("owed", 0),
                writing_done=writing_requirement_met(
                    is_leading_cadre=is_leading_cadre, can_write=can_write, **counts
                ),
                updated_at=timezone.now(),
                **counts,
            )
        )
    MemberProgress.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=[
            "concentrated_hours",
            "self_study_hours",
            "total_hours",
            "is_complete",
            "sessions_attended",
            "makeups_owed",
            "notes",
            "essays",
            "long_essays",
            "writing_done",
            "updated_at",
        ],
    )


# Dates ---------------------------------------------------------------------------------


def campaign_dates():
    """(first day, last day) of the current campaign, or None when there is none."""
    campaign = Campaign.objects.current()
    return (campaign.starts_on, campaign.ends_on) if campaign else None


def _check_in_campaign(day, field):
    dates = campaign_dates()
    if dates is None:
        raise ValidationError(_("尚未制定活动安排,请先由区委先进性教育办公室设置当前批次。"))
    first, last = dates
    if not first <= day <= last:
        raise ValidationError(
            {
                field: _("日期应在本批次活动期间(%(first)s至%(last)s)。")
                % {"first": date_format(first), "last": date_format(last)}
            }
        )


def _check_hours(hours, field="hours"):
    if hours is None or hours <= 0:
        raise ValidationError({field: _("学时应大于0。")})
    if hours > MAX_SESSION_HOURS:
        raise ValidationError(
            {field: _("一次学习不能超过%(max)s学时。") % {"max": MAX_SESSION_HOURS}}
        )


# Sessions and sign-in ------------------------------------------------------------------


def _new_checkin_code():
    return f"{secrets.randbelow(1_000_000):06d}"


def session_create(*, unit, user, readings=(), **fields):
    """Create a study session of a branch with a fresh sign-in code."""
    _check_hours(fields.get("hours"))
    _check_in_campaign(timezone.localdate(fields["starts_at"]), "starts_at")
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


def session_update(*, session, user, readings=None, **fields):
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
        _check_hours(fields["hours"])
    if "starts_at" in fields:
        _check_in_campaign(timezone.localdate(fields["starts_at"]), "starts_at")
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    with transaction.atomic():
        session.save()
        if readings is not None:
            session.readings.set(readings)
        # The hours may have changed: everyone's credit and make-ups follow.
        MakeUp.objects.filter(attendance__session=session).update(hours=session.hours)
        progress_refresh(member_ids=session.attendances.values_list("member_id", flat=True))
    return session


def roster_editable_until(session):
    return session.starts_at + datetime.timedelta(days=ROSTER_EDIT_DAYS)


def roster_is_open(session, now=None):
    return (now or timezone.now()) <= roster_editable_until(session)


def _makeup_reason(session, status):
    return _("%(date)s %(kind)s“%(title)s”%(status)s") % {
        "date": date_format(timezone.localdate(session.starts_at), "Y年n月j日"),
        "kind": session.get_kind_display(),
        "title": session.title,
        "status": AttendanceStatus(status).label,
    }


def _apply_status(attendance, status, *, user, record_change):
    """Set one attendance's status, keep its make-up in step, log the change."""
    old = attendance.status
    attendance.status = status
    attendance.updated_by = user
    if attendance.pk is None:
        attendance.save()
    elif old != status:
        attendance.save(update_fields=["status", "updated_by", "updated_at"])
        if record_change:
            AttendanceChange.objects.create(
                attendance=attendance, old_status=old, new_status=status, changed_by=user
            )
    session = attendance.session
    if status in MAKEUP_STATUSES:
        MakeUp.objects.update_or_create(
            attendance=attendance,
            defaults={
                "member_id": attendance.member_id,
                "hours": session.hours,
                "reason": _makeup_reason(session, status),
            },
        )
    else:
        # Present after all: nothing is owed, and a make-up already done would count twice.
        MakeUp.objects.filter(attendance=attendance).delete()


def roster_save(*, session, entries, user, now=None):
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
        changed = []
        for member_id, status in entries:
            attendance = existing.get(member_id)
            if attendance is None:
                attendance = Attendance(session=session, member_id=member_id, status=status)
                attendance.session = session
                _apply_status(attendance, status, user=user, record_change=False)
                changed.append(member_id)
            elif attendance.status != status:
                _apply_status(attendance, status, user=user, record_change=True)
                changed.append(member_id)
        progress_refresh(member_ids=changed)
    return changed


class CheckinRefused(ValidationError):
    """A self sign-in the member is told no to, with the reason."""


def checkin_window(session):
    end = session.starts_at + datetime.timedelta(hours=float(session.hours))
    return session.starts_at - CHECKIN_OPENS_BEFORE, end


def self_check_in(*, member, code, now=None):
    """A member signs themself in with the code shown at the session."""
    now = now or timezone.now()
    code = (code or "").strip()
    session = StudySession.objects.filter(checkin_code=code).first()
    if session is None:
        raise CheckinRefused(_("签到码不正确,请核对后重新输入。"))
    if session.unit_id != member.unit_id:
        raise CheckinRefused(_("这个签到码是其他支部的学习,您不能用它签到。"))
    opens, closes = checkin_window(session)
    if not opens <= now <= closes:
        raise CheckinRefused(
            _("现在不在本次学习的签到时间内(%(opens)s 至 %(closes)s)。")
            % {
                "opens": timezone.localtime(opens).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(closes).strftime("%H:%M"),
            }
        )
    status = (
        AttendanceStatus.PRESENT if now <= session.starts_at + LATE_AFTER else AttendanceStatus.LATE
    )
    with transaction.atomic():
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
            _apply_status(attendance, status, user=member.user, record_change=False)
        elif attendance.status not in CREDITED_STATUSES:
            _apply_status(attendance, status, user=member.user, record_change=True)
        attendance.self_signed_at = now
        attendance.save(update_fields=["self_signed_at"])
        progress_refresh(member_ids=[member.pk])
    return attendance


# Make-ups and leave --------------------------------------------------------------------


def makeup_complete(*, makeup, done_on, method, user, note=""):
    """Record a make-up as done: it then counts as the concentrated hours it replaces."""
    already_done = ValidationError(_("这次补课已经登记过了。"))
    if makeup.is_done:
        raise already_done
    if makeup.attendance_id:
        held_on = timezone.localdate(makeup.attendance.session.starts_at)
        if done_on < held_on:
            raise ValidationError({"done_on": _("补课日期不能早于所缺的那次学习。")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("补课日期不能晚于今天。")})
    _check_in_campaign(done_on, "done_on")
    if method not in MakeUpMethod.values:
        raise ValidationError({"method": _("请选择补课方式。")})
    with transaction.atomic():
        # Conditional on still being owed: of two secretaries recording it at once, one wins.
        claimed = MakeUp.objects.filter(pk=makeup.pk, done_on__isnull=True).update(
            done_on=done_on, method=method, note=note, recorded_by=user
        )
        if not claimed:
            raise already_done
        makeup.done_on, makeup.method, makeup.note, makeup.recorded_by = done_on, method, note, user
        progress_refresh(member_ids=[makeup.member_id])
    return makeup


def leave_request(*, member, session, reason, user, now=None):
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


def leave_decide(*, leave, approve, user):
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
                _apply_status(attendance, AttendanceStatus.LEAVE, user=user, record_change=True)
                progress_refresh(member_ids=[leave.member_id])
    return leave


# Self-study and contact ----------------------------------------------------------------


def self_study_log(*, member, studied_on, hours, material, user, readings=()):
    _check_hours(hours)
    if not (material or "").strip():
        raise ValidationError({"material": _("请填写学习了什么。")})
    if studied_on > timezone.localdate():
        raise ValidationError({"studied_on": _("自学日期不能晚于今天。")})
    _check_in_campaign(studied_on, "studied_on")
    with transaction.atomic():
        entry = SelfStudy.objects.create(
            member=member,
            studied_on=studied_on,
            hours=hours,
            material=material.strip(),
            recorded_by=user,
        )
        entry.readings.set(readings)
        progress_refresh(member_ids=[member.pk])
    return entry


def contact_log(*, member, contacted_on, method, user, note=""):
    if method not in ContactMethod.values:
        raise ValidationError({"method": _("请选择联系方式:家访、信函或电话。")})
    if contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": _("联系日期不能晚于今天。")})
    return ContactLog.objects.create(
        member=member, contacted_on=contacted_on, method=method, note=note, recorded_by=user
    )


# Notes, essays and their review --------------------------------------------------------


def count_characters(text):
    """字数 the way an office counts it: every character that is not white space."""
    return sum(1 for char in text if not char.isspace())


def writing_submit(*, member, kind, title, text, user):
    """A note or essay written online; its character count comes from the text."""
    if not (text or "").strip():
        raise ValidationError({"text": _("正文不能为空。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写题目。")})
    with transaction.atomic():
        writing = Writing.objects.create(
            member=member,
            kind=kind,
            title=title.strip(),
            text=text,
            is_paper=False,
            characters=count_characters(text),
            submitted_by=user,
        )
        progress_refresh(member_ids=[member.pk])
    return writing


def writing_log_paper(*, member, kind, title, characters, user):
    """A paper copy handed to the secretary, logged with its character count."""
    if not characters or characters <= 0:
        raise ValidationError({"characters": _("请填写纸质稿的字数。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写题目。")})
    with transaction.atomic():
        writing = Writing.objects.create(
            member=member,
            kind=kind,
            title=title.strip(),
            is_paper=True,
            characters=characters,
            submitted_by=user,
        )
        progress_refresh(member_ids=[member.pk])
    return writing


def writing_review(*, writing, reviewer, comment, grade, reviewed_on=None):
    if writing.member.user_id == reviewer.pk:
        raise ValidationError(_("不能批改自己的笔记或心得,请由党委(党组)、工委负责人批改。"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写批语。")})
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("批改日期不能晚于今天。")})
    if reviewed_on < timezone.localdate(writing.submitted_at):
        raise ValidationError({"reviewed_on": _("批改日期不能早于提交日期。")})
    return Review.objects.create(
        writing=writing,
        reviewer=reviewer,
        comment=comment.strip(),
        grade=grade,
        reviewed_on=reviewed_on,
    )


SPOT_CHECK_SIZE = 5


def spot_check_draw(*, unit, user, size=SPOT_CHECK_SIZE):
    """Draw a random sample of the writings under a unit for the supervisor to check."""
    pool = Writing.objects.filter(member__unit__path__startswith=unit.path)
    sample = list(pool.order_by("?").values_list("pk", flat=True)[:size])
    if not sample:
        raise ValidationError(_("这个党组织还没有可抽查的学习笔记或心得体会。"))
    with transaction.atomic():
        check = SpotCheck.objects.create(unit=unit, drawn_by=user)
        check.writings.set(sample)
    return check


def spot_check_record(*, spot_check, result, user):
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写抽查结果。")})
    if spot_check.recorded_at is not None:
        raise ValidationError(_("这次抽查的结果已经登记,不能修改。"))
    spot_check.result = result.strip()
    spot_check.recorded_at = timezone.now()
    spot_check.recorded_by = user
    spot_check.save(update_fields=["result", "recorded_at", "recorded_by"])
    return spot_check

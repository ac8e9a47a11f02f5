"""A believable study ledger for the demo district, written in bulk.

The demo is five weeks into stage 1: each branch has held a handful of sessions, most
members came, a few were away (some of whom have made up since), the infirm were taught
at home, members have logged some self-study and written notes, and secretaries have
reviewed some of them. Branches differ on purpose — the office must see who lags
("全区先进性教育活动的发展不平衡"). Used by `seed_demo` only: real data goes through
study.services.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from campaign.models import Reading, Topic
from common.dates import day_text
from study.models import (
    Attendance,
    AttendanceStatus,
    ContactLog,
    ContactMethod,
    Grade,
    MakeUp,
    MakeUpMethod,
    Review,
    SelfStudy,
    SessionKind,
    StudySession,
    Writing,
    WritingKind,
)
from study.services.progress import rollups_rebuild
from units.models import Member, Unit

SESSION_TITLES = {
    SessionKind.STUDY: [
        "学习《党章》",
        "学习胡锦涛同志重要讲话",
        "学习《保持共产党员先进性教育读本》",
    ],
    SessionKind.PARTY_LECTURE: ["党员领导干部上党课:保持先进性从我做起"],
    SessionKind.SITUATION_REPORT: ["全区经济社会发展形势报告"],
    SessionKind.EXPERT_LECTURE: ["市委党校专家辅导报告"],
    SessionKind.FILM: ["观看电教片《生命作证》"],
    SessionKind.FIELD_VISIT: ["参观革命传统教育基地"],
    SessionKind.QUIZ: ["党的基本知识竞赛"],
    SessionKind.OBSERVATION: ["到兄弟单位观摩学习"],
}
# How diligent a branch is: (sessions held, share absent, share of make-ups done).
BRANCH_PACES = [(11, 0.03, 0.9), (9, 0.05, 0.7), (7, 0.08, 0.5), (4, 0.15, 0.2)]

REVIEW_COMMENTS = ["认真学习,联系实际,有体会。", "内容充实,继续努力。", "阅。"]


def seed_study_ledger(*, root: Unit, rng: random.Random, recorder: AbstractBaseUser) -> int:
    """Fill the ledger of every branch under `root`; return the number of sessions."""
    today = timezone.localdate()
    topics = list(Topic.objects.filter(unit=None).order_by("number"))
    readings = list(Reading.objects.order_by("number"))
    branches = list(Unit.objects.subtree_of(root).branches().order_by("pk"))
    members_by_branch = {}
    for member in (
        Member.objects.under(root)
        .order_by("pk")
        .only("pk", "unit_id", "is_infirm", "is_mobile", "is_leading_cadre", "can_write")
    ):
        members_by_branch.setdefault(member.unit_id, []).append(member)

    codes = iter(rng.sample(range(1_000_000), k=len(branches) * 12))
    sessions, plans = [], []
    for branch in branches:
        count, absent_share, makeup_share = rng.choice(BRANCH_PACES)
        for index in range(count):
            kind = SessionKind.STUDY if index % 2 == 0 else rng.choice(list(SessionKind))
            held = today - datetime.timedelta(days=32 - index * 3 - rng.randint(0, 1))
            starts_at = timezone.make_aware(
                datetime.datetime.combine(held, datetime.time(rng.choice([9, 14, 15]), 0))
            )
            sessions.append(
                StudySession(
                    unit=branch,
                    kind=kind,
                    title=rng.choice(SESSION_TITLES[kind]),
                    starts_at=starts_at,
                    hours=Decimal(rng.choice(["2.5", "3", "3", "3.5", "4"])),
                    place=f"{branch.name.removesuffix('党支部')}会议室",
                    topic=topics[index % len(topics)] if topics else None,
                    checkin_code=f"{next(codes):06d}",
                    created_by=recorder,
                )
            )
            plans.append((branch, absent_share, makeup_share, index))
    StudySession.objects.bulk_create(sessions, batch_size=1000)

    session_readings = StudySession.readings.through
    links = []
    for session, (_branch, _absent, _made_up, index) in zip(sessions, plans, strict=True):
        # Two readings a session, in order: branches that met less leave the last uncovered.
        for reading in readings[index * 2 : index * 2 + 2]:
            links.append(session_readings(studysession_id=session.pk, reading_id=reading.pk))
    session_readings.objects.bulk_create(links, batch_size=2000)

    attendances = []
    for session, (branch, absent_share, _made_up, _index) in zip(sessions, plans, strict=True):
        for member in members_by_branch.get(branch.pk, []):
            roll = rng.random()
            if member.is_infirm:
                status = AttendanceStatus.HOME_DELIVERY
            elif roll < absent_share:
                status = AttendanceStatus.ABSENT
            elif roll < absent_share * 2:
                status = AttendanceStatus.LEAVE
            elif roll < absent_share * 2 + 0.05:
                status = AttendanceStatus.LATE
            else:
                status = AttendanceStatus.PRESENT
            attendances.append(
                Attendance(session=session, member=member, status=status, updated_by=recorder)
            )
    Attendance.objects.bulk_create(attendances, batch_size=2000)

    makeup_share_of = {branch.pk: share for branch, _absent, share, _index in plans}
    makeups = []
    for attendance in attendances:
        if attendance.status not in (AttendanceStatus.ABSENT, AttendanceStatus.LEAVE):
            continue
        session = attendance.session
        done = rng.random() < makeup_share_of[session.unit_id]
        held = timezone.localdate(session.starts_at)
        makeups.append(
            MakeUp(
                member=attendance.member,
                attendance=attendance,
                hours=session.hours,
                reason=f"{day_text(held)} {session.get_kind_display()}“{session.title}”"
                f"{attendance.get_status_display()}",
                done_on=min(held + datetime.timedelta(days=rng.randint(2, 6)), today)
                if done
                else None,
                method=rng.choice([MakeUpMethod.SESSION, MakeUpMethod.RECORDING]) if done else "",
                recorded_by=recorder if done else None,
            )
        )
    MakeUp.objects.bulk_create(makeups, batch_size=2000)

    all_members = [m for members in members_by_branch.values() for m in members]
    self_studies, writings, contacts = [], [], []
    for member in all_members:
        for _entry in range(rng.choice([0, 1, 2, 3, 4, 5])):
            self_studies.append(
                SelfStudy(
                    member=member,
                    studied_on=today - datetime.timedelta(days=rng.randint(1, 30)),
                    hours=Decimal(rng.choice(["1", "1.5", "2"])),
                    material=rng.choice(readings).title if readings else "《党章》",
                    recorded_by=recorder,
                )
            )
        if member.can_write and rng.random() < 0.7:
            writings.append(_writing(member, WritingKind.NOTE, rng, recorder))
        essays = 2 if member.is_leading_cadre and rng.random() < 0.7 else 1
        if member.can_write and rng.random() < (0.8 if member.is_leading_cadre else 0.35):
            writings += [_writing(member, WritingKind.ESSAY, rng, recorder) for _ in range(essays)]
        if member.is_mobile and rng.random() < 0.6:
            contacts.append(
                ContactLog(
                    member=member,
                    contacted_on=today - datetime.timedelta(days=rng.randint(3, 50)),
                    method=rng.choice(list(ContactMethod)),
                    note="电话联系,告知学习安排并寄送学习资料",
                    recorded_by=recorder,
                )
            )
    SelfStudy.objects.bulk_create(self_studies, batch_size=2000)
    Writing.objects.bulk_create(writings, batch_size=1000)
    ContactLog.objects.bulk_create(contacts, batch_size=2000)
    # submitted_at is set on insert; age the writings so that some wait for review.
    ages = {}
    for writing in writings:
        ages.setdefault(rng.choice([1, 3, 6, 10, 15]), []).append(writing.pk)
    for days, pks in ages.items():
        submitted = timezone.now() - datetime.timedelta(days=days)
        for start in range(0, len(pks), 500):
            Writing.objects.filter(pk__in=pks[start : start + 500]).update(submitted_at=submitted)
    age_of = {pk: days for days, pks in ages.items() for pk in pks}
    # A quarter of the branches stopped reviewing ten days ago or more, with new notes
    # waiting since: behind on "支部负责人每周应查看、批阅一次", as the dashboards show.
    units = {writing.member.unit_id for writing in writings}
    lax = {unit for unit in sorted(units) if rng.random() < 0.25}
    reviews = []
    for writing in writings:
        age = age_of[writing.pk]
        if writing.member.unit_id in lax:
            reviewed_on = today - datetime.timedelta(days=age) if age >= 10 else None
        elif rng.random() < 0.6:
            reviewed_on = today - datetime.timedelta(days=rng.randint(0, age))
        else:
            reviewed_on = None
        if reviewed_on is not None:
            reviews.append(
                Review(
                    writing=writing,
                    reviewer=recorder,
                    comment=rng.choice(
                        ["认真学习,联系实际,有体会。", "内容充实,继续努力。", "阅。"]
                    ),
                    grade=rng.choice([Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS]),
                    reviewed_on=reviewed_on,
                )
            )
    Review.objects.bulk_create(reviews, batch_size=2000)
    # Written in bulk, past the services: recount everything stored from what was written.
    rollups_rebuild()
    return len(sessions)


def _writing(member: Member, kind: str, rng: random.Random, recorder: AbstractBaseUser) -> Writing:
    if kind == WritingKind.ESSAY:
        long_ones = [1800, 2600, 3200, 3600, 4100]
        characters = rng.choice(long_ones) if member.is_leading_cadre else rng.randint(900, 2500)
        title = "学习《党章》的心得体会"
    else:
        characters = rng.randint(400, 1500)
        title = "学习笔记"
    return Writing(
        member=member,
        kind=kind,
        title=title,
        is_paper=True,
        characters=characters,
        submitted_by=recorder,
    )

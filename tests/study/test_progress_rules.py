"""The rules behind every progress figure: 40 学时 of which ≥ 2/3 集中学习, make-ups and
送课上门 restoring concentrated hours, and the writing owed by each kind of member —
driven through the services a branch secretary's pages call."""

from decimal import Decimal

import pytest
from django.utils import timezone

from study.models import AttendanceStatus, MakeUp, MakeUpMethod, MemberProgress, WritingKind
from study.selectors.shortfall import hours_shortfall, writing_shortfall
from study.services.absences import makeup_complete, self_study_log
from study.services.sessions import roster_save
from study.services.writings import writing_log_paper, writing_submit
from tests.factories import MemberFactory, make_session

D = Decimal


def _attend(district, member, hours, status=AttendanceStatus.PRESENT):
    """One session of the member's branch of `hours`, with the member marked `status`."""
    secretary = district.users["secretary1"]
    session = make_session(member.unit, secretary, hours=hours)
    roster_save(session=session, entries=[(member.pk, status)], user=secretary)
    return session


def _self_study(district, member, hours):
    self_study_log(
        member=member,
        studied_on=timezone.localdate(),
        hours=D(hours),
        material="自学《保持共产党员先进性教育读本》",
        user=district.users["secretary1"],
    )


def _progress(member):
    return MemberProgress.objects.get(member=member)


@pytest.mark.parametrize(
    ("sessions", "self_study", "complete"),
    [
        (["12", "12", "6"], ["12", "3"], True),
        (["12", "12", "2.7"], ["12", "1.3"], True),
        (["12", "12", "3"], ["12", "0.5"], False),
        (["12", "12", "2.5"], ["12", "1.5"], False),
        (["12", "12", "12", "4"], [], True),
    ],
    ids=[
        "45 hours, exactly two thirds concentrated",
        "exactly 40 hours, 26.7 concentrated",
        "39.5 hours",
        "40 hours but only 26.5 concentrated",
        "40 hours all concentrated",
    ],
)
def test_forty_hours_with_two_thirds_concentrated_completes(
    live_district, sessions, self_study, complete
):
    member = live_district.member1
    for hours in sessions:
        _attend(live_district, member, hours)
    for hours in self_study:
        _self_study(live_district, member, hours)
    progress = _progress(member)
    assert progress.concentrated_hours == sum(D(h) for h in sessions)
    assert progress.total_hours == sum(D(h) for h in sessions + self_study)
    assert progress.is_complete is complete


def test_absence_counts_nothing_until_made_up(live_district):
    member = live_district.member1
    _attend(live_district, member, "10", AttendanceStatus.ABSENT)
    progress = _progress(member)
    assert progress.concentrated_hours == 0
    assert progress.makeups_owed == 1
    assert progress.sessions_attended == 0

    makeup = MakeUp.objects.get(member=member)
    makeup_complete(
        makeup=makeup,
        done_on=timezone.localdate(),
        method=MakeUpMethod.RECORDING,
        user=live_district.users["secretary1"],
    )
    progress = _progress(member)
    assert progress.concentrated_hours == D("10")
    assert progress.total_hours == D("10")
    assert progress.makeups_owed == 0


def test_leave_owes_a_make_up_like_an_absence(live_district):
    member = live_district.member1
    _attend(live_district, member, "4", AttendanceStatus.LEAVE)
    progress = _progress(member)
    assert progress.total_hours == 0
    assert progress.makeups_owed == 1


@pytest.mark.parametrize(
    "status",
    [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.HOME_DELIVERY],
    ids=["present", "late", "taught at home"],
)
def test_credited_statuses_count_as_concentrated(live_district, status):
    infirm = live_district.school1.members.get(name="李秀英")
    _attend(live_district, infirm, "3", status)
    progress = _progress(infirm)
    assert progress.concentrated_hours == D("3")
    assert progress.sessions_attended == 1
    assert progress.makeups_owed == 0


def test_self_study_counts_toward_the_total_only(live_district):
    member = live_district.member1
    _self_study(live_district, member, "12")
    progress = _progress(member)
    assert (progress.concentrated_hours, progress.self_study_hours, progress.total_hours) == (
        0,
        D("12"),
        D("12"),
    )
    assert not progress.is_complete


def _write(district, member, kind, characters):
    writing_log_paper(
        member=member,
        kind=kind,
        title="学习体会",
        characters=characters,
        user=district.users["secretary1"],
    )


def test_leading_cadre_owes_notes_and_two_long_essays(live_district):
    cadre = live_district.member1
    writing_submit(
        member=cadre,
        kind=WritingKind.NOTE,
        title="学习笔记",
        text="学习党章" * 10,
        user=live_district.users["member1"],
    )
    _write(live_district, cadre, WritingKind.ESSAY, 3000)
    _write(live_district, cadre, WritingKind.ESSAY, 2999)
    progress = _progress(cadre)
    assert (progress.notes, progress.essays, progress.long_essays) == (1, 2, 1)
    assert not progress.writing_done

    _write(live_district, cadre, WritingKind.ESSAY, 4200)
    assert _progress(cadre).writing_done


def test_leading_cadre_with_two_long_essays_still_owes_notes(live_district):
    cadre = live_district.member1
    _write(live_district, cadre, WritingKind.ESSAY, 3000)
    _write(live_district, cadre, WritingKind.ESSAY, 3500)
    assert not _progress(cadre).writing_done
    _write(live_district, cadre, WritingKind.NOTE, 400)
    assert _progress(cadre).writing_done


def test_member_who_writes_owes_notes_and_one_essay(live_district):
    writer = live_district.school1.members.get(name="王强")
    _write(live_district, writer, WritingKind.ESSAY, 800)
    assert not _progress(writer).writing_done
    _write(live_district, writer, WritingKind.NOTE, 300)
    assert _progress(writer).writing_done


def test_member_who_cannot_write_owes_no_writing(live_district):
    elder = MemberFactory(unit=live_district.school1, can_write=False)
    _attend(live_district, elder, "2", AttendanceStatus.HOME_DELIVERY)
    assert _progress(elder).writing_done


# What is missing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("concentrated", "total", "hours", "needed_concentrated"),
    [
        ("0", "0", "40", "26.7"),
        ("30", "45", "0", "0"),
        ("26.7", "40", "0", "0"),
        ("26.6", "40", "0.2", "0.2"),
        ("26.6", "39.9", "0.1", "0.1"),
        ("39.9", "39.9", "0.1", "0"),
        ("20", "27.5", "12.5", "6.7"),
        ("0", "40", "80", "80"),
        ("10", "30", "30", "30"),
        ("26.5", "40", "0.5", "0.5"),
        ("30", "50", "10", "10"),
    ],
    ids=[
        "nothing yet",
        "45 hours at exactly two thirds",
        "exactly 40 with 26.7 concentrated",
        "40 with 26.6 concentrated",
        "39.9 hours, 26.6 concentrated",
        "39.9 hours all concentrated",
        "self-study still has room",
        "all self-study",
        "self-study over a third",
        "40 with 26.5 concentrated",
        "over 40 with too much self-study",
    ],
)
def test_hours_shortfall(concentrated, total, hours, needed_concentrated):
    shortfall = hours_shortfall(concentrated=D(concentrated), total=D(total))
    assert shortfall.hours == D(hours)
    assert shortfall.concentrated == D(needed_concentrated)


@pytest.mark.parametrize(
    ("concentrated", "total"),
    [
        ("0", "0"),
        ("26.6", "40"),
        ("20", "27.5"),
        ("0", "40"),
        ("10", "30"),
        ("30", "50"),
        ("13.3", "13.4"),
        ("1", "44.4"),
    ],
)
def test_doing_what_the_shortfall_says_completes(concentrated, total):
    """Adding the concentrated hours named, and the rest as self-study, always completes."""
    from study.services.progress import hours_requirement_met

    shortfall = hours_shortfall(concentrated=D(concentrated), total=D(total))
    final_concentrated = D(concentrated) + shortfall.concentrated
    final_total = D(total) + shortfall.hours
    assert hours_requirement_met(concentrated=final_concentrated, total=final_total)
    assert shortfall.concentrated <= shortfall.hours


@pytest.mark.parametrize(
    ("concentrated", "total", "sentence"),
    [
        ("0", "0", "还差40学时;其中集中学习还差26.7学时。"),
        ("20", "27.5", "还差12.5学时;其中集中学习还差6.7学时。"),
        ("30", "30", "还差10学时,集中学习、自学均可。"),
        ("26.7", "40", "已达到40学时,集中学习占三分之二以上。"),
        (
            "26.5",
            "40",
            "总学时已满40学时,但集中学习不到三分之二:还须参加0.5学时集中学习(或补课)。",
        ),
        ("10", "30", "还差30学时,都须是集中学习(或补课):自学学时已占到三分之一。"),
    ],
    ids=["nothing yet", "some of each", "any kind will do", "done", "share short", "too much self"],
)
def test_shortfall_statement(concentrated, total, sentence):
    assert hours_shortfall(concentrated=D(concentrated), total=D(total)).statement() == sentence


CADRE = {"is_leading_cadre": True, "can_write": True}
WRITER = {"is_leading_cadre": False, "can_write": True}
NON_WRITER = {"is_leading_cadre": False, "can_write": False}


@pytest.mark.parametrize(
    ("flags", "counts", "missing"),
    [
        (CADRE, (0, 0, 0), ["还没有学习笔记", "还差2篇3000字以上的心得体会"]),
        (CADRE, (1, 2, 1), ["还差1篇3000字以上的心得体会"]),
        (CADRE, (1, 2, 2), []),
        (WRITER, (0, 1, 0), ["还没有学习笔记"]),
        (WRITER, (2, 0, 0), ["还差1篇心得体会"]),
        (WRITER, (1, 1, 0), []),
        (NON_WRITER, (0, 0, 0), []),
    ],
    ids=[
        "cadre with nothing",
        "cadre with one long essay",
        "cadre done",
        "writer without notes",
        "writer without essay",
        "writer done",
        "cannot write",
    ],
)
def test_writing_shortfall(flags, counts, missing):
    notes, essays, long_essays = counts
    assert (
        writing_shortfall(**flags, notes=notes, essays=essays, long_essays=long_essays) == missing
    )

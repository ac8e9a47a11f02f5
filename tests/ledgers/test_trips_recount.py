"""What a returned trip owes follows the sessions its branch held while the cadre was away,
also those the secretary enters later; a make-up already done stands as recorded.

"党员干部外出返回后,必须采取有效措施进行补课。"
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from common.models import Notification
from ledgers.models import TripState
from ledgers.services.trips import RecountOutcome, trip_makeup_recount, trip_return
from study.models import AttendanceStatus, MakeUp, MakeUpMethod, MemberProgress
from study.services.absences import makeup_complete, makeup_undo
from study.services.sessions import roster_save, session_update
from tests.factories import make_session
from tests.ledgers.test_trips import at, away, days


def returned(d, *, leaves=-10, returns=-2):
    return trip_return(
        trip=away(d, leaves=leaves, returns=returns),
        returned_on=days(returns),
        user=d.users["secretary1"],
    )


def owed(trip):
    trip.refresh_from_db()
    return trip.makeup


def notices(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def old_trip(d, *, hours="1", done=False):
    """A trip returned before make-ups followed the sessions missed: a flat 1 学时 owed."""
    makeup = MakeUp.objects.create(
        member=d.member1,
        hours=Decimal(hours),
        reason="出国出境返回后补课:新加坡",
        done_on=days(-1) if done else None,
        method=MakeUpMethod.SESSION if done else "",
    )
    return away(d, state=TripState.RETURNED, returned_on=days(-2), makeup=makeup)


def recount_command(*args):
    out = io.StringIO()
    call_command("trips_recount", *args, stdout=out)
    return out.getvalue()


# A session entered after the return ---------------------------------------------------------


def test_a_session_entered_after_the_return_within_the_trip_is_owed_too(live_district):
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2")
    trip = returned(d)
    assert owed(trip).hours == Decimal("2")

    make_session(d.school1, by, starts_at=at(-5), hours="1.5")

    makeup = owed(trip)
    assert makeup.hours == Decimal("3.5")
    assert makeup.reason == "出国出境返回后补课:新加坡,外出期间缺集中学习2次"
    assert MakeUp.objects.filter(member=d.member1).count() == 1
    assert MemberProgress.objects.get(member=d.member1).makeups_owed == 1
    told = "返回后补课由2学时改为3.5学时"
    assert any(told in text for text in notices(by))
    assert any(told in text for text in notices(d.users["member1"]))


def test_a_trip_that_owed_nothing_owes_a_session_entered_later(live_district):
    d = live_district
    trip = returned(d)
    assert owed(trip) is None

    make_session(d.school1, d.users["secretary1"], starts_at=at(-4, hour=19), hours="2")

    makeup = owed(trip)
    assert makeup.hours == Decimal("2")
    assert not makeup.is_done
    assert makeup.recorded_by == d.users["secretary1"]
    assert MemberProgress.objects.get(member=d.member1).makeups_owed == 1


@pytest.mark.parametrize(
    ("unit", "day"),
    [("school1", -11), ("school1", -1), ("school2", -5)],
    ids=["before-leaving", "after-returning", "another-branch"],
)
def test_a_session_entered_later_outside_the_trip_changes_nothing(live_district, unit, day):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(-8), hours="2")
    trip = returned(d)

    make_session(getattr(d, unit), d.users["secretary1"], starts_at=at(day), hours="3")

    assert owed(trip).hours == Decimal("2")
    assert not Notification.objects.filter(text__contains="返回后补课由").exists()


def test_a_session_moved_out_of_the_trip_takes_its_hours_away(live_district):
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2")
    moved = make_session(d.school1, by, starts_at=at(-6), hours="1.5")
    trip = returned(d)
    assert owed(trip).hours == Decimal("3.5")

    session_update(session=moved, user=by, starts_at=at(-1))

    assert owed(trip).hours == Decimal("2")


def test_a_makeup_done_is_not_rewritten_but_what_it_missed_is_told(live_district):
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2")
    trip = returned(d)
    makeup_complete(makeup=owed(trip), done_on=days(-1), method=MakeUpMethod.SESSION, user=by)

    make_session(d.school1, by, starts_at=at(-5), hours="1.5")

    makeup = owed(trip)
    assert makeup.is_done and makeup.hours == Decimal("2")
    assert MemberProgress.objects.get(member=d.member1).makeups_owed == 0
    [text] = [t for t in notices(by) if "还差" in t]
    assert "返回后补课2学时已于" in text and "还差1.5学时" in text
    assert "签到名单上登记为缺席" in text


def test_the_roster_then_owes_that_session_once(live_district):
    """What the notice asks: the cadre entered absent on the late session's roster owes
    that session by itself, and the trip no longer counts it."""
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2")
    trip = returned(d)
    makeup_complete(makeup=owed(trip), done_on=days(-1), method=MakeUpMethod.SESSION, user=by)
    late = make_session(d.school1, by, starts_at=at(-5), hours="1.5")

    roster_save(session=late, entries=[(d.member1.pk, AttendanceStatus.ABSENT)], user=by)

    assert trip_makeup_recount(trip=trip).outcome == RecountOutcome.UNCHANGED
    assert MakeUp.objects.get(member=d.member1, done_on=None).hours == Decimal("1.5")


# manage.py trips_recount --------------------------------------------------------------------


def test_the_command_removes_a_flat_makeup_of_a_trip_that_missed_nothing(live_district):
    d = live_district
    trip = old_trip(d)

    out = recount_command()

    assert owed(trip) is None
    assert not MakeUp.objects.exists()
    assert "取消补课" in out and "无需补课" in out
    reason = "外出期间支部未开展集中学习,无需补课,原登记的1学时补课已取消"
    assert any(reason in text for text in notices(d.users["secretary1"]))
    progress = MemberProgress.objects.filter(member=d.member1).first()
    assert progress is None or progress.makeups_owed == 0


def test_the_command_keeps_a_makeup_already_done(live_district):
    d = live_district
    trip = old_trip(d, done=True)

    recount_command()

    makeup = owed(trip)
    assert makeup.is_done and makeup.hours == Decimal("1")


def test_the_command_owes_the_sessions_missed_instead_of_the_flat_hour(live_district):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(-8), hours="2")
    make_session(d.school1, d.users["secretary1"], starts_at=at(-6), hours="1.5")
    trip = old_trip(d)

    out = recount_command()

    makeup = owed(trip)
    assert makeup.hours == Decimal("3.5")
    assert makeup.reason == "出国出境返回后补课:新加坡,外出期间缺集中学习2次"
    assert "返回后补课由1学时改为3.5学时" in out


def test_the_command_keeps_a_makeup_taken_back_with_its_history(live_district):
    d = live_district
    trip = old_trip(d, done=True)
    makeup_undo(makeup=owed(trip), reason="登记错了", user=d.users["secretary1"])

    out = recount_command()

    assert owed(trip).corrections.count() == 1
    assert "有更正记录,没有取消" in out


def test_a_dry_run_changes_nothing(live_district):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(-8), hours="2")
    flat = old_trip(d)
    never_owed = away(d, state=TripState.RETURNED, returned_on=days(-2))

    out = recount_command("--dry-run")

    assert "试运行" in out and "调整应补学时" in out and "新增补课" in out
    assert owed(flat).hours == Decimal("1")
    assert owed(never_owed) is None
    assert MakeUp.objects.count() == 1
    assert not Notification.objects.exists()


def test_a_second_run_finds_nothing_to_change(live_district):
    old_trip(live_district)
    recount_command()
    Notification.objects.all().delete()

    out = recount_command()

    assert "新增补课0次,调整0次,取消0次" in out
    assert not Notification.objects.exists()

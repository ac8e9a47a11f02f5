"""Trips abroad and study tours: requested, decided by the office with a reason, and on
return a make-up owed in the study ledger.

"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意……
党员干部外出返回后,必须采取有效措施进行补课。"
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import TripKind, TripRequest, TripState
from ledgers.services.trips import TripError, trip_decide, trip_request, trip_return
from study.models import Attendance, AttendanceStatus, MakeUp, MemberProgress
from study.services.sessions import roster_save
from tests.factories import MemberFactory, UserFactory, make_session
from units.models import Role, RoleAssignment

TODAY = timezone.localdate


def days(n):
    return TODAY() + datetime.timedelta(days=n)


def requested(d, **fields):
    fields.setdefault("kind", TripKind.ABROAD)
    fields.setdefault("destination", "新加坡")
    fields.setdefault("purpose", "签订时限性很强的招商项目")
    fields.setdefault("leaves_on", days(3))
    fields.setdefault("returns_on", days(8))
    return trip_request(traveller=d.member1, user=d.users["secretary1"], **fields)


def away(d, leaves=-10, returns=-2, state=TripState.APPROVED, **fields):
    """A trip already under way (approved, cadre abroad): only the ORM can date it back."""
    return TripRequest.objects.create(
        traveller=d.member1,
        kind=fields.pop("kind", TripKind.ABROAD),
        destination=fields.pop("destination", "新加坡"),
        purpose="参加重要会议",
        leaves_on=days(leaves),
        returns_on=days(returns),
        state=state,
        requested_by=d.users["secretary1"],
        decided_by=d.users["office"],
        decided_at=timezone.now(),
        decision_reason="确需参加。",
        **fields,
    )


def at(day_offset, hour=9):
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(days(day_offset), datetime.time(hour), tzinfo=zone)


# Requesting ---------------------------------------------------------------------------------


def test_a_request_waits_for_the_office(live_district):
    trip = requested(live_district)
    assert trip.state == TripState.PENDING
    assert trip.requested_by == live_district.users["secretary1"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"leaves_on": days(5), "returns_on": days(4)}, "returns_on", "返回日期不能早于出发日期"),
        ({"leaves_on": days(-1)}, "leaves_on", "须在出发之前提出申请"),
        ({"destination": "  "}, "destination", ""),
    ],
    ids=["return-before-leave", "already-left", "no-destination"],
)
def test_a_request_is_checked(live_district, fields, field, message):
    with pytest.raises(ValidationError) as error:
        requested(live_district, **fields)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])


def test_only_a_leading_cadre_needs_the_offices_approval(live_district):
    d = live_district
    with pytest.raises(ValidationError) as error:
        trip_request(
            traveller=d.school1.members.get(name="王强"),
            kind=TripKind.STUDY_TOUR,
            destination="深圳",
            purpose="考察",
            leaves_on=days(1),
            returns_on=days(2),
            user=d.users["secretary1"],
        )
    assert "traveller" in error.value.message_dict


def test_the_secretary_asks_for_a_cadre_of_the_branch(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    response = client.post(
        reverse("ledgers:leaders_trip_new"),
        {
            "traveller": d.member1.pk,
            "kind": TripKind.ABROAD,
            "destination": "新加坡",
            "purpose": "签订招商项目",
            "leaves_on": days(3).isoformat(),
            "returns_on": days(6).isoformat(),
        },
        follow=True,
    )
    trip = TripRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("ledgers:leaders_trip", args=[trip.pk])
    assert "申请已报区委先进性教育办公室审批" in response.content.decode()


def test_bad_dates_are_explained_and_what_was_typed_kept(live_district, login):
    d = live_district
    response = login(d.users["member1"]).post(
        reverse("ledgers:leaders_trip_new"),
        {
            "traveller": d.member1.pk,
            "kind": TripKind.STUDY_TOUR,
            "destination": "浙江安吉",
            "purpose": "考察生态农业",
            "leaves_on": days(6).isoformat(),
            "returns_on": days(3).isoformat(),
        },
    )
    page = response.content.decode()
    assert "返回日期不能早于出发日期" in page
    assert "浙江安吉" in page and "考察生态农业" in page
    assert not TripRequest.objects.exists()


def test_the_form_offers_the_cadres_one_may_ask_for(live_district, login):
    d = live_district
    MemberFactory(name="孙卫东", unit=d.ward, is_leading_cadre=True)
    page = login(d.users["secretary1"]).get(reverse("ledgers:leaders_trip_new")).content.decode()
    assert "张建国" in page and "孙卫东" not in page
    assert "原则上禁止党员领导干部出国出境" in page


# Deciding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "refuse"])
@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_a_decision_needs_a_reason_either_way(live_district, approve, reason):
    d = live_district
    trip = requested(d)
    with pytest.raises(ValidationError) as error:
        trip_decide(trip=trip, approve=approve, reason=reason, user=d.users["office"])
    assert "同意或不同意都要写明理由" in " ".join(error.value.message_dict["reason"])
    trip.refresh_from_db()
    assert trip.state == TripState.PENDING


def test_the_office_refuses_with_its_reason(live_district):
    d = live_district
    trip = trip_decide(
        trip=requested(d), approve=False, reason="可委托他人签约。", user=d.users["office"]
    )
    trip.refresh_from_db()
    assert (trip.state, trip.decided_by, trip.decision_reason) == (
        TripState.REFUSED,
        d.users["office"],
        "可委托他人签约。",
    )


def test_of_two_office_users_deciding_at_once_one_wins_the_other_is_told(live_district):
    """Both loaded the request while it was pending; the database decides."""
    d = live_district
    office2 = UserFactory(username="office2")
    trip = requested(d)
    first_copy = TripRequest.objects.get(pk=trip.pk)
    second_copy = TripRequest.objects.get(pk=trip.pk)

    trip_decide(trip=first_copy, approve=True, reason="确需参加。", user=d.users["office"])
    with pytest.raises(TripError) as error:
        trip_decide(trip=second_copy, approve=False, reason="不同意。", user=office2)

    assert "已经有人审批过了" in " ".join(error.value.messages)
    trip.refresh_from_db()
    assert (trip.state, trip.decided_by, trip.decision_reason) == (
        TripState.APPROVED,
        d.users["office"],
        "确需参加。",
    )


def test_the_office_decides_on_the_page(live_district, login):
    d = live_district
    trip = requested(d)
    client = login(d.users["office"])
    url = reverse("ledgers:leaders_trip_decide", args=[trip.pk])

    response = client.post(url, {"approve": "1", "reason": "", "confirm": "on"})
    assert "同意或不同意都要写明理由" in response.content.decode()

    response = client.post(
        url, {"approve": "1", "reason": "参加国际会议,确需前往。", "confirm": "on"}, follow=True
    )
    assert "已同意张建国的外出申请" in response.content.decode()
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED


def test_a_second_office_user_on_a_stale_page_is_told(live_district, login):
    d = live_district
    trip = requested(d)
    trip_decide(trip=trip, approve=False, reason="不同意。", user=d.users["office"])
    office2 = UserFactory(username="office2")
    RoleAssignment.objects.create(user=office2, role=Role.OFFICE, unit=d.root)

    response = login(office2).post(
        reverse("ledgers:leaders_trip_decide", args=[trip.pk]),
        {"approve": "1", "reason": "同意。", "confirm": "on"},
        follow=True,
    )
    assert "已经有人审批过了" in response.content.decode()
    trip.refresh_from_db()
    assert trip.state == TripState.REFUSED


# Returning ----------------------------------------------------------------------------------


def test_return_owes_the_concentrated_hours_missed(live_district):
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2")
    make_session(d.school1, by, starts_at=at(-2, hour=20), hours="1.5")  # the day of return
    make_session(d.school1, by, starts_at=at(-11), hours="3")  # before leaving
    make_session(d.school1, by, starts_at=at(-1), hours="3")  # after returning
    make_session(d.school2, by, starts_at=at(-5), hours="4")  # another branch
    trip = away(d, leaves=-10, returns=-2)

    trip_return(trip=trip, returned_on=days(-2), user=by)

    trip.refresh_from_db()
    assert trip.state == TripState.RETURNED
    assert trip.returned_on == days(-2)
    makeup = trip.makeup
    assert makeup.hours == Decimal("3.5")
    assert makeup.member == d.member1
    assert makeup.attendance is None
    assert makeup.reason == "出国出境返回后补课:新加坡,外出期间缺集中学习2次"
    assert not makeup.is_done
    assert MemberProgress.objects.get(member=d.member1).makeups_owed == 1


def test_a_session_already_owing_a_makeup_is_not_owed_twice(live_district):
    d = live_district
    by = d.users["secretary1"]
    marked = make_session(d.school1, by, starts_at=at(-8), hours="2")
    make_session(d.school1, by, starts_at=at(-6), hours="1.5")
    roster_save(session=marked, entries=[(d.member1.pk, AttendanceStatus.ABSENT)], user=by)
    assert Attendance.objects.filter(member=d.member1).count() == 1

    trip_return(trip=away(d), returned_on=days(-2), user=by)

    assert MakeUp.objects.filter(member=d.member1).count() == 2
    assert MakeUp.objects.get(member=d.member1, attendance=None).hours == Decimal("1.5")


@pytest.mark.parametrize(
    ("session_day", "owed"),
    [(-11, None), (-10, "2"), (-3, "2"), (-2, None)],
    ids=["day-before-leaving", "day-of-leaving", "day-of-return", "day-after-return"],
)
def test_a_trip_owes_only_the_sessions_held_while_away(live_district, session_day, owed):
    """ "党员干部外出返回后,必须采取有效措施进行补课": what was missed, and nothing else."""
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(session_day, hour=19), hours="2")
    trip = trip_return(
        trip=away(d, leaves=-10, returns=-3, kind=TripKind.STUDY_TOUR, destination="浙江安吉"),
        returned_on=days(-3),
        user=d.users["member1"],
    )
    trip.refresh_from_db()
    assert trip.state == TripState.RETURNED
    if owed is None:
        assert trip.makeup is None
        assert not MakeUp.objects.exists()
    else:
        assert trip.makeup.hours == Decimal(owed)
        assert trip.makeup.reason == "外出参观考察返回后补课:浙江安吉,外出期间缺集中学习1次"


def test_a_trip_that_missed_no_session_is_not_shown_as_owing(live_district, login):
    d = live_district
    trip = away(d)
    client = login(d.users["secretary1"])

    response = client.post(
        reverse("ledgers:leaders_trip_return", args=[trip.pk]),
        {"returned_on": days(-2).isoformat()},
        follow=True,
    )

    html = response.content.decode()
    assert "外出期间本支部没有需要张建国另行补课的集中学习" in html
    assert "待补课" not in html
    progress = MemberProgress.objects.filter(member=d.member1).first()
    assert progress is None or progress.makeups_owed == 0
    listed = client.get(reverse("ledgers:leaders_trips")).content.decode()
    assert "无需因外出补课" in listed and "待补课" not in listed
    own = login(d.users["member1"]).get(reverse("study:my_progress")).content.decode()
    assert "返回后补课" not in own


def test_the_trip_page_lists_the_sessions_missed(live_district, login):
    d = live_district
    by = d.users["secretary1"]
    make_session(d.school1, by, starts_at=at(-8), hours="2", title="学习《党章》第一章")
    make_session(d.school1, by, starts_at=at(-5), hours="1.5", title="观看电教片")
    make_session(d.school1, by, starts_at=at(-1), hours="3", title="返回以后的学习")
    trip = trip_return(trip=away(d), returned_on=days(-2), user=by)

    html = login(d.users["office"]).get(reverse("ledgers:leaders_trip", args=[trip.pk]))
    html = html.content.decode()

    missed = html[html.index('id="sessions-missed"') :]
    missed = missed[: missed.index("</ul>")]
    assert "学习《党章》第一章" in missed and "观看电教片" in missed
    assert "返回以后的学习" not in missed
    assert "应补 3.5 学时" in html


@pytest.mark.parametrize("state", [TripState.PENDING, TripState.REFUSED, TripState.RETURNED])
def test_only_an_approved_trip_returns(live_district, state):
    d = live_district
    with pytest.raises(ValidationError):
        trip_return(trip=away(d, state=state), returned_on=days(-2), user=d.users["secretary1"])
    assert not MakeUp.objects.exists()


def test_of_two_returns_at_once_one_makeup_is_owed(live_district):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(-8))
    trip = away(d)
    stale = TripRequest.objects.get(pk=trip.pk)
    trip_return(trip=trip, returned_on=days(-2), user=d.users["secretary1"])
    with pytest.raises(TripError) as error:
        trip_return(trip=stale, returned_on=days(-2), user=d.users["member1"])
    assert "已经登记过返回了" in " ".join(error.value.messages)
    assert MakeUp.objects.count() == 1


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-11, "返回日期不能早于出发日期"), (1, "返回日期不能晚于今天")],
    ids=["before-leaving", "future"],
)
def test_the_return_date_is_checked(live_district, login, offset, message):
    d = live_district
    trip = away(d)
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:leaders_trip_return", args=[trip.pk]),
        {"returned_on": days(offset).isoformat()},
    )
    assert message in response.content.decode()
    assert not MakeUp.objects.exists()


def test_the_member_sees_the_makeup_owed_on_their_progress(live_district, login):
    d = live_district
    make_session(d.school1, d.users["secretary1"], starts_at=at(-8), hours="2")
    trip = away(d)
    client = login(d.users["member1"])

    response = client.post(
        reverse("ledgers:leaders_trip_return", args=[trip.pk]),
        {"returned_on": days(-2).isoformat()},
        follow=True,
    )
    assert "张建国需补课2学时,已记入学习台账" in response.content.decode()

    page = client.get(reverse("study:my_progress")).content.decode()
    assert "出国出境返回后补课:新加坡,外出期间缺集中学习1次" in page
    assert "待补课" in page


# Lists --------------------------------------------------------------------------------------


def test_the_office_sees_pending_requests_first(live_district, login):
    d = live_district
    decided = away(d, destination="日本")
    pending = requested(d, destination="新加坡")
    response = login(d.users["office"]).get(reverse("ledgers:leaders_trips"))
    assert list(response.context["pending"]) == [pending]
    assert list(response.context["trips"]) == [decided]


def test_others_see_the_requests_of_their_scope(live_district, login):
    d = live_district
    mine = requested(d)
    other = MemberFactory(name="孙卫东", unit=d.ward, is_leading_cadre=True)
    theirs = trip_request(
        traveller=other,
        kind=TripKind.STUDY_TOUR,
        destination="深圳",
        purpose="考察",
        leaves_on=days(1),
        returns_on=days(2),
        user=d.users["secretary2"],
    )
    for persona, expected in [
        ("secretary1", [mine]),
        ("member1", [mine]),
        ("supervisor1", [mine]),
        ("supervisor2", [theirs]),
        ("leader1", [mine]),
    ]:
        response = login(d.users[persona]).get(reverse("ledgers:leaders_trips"))
        assert list(response.context["trips"]) == expected, persona


@pytest.mark.parametrize("persona", ["office", "secretary1"])
def test_the_trip_list_query_count_does_not_grow(live_district, login, count_queries, persona):
    d = live_district
    client = login(d.users[persona])
    url = reverse("ledgers:leaders_trips")
    requested(d)
    away(d)
    before = count_queries(client, url)
    for n in range(5):
        requested(d, destination=f"城市{n}")
        trip_return(
            trip=away(d, destination=f"国家{n}"), returned_on=days(-2), user=d.users["office"]
        )
    assert count_queries(client, url) == before
    assert before == {"office": 6, "secretary1": 5}[persona]


def test_the_trip_page_query_count(live_district, login, count_queries):
    d = live_district
    trip = trip_return(trip=away(d), returned_on=days(-2), user=d.users["secretary1"])
    assert (
        count_queries(login(d.users["office"]), reverse("ledgers:leaders_trip", args=[trip.pk]))
        <= 8
    )

"""The roster: the secretary signs the whole branch in at the meeting, in one save.

"集中学习实行'签到制',原则上不能请假,因事缺席的要及时补课"; "对年老体弱行动不便的党员要送课上门".
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from study.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    LeaveStatus,
    MakeUp,
    MemberProgress,
)
from study.services import absences as services
from study.services.sessions import roster_is_open, roster_save
from tests.factories import MemberFactory, make_session
from units.models import Member

PRESENT = AttendanceStatus.PRESENT
LATE = AttendanceStatus.LATE
LEAVE = AttendanceStatus.LEAVE
ABSENT = AttendanceStatus.ABSENT
HOME = AttendanceStatus.HOME_DELIVERY


@pytest.fixture
def branch(live_district):
    """区一中党支部's members by name, and a 2-hour session starting now."""
    d = live_district
    members = {m.name: m for m in Member.objects.filter(unit=d.school1)}
    session = make_session(d.school1, d.users["secretary1"], hours="2")
    return d, members, session


def _statuses(session):
    return dict(Attendance.objects.filter(session=session).values_list("member__name", "status"))


def _checked(page):
    """{member id: status} of the radio buttons checked on the roster page."""
    return {
        int(pk): value
        for pk, value in re.findall(r'name="status-(\d+)"[^>]*value="(\w+)"[^>]*\schecked', page)
    }


def _post(client, session, choices):
    data = {f"status-{member.pk}": status for member, status in choices}
    return client.post(reverse("study:session", args=[session.pk]), data)


# The service ----------------------------------------------------------------------------


def test_saving_the_roster_records_everyone_and_their_make_ups(branch):
    d, m, session = branch
    roster_save(
        session=session,
        entries=[(m["张建国"].pk, PRESENT), (m["李秀英"].pk, HOME), (m["王强"].pk, ABSENT)],
        user=d.users["secretary1"],
    )

    assert _statuses(session) == {"张建国": PRESENT, "李秀英": HOME, "王强": ABSENT}
    makeup = MakeUp.objects.get()
    assert makeup.member == m["王强"]
    assert makeup.hours == Decimal("2")
    assert not makeup.is_done
    progress = {p.member.name: p for p in MemberProgress.objects.select_related("member")}
    assert progress["张建国"].concentrated_hours == Decimal("2")
    assert progress["李秀英"].concentrated_hours == Decimal("2")
    assert progress["王强"].concentrated_hours == 0
    assert progress["王强"].makeups_owed == 1


def test_leave_owes_a_make_up_too(branch):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, LEAVE)], user=d.users["secretary1"])
    assert MakeUp.objects.get(member=m["王强"]).hours == Decimal("2")


def test_correcting_absent_to_present_removes_the_make_up_and_credits_the_hours(branch):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, ABSENT)], user=d.users["secretary1"])
    roster_save(session=session, entries=[(m["王强"].pk, PRESENT)], user=d.users["leader1"])

    assert not MakeUp.objects.exists()
    progress = MemberProgress.objects.get(member=m["王强"])
    assert progress.concentrated_hours == Decimal("2")
    assert progress.makeups_owed == 0
    change = AttendanceChange.objects.get()
    assert (change.old_status, change.new_status) == (ABSENT, PRESENT)
    assert change.changed_by == d.users["leader1"]
    assert change.attendance.member == m["王强"]


def test_first_save_is_not_a_change(branch):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, PRESENT)], user=d.users["secretary1"])
    assert not AttendanceChange.objects.exists()


def test_roster_can_be_corrected_for_seven_days_then_it_stands(branch):
    d, m, session = branch
    user = d.users["secretary1"]
    roster_save(session=session, entries=[(m["王强"].pk, ABSENT)], user=user)

    six_days = session.starts_at + datetime.timedelta(days=6)
    roster_save(session=session, entries=[(m["王强"].pk, LATE)], user=user, now=six_days)
    assert _statuses(session) == {"王强": LATE}

    eight_days = session.starts_at + datetime.timedelta(days=8)
    assert not roster_is_open(session, now=eight_days)
    with pytest.raises(ValidationError, match="超过7天"):
        roster_save(session=session, entries=[(m["王强"].pk, PRESENT)], user=user, now=eight_days)
    assert _statuses(session) == {"王强": LATE}


def test_a_member_of_another_branch_is_refused_and_nothing_saved(branch):
    d, m, session = branch
    outsider = Member.objects.get(name="赵敏")
    with pytest.raises(ValidationError, match="赵敏不是本支部党员"):
        roster_save(
            session=session,
            entries=[(m["张建国"].pk, PRESENT), (outsider.pk, PRESENT)],
            user=d.users["secretary1"],
        )
    assert not Attendance.objects.exists()


def test_the_same_member_twice_is_refused(branch):
    d, m, session = branch
    with pytest.raises(ValidationError, match="出现了两次:王强"):
        roster_save(
            session=session,
            entries=[(m["王强"].pk, PRESENT), (m["王强"].pk, ABSENT)],
            user=d.users["secretary1"],
        )
    assert not Attendance.objects.exists()


# The page -------------------------------------------------------------------------------


def test_roster_lists_every_member_with_five_choices(branch, login):
    d, m, session = branch
    response = login(d.users["secretary1"]).get(reverse("study:session", args=[session.pk]))
    page = response.content.decode()

    assert response.status_code == 200
    for member in m.values():
        for status in AttendanceStatus.values:
            assert f'id="status-{member.pk}-{status}"' in page
    for label in ("出席", "迟到", "请假", "缺席", "送课上门"):
        assert f">{label}</label>" in page
    # "全部出席" needs JavaScript, so it stays hidden until the script shows it.
    assert re.search(r'id="all-present" hidden', page)
    assert "js/roster.js" in page
    assert _checked(page) == {}


def test_infirm_members_are_offered_home_delivery(branch, login):
    d, m, session = branch
    page = login(d.users["secretary1"]).get(reverse("study:session", args=[session.pk]))
    row = re.search(
        rf'data-member="{m["李秀英"].pk}".*?</li>', page.content.decode(), flags=re.S
    ).group(0)
    assert "年老体弱" in row and "可送课上门" in row


def test_approved_leave_and_saved_statuses_are_preselected(live_district, login):
    d = live_district
    secretary = d.users["secretary1"]
    m = {x.name: x for x in Member.objects.filter(unit=d.school1)}
    session = make_session(
        d.school1, secretary, starts_at=timezone.now() + datetime.timedelta(hours=3)
    )
    leave = services.leave_request(
        member=m["王强"], session=session, reason="外出务工", user=secretary
    )
    services.leave_decide(leave=leave, approve=True, user=secretary)
    refused = services.leave_request(
        member=m["李秀英"], session=session, reason="走亲戚", user=secretary
    )
    assert services.leave_decide(leave=refused, approve=False, user=secretary).status == (
        LeaveStatus.REFUSED
    )
    roster_save(session=session, entries=[(m["张建国"].pk, LATE)], user=secretary)

    page = login(secretary).get(reverse("study:session", args=[session.pk])).content.decode()

    assert _checked(page) == {m["王强"].pk: "leave", m["张建国"].pk: "late"}
    assert "已批准请假" in page


def test_one_post_saves_the_whole_roster(branch, login):
    d, m, session = branch
    client = login(d.users["secretary1"])
    response = _post(
        client, session, [(m["张建国"], PRESENT), (m["李秀英"], HOME), (m["王强"], ABSENT)]
    )

    assert response.status_code == 302
    assert _statuses(session) == {"张建国": PRESENT, "李秀英": HOME, "王强": ABSENT}
    assert MakeUp.objects.get().member == m["王强"]
    assert MemberProgress.objects.get(member=m["李秀英"]).concentrated_hours == Decimal("2")

    page = client.get(response["Location"]).content.decode()
    assert "签到已保存,更新了3人" in page
    assert _checked(page) == {
        m["张建国"].pk: "present",
        m["李秀英"].pk: "home_delivery",
        m["王强"].pk: "absent",
    }


def test_rows_left_blank_are_not_saved(branch, login):
    d, m, session = branch
    response = _post(login(d.users["secretary1"]), session, [(m["张建国"], PRESENT)])
    assert response.status_code == 302
    assert _statuses(session) == {"张建国": PRESENT}


def test_an_empty_roster_asks_for_a_choice(branch, login):
    d, m, session = branch
    response = _post(login(d.users["secretary1"]), session, [])
    assert response.status_code == 200
    assert "还没有为任何人选择签到情况" in response.content.decode()


def test_correction_on_the_page_is_recorded_in_the_history(branch, login):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, ABSENT)], user=d.users["secretary1"])
    client = login(d.users["leader1"])
    response = _post(client, session, [(m["王强"], PRESENT)])
    assert response.status_code == 302

    page = client.get(response["Location"]).content.decode()
    history = re.search(r'id="attendance-changes".*?</table>', page, flags=re.S).group(0)
    assert "王强" in history and "缺席 → 出席" in history and "leader1" in history
    assert not MakeUp.objects.exists()


def test_a_foreign_member_on_the_roster_is_an_error_and_nothing_is_saved(branch, login):
    d, m, session = branch
    foreign = Member.objects.get(name="赵敏")
    response = _post(
        login(d.users["secretary1"]),
        session,
        [(m["张建国"], LATE), (m["王强"], ABSENT), (foreign, PRESENT)],
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "赵敏不是本支部党员" in page
    assert "签到尚未保存" in page
    assert not Attendance.objects.exists()
    # The secretary's choices are still on the roster, ready to save again.
    assert _checked(page) == {m["张建国"].pk: "late", m["王强"].pk: "absent"}


def test_an_unknown_member_id_is_an_error(branch, login):
    d, m, session = branch
    response = login(d.users["secretary1"]).post(
        reverse("study:session", args=[session.pk]), {"status-999999": "present"}
    )
    assert response.status_code == 200
    assert "名单中有不存在的党员" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "raw_id", ["²", "١٢", "99999999999999999999999"], ids=["superscript", "arabic", "huge"]
)
def test_a_row_named_by_no_member_id_is_an_error(branch, login, raw_id):
    # Found by tests/test_fuzz_forms.py: "²" passes isdigit() and int() refuses it; a number
    # past 64 bits reached the database, which can't compare it (both a 500).
    d, m, session = branch
    response = login(d.users["secretary1"]).post(
        reverse("study:session", args=[session.pk]),
        {f"status-{m['王强'].pk}": "present", f"status-{raw_id}": "present"},
    )
    assert response.status_code == 200
    assert "签到名单中有无法识别的人员" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_same_member_twice_on_the_page_is_an_error(branch, login):
    d, m, session = branch
    response = login(d.users["secretary1"]).post(
        reverse("study:session", args=[session.pk]),
        {f"status-{m['王强'].pk}": ["present", "absent"]},
    )
    assert response.status_code == 200
    assert "同一名党员在名单中出现了两次:王强" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_unknown_status_is_an_error(branch, login):
    d, m, session = branch
    response = _post(login(d.users["secretary1"]), session, [(m["王强"], "asleep")])
    assert response.status_code == 200
    assert "签到情况只能是出席、迟到、请假、缺席或送课上门" in response.content.decode()
    assert not Attendance.objects.exists()


def _old_session(d, statuses):
    """A session held 8 days ago whose roster was saved then."""
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    roster_save(
        session=session,
        entries=[(Member.objects.get(name=n).pk, s) for n, s in statuses.items()],
        user=d.users["secretary1"],
        now=session.starts_at,
    )
    return session


def test_after_seven_days_the_roster_is_read_only(live_district, login):
    d = live_district
    session = _old_session(d, {"王强": ABSENT, "张建国": PRESENT})
    client = login(d.users["secretary1"])

    page = client.get(reverse("study:session", args=[session.pk])).content.decode()
    assert "签到记录已超过7天,不能修改" in page
    assert 'id="roster"' not in page and 'type="radio"' not in page
    assert re.search(r"王强</td>\s*<td[^>]*>缺席", page)

    response = _post(client, session, [(Member.objects.get(name="王强"), PRESENT)])
    assert response.status_code == 200
    assert "不能再修改" in response.content.decode()
    assert _statuses(session) == {"王强": ABSENT, "张建国": PRESENT}


def test_an_old_session_never_signed_in_can_still_be_recorded(live_district, login):
    d = live_district
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    client = login(d.users["secretary1"])
    page = client.get(reverse("study:session", args=[session.pk])).content.decode()
    assert 'id="roster"' in page and "超过7天" not in page
    response = _post(client, session, [(Member.objects.get(name="王强"), LEAVE)])
    assert response.status_code == 302
    assert _statuses(session) == {"王强": LEAVE}


def test_supervisor_sees_the_attendance_read_only(branch, login):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, ABSENT)], user=d.users["secretary1"])
    response = login(d.users["supervisor1"]).get(reverse("study:session", args=[session.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="roster"' not in page and 'type="radio"' not in page
    assert 'id="attendance-table"' in page
    assert re.search(r"王强</td>\s*<td[^>]*>缺席", page)
    assert re.search(r"张建国</td>\s*<td[^>]*><span[^>]*>未登记", page)
    # The sign-in code is the secretary's to show, not the supervisor's.
    assert session.checkin_code not in page
    assert "超过7天" not in page


def test_a_member_moved_away_stays_on_the_record(branch, login):
    d, m, session = branch
    roster_save(session=session, entries=[(m["王强"].pk, PRESENT)], user=d.users["secretary1"])
    Member.objects.filter(pk=m["王强"].pk).update(unit=d.school2)
    page = login(d.users["secretary1"]).get(reverse("study:session", args=[session.pk]))
    page = page.content.decode()
    assert "已不在本支部" in page
    assert f'name="status-{m["王强"].pk}"' not in page


def _grow(d, session, extra_members):
    secretary = d.users["secretary1"]
    new = [MemberFactory(unit=d.school1, is_infirm=i % 2 == 0) for i in range(extra_members)]
    roster_save(session=session, entries=[(x.pk, ABSENT) for x in new], user=secretary)
    roster_save(session=session, entries=[(x.pk, PRESENT) for x in new], user=d.users["leader1"])
    for member in new[:3]:
        leave = services.leave_request(
            member=member, session=session, reason="出差", user=secretary
        )
        services.leave_decide(leave=leave, approve=True, user=secretary)
    session.readings.set(d.batch.readings.all())


def _corrected_once(d, m, session):
    """A saved roster with one correction: its history has a page to show (an empty one
    costs one query less, whatever the size of the branch)."""
    for status in (ABSENT, PRESENT):
        roster_save(session=session, entries=[(m["王强"].pk, status)], user=d.users["secretary1"])


def test_roster_page_query_count_is_fixed(branch, login, count_queries):
    d, m, session = branch
    _corrected_once(d, m, session)
    url = reverse("study:session", args=[session.pk])
    secretary = login(d.users["secretary1"])
    before = count_queries(secretary, url)

    _grow(d, session, 15)
    after = count_queries(secretary, url)

    assert after == before


def test_read_only_page_query_count_is_fixed(branch, login, count_queries):
    d, m, session = branch
    _corrected_once(d, m, session)
    url = reverse("study:session", args=[session.pk])
    supervisor = login(d.users["supervisor1"])
    before = count_queries(supervisor, url)

    _grow(d, session, 15)
    after = count_queries(supervisor, url)

    assert after == before


def test_a_roster_corrected_many_times_shows_its_history_a_page_at_a_time(branch, login):
    d, m, session = branch
    statuses = [ABSENT, PRESENT]
    for n in range(25):
        roster_save(
            session=session, entries=[(m["王强"].pk, statuses[n % 2])], user=d.users["secretary1"]
        )
    client = login(d.users["secretary1"])
    url = reverse("study:session", args=[session.pk])
    page = client.get(url).content.decode()
    history = re.search(r'id="attendance-changes".*?</table>', page, flags=re.S).group(0)
    assert history.count("王强") == 10
    assert "共 24 条" in page and "第 1 / 3 页" in page
    older = client.get(url, {"page": 3}).content.decode()
    history = re.search(r'id="attendance-changes".*?</table>', older, flags=re.S).group(0)
    assert history.count("王强") == 4


def test_a_roster_save_leaves_the_reviews_alone(branch):
    """Saving who came changes no review: the branch's week of 批阅 is not looked up or
    recounted, so a save at the meeting costs what the sign-ins and the members' figures
    cost."""
    d, members, session = branch
    entries = [(m.pk, AttendanceStatus.PRESENT) for m in members.values()]
    roster_save(session=session, entries=entries, user=d.users["secretary1"])
    entries[0] = (entries[0][0], AttendanceStatus.ABSENT)
    with CaptureQueriesContext(connection) as queries:
        roster_save(session=session, entries=entries, user=d.users["secretary1"])
    touched = [q["sql"] for q in queries if '"study_reviewbacklog"' in q["sql"]]
    assert not touched, touched
    assert MakeUp.objects.filter(attendance__session=session).count() == 1


@pytest.mark.parametrize("corrected", [False, True], ids=["first save", "correction"])
def test_a_roster_save_costs_the_same_statements_for_a_small_and_a_large_branch(
    live_district, corrected
):
    """A secretary at the meeting waits for the save: the sign-ins, their corrections and
    make-ups are written in bulk, not a statement a member."""
    d = live_district
    secretary = d.users["secretary1"]

    def statements(extra_members):
        MemberFactory.create_batch(extra_members, unit=d.school1)
        session = make_session(d.school1, secretary, hours="2")
        members = list(Member.objects.filter(unit=d.school1))
        first = [(m.pk, ABSENT if i % 3 == 0 else PRESENT) for i, m in enumerate(members)]
        again = [(pk, PRESENT if status == ABSENT else LEAVE) for pk, status in first]
        if corrected:
            roster_save(session=session, entries=first, user=secretary)
        with CaptureQueriesContext(connection) as queries:
            roster_save(session=session, entries=again if corrected else first, user=secretary)
        assert Attendance.objects.filter(session=session).count() == len(members)
        owed = {s for s in (again if corrected else first) if s[1] in (ABSENT, LEAVE)}
        assert MakeUp.objects.filter(attendance__session=session).count() == len(owed)
        return len(queries)

    small = statements(0)
    assert statements(30) == small

"""Self sign-in: a member types the code shown at the session, or scans its QR code."""

import datetime
import io

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from common.models import Notification
from study.models import Attendance, AttendanceChange, AttendanceStatus, MakeUp, MemberProgress
from study.services import sessions as services
from tests.factories import UserFactory, a_minute_later, make_session
from units.models import Member


@pytest.fixture
def session(live_district):
    """A 2-hour session of 区一中党支部 starting now, where member1 (张建国) belongs."""
    return make_session(live_district.school1, live_district.users["secretary1"], hours="2")


def _wrong_code(*sessions):
    taken = {s.checkin_code for s in sessions}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in taken)


# The service ----------------------------------------------------------------------------


def test_signing_in_on_time_is_present_and_after_ten_minutes_late(live_district, session):
    d = live_district
    wang = Member.objects.get(name="王强")

    on_time = services.self_check_in(
        member=d.member1,
        code=session.checkin_code,
        now=session.starts_at + datetime.timedelta(minutes=5),
    )
    late = services.self_check_in(
        member=wang,
        code=session.checkin_code,
        now=session.starts_at + datetime.timedelta(minutes=11),
    )

    assert on_time.status == AttendanceStatus.PRESENT
    assert late.status == AttendanceStatus.LATE
    assert late.self_signed_at == session.starts_at + datetime.timedelta(minutes=11)
    assert MemberProgress.objects.get(member=d.member1).concentrated_hours == 2


def test_wrong_code_is_refused(live_district, session):
    with pytest.raises(services.CheckinRefused, match="签到码不正确"):
        services.self_check_in(member=live_district.member1, code=_wrong_code(session))


def test_another_branchs_code_is_refused(live_district):
    d = live_district
    other = make_session(d.school2, d.users["leader1"])
    # Answered as a wrong code: "another branch's" would tell a guesser the code is in use.
    with pytest.raises(services.CheckinRefused, match="签到码不正确"):
        services.self_check_in(member=d.member1, code=other.checkin_code)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "offset",
    [datetime.timedelta(minutes=-31), datetime.timedelta(hours=2, minutes=1)],
    ids=["too early", "after the end"],
)
def test_signing_in_outside_the_window_is_refused(live_district, session, offset):
    with pytest.raises(services.CheckinRefused, match="不在本次学习的签到时间内"):
        services.self_check_in(
            member=live_district.member1,
            code=session.checkin_code,
            now=session.starts_at + offset,
        )


def test_signing_in_twice_is_refused(live_district, session):
    services.self_check_in(member=live_district.member1, code=session.checkin_code)
    with pytest.raises(services.CheckinRefused, match="已经签到过了"):
        services.self_check_in(member=live_district.member1, code=session.checkin_code)


# The page -------------------------------------------------------------------------------


def test_qr_link_opens_the_page_with_the_code_filled_in(live_district, session, login):
    response = login(live_district.users["member1"]).get(
        reverse("study:checkin_code", args=[session.checkin_code])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{session.checkin_code}"' in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert "张建国" in page


def test_member_signs_in_and_sees_a_green_card(live_district, session, login):
    client = login(live_district.users["member1"])
    response = client.post(reverse("study:checkin"), {"code": session.checkin_code})

    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session, member=live_district.member1)
    assert attendance.status == AttendanceStatus.PRESENT
    assert attendance.self_signed_at is not None

    page = client.get(response["Location"]).content.decode()
    assert "签到成功:学习《党章》,出席" in page
    assert 'id="checkin-success"' in page and "text-bg-success" in page


def test_late_sign_in_says_late(live_district, login):
    d = live_district
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    client = login(d.users["member1"])
    response = client.post(reverse("study:checkin"), {"code": session.checkin_code}, follow=True)
    assert "签到成功:学习《党章》,迟到" in response.content.decode()


def test_the_success_card_shows_only_ones_own_sign_in(live_district, session, login):
    wang = Member.objects.get(name="王强")
    services.self_check_in(member=wang, code=session.checkin_code)
    page = login(live_district.users["member1"]).get(
        reverse("study:checkin"), {"signed": session.pk}
    )
    assert "签到成功" not in page.content.decode()


@pytest.mark.parametrize("signed", ["²", "99999999999999999999999"])
def test_a_signed_that_is_no_session_shows_the_plain_form(live_district, login, signed):
    # "²" passes isdigit() and int() refused it (a 500).
    response = login(live_district.users["member1"]).get(
        reverse("study:checkin"), {"signed": signed}
    )
    assert response.status_code == 200
    assert response.context["signed_in"] is None


@pytest.mark.parametrize(
    "code, message",
    [("", "请输入6位签到码"), ("12ab56", "签到码是6位数字"), ("123", "签到码是6位数字")],
    ids=["empty", "letters", "short"],
)
def test_malformed_codes_are_explained(live_district, session, login, code, message):
    response = login(live_district.users["member1"]).post(reverse("study:checkin"), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_wrong_code_on_the_page(live_district, session, login):
    code = _wrong_code(session)
    response = login(live_district.users["member1"]).post(reverse("study:checkin"), {"code": code})
    page = response.content.decode()
    assert response.status_code == 200
    assert "签到码不正确" in page
    assert f'value="{code}"' in page
    assert not Attendance.objects.exists()


def test_other_branchs_code_on_the_page(live_district, login):
    d = live_district
    other = make_session(d.ward, d.users["secretary2"])
    response = login(d.users["member1"]).post(
        reverse("study:checkin"), {"code": other.checkin_code}
    )
    page = response.content.decode()
    assert "签到码不正确" in page
    assert "其他支部" not in page
    assert not Attendance.objects.exists()


def test_outside_the_window_on_the_page(live_district, login):
    d = live_district
    later = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() + datetime.timedelta(hours=3)
    )
    response = login(d.users["member1"]).post(
        reverse("study:checkin"), {"code": later.checkin_code}
    )
    assert "现在不在本次学习的签到时间内" in response.content.decode()
    assert not Attendance.objects.exists()


def test_second_sign_in_on_the_page(live_district, session, login):
    client = login(live_district.users["member1"])
    client.post(reverse("study:checkin"), {"code": session.checkin_code})
    a_minute_later()
    response = client.post(reverse("study:checkin"), {"code": session.checkin_code})
    assert response.status_code == 200
    assert "您已经签到过了" in response.content.decode()
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "secretary1", "office"])
def test_a_user_who_is_not_a_member_is_told_so(live_district, session, login, persona):
    client = login(live_district.users[persona])
    for response in (
        client.get(reverse("study:checkin_code", args=[session.checkin_code])),
        client.post(reverse("study:checkin"), {"code": session.checkin_code}),
    ):
        assert response.status_code == 403
        assert "您的账号没有对应的党员信息,不能自助签到" in response.content.decode()
    assert not Attendance.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in_and_back(session, client):
    url = reverse("study:checkin_code", args=[session.checkin_code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]


# What the secretary sees ----------------------------------------------------------------


def test_session_page_shows_the_code_and_the_qr_while_sign_in_is_open(
    live_district, session, login
):
    page = login(live_district.users["secretary1"]).get(reverse("study:session", args=[session.pk]))
    page = page.content.decode()
    assert session.checkin_code in page
    assert reverse("study:session_qr", args=[session.pk]) in page
    assert f"http://testserver/study/checkin/{session.checkin_code}/" in page
    assert f'data-checkins-url="{reverse("study:session_checkins", args=[session.pk])}"' in page


def test_after_the_session_the_code_and_polling_are_gone(live_district, login):
    d = live_district
    past = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(hours=5)
    )
    client = login(d.users["secretary1"])
    page = client.get(reverse("study:session", args=[past.pk])).content.decode()
    assert past.checkin_code not in page
    assert "data-checkins-url" not in page
    data = client.get(reverse("study:session_checkins", args=[past.pk])).json()
    assert (data["open"], data["over"]) == (False, True)


def test_qr_code_is_an_svg_of_the_checkin_link(live_district, session, login):
    response = login(live_district.users["secretary1"]).get(
        reverse("study:session_qr", args=[session.pk])
    )
    url = f"http://testserver/study/checkin/{session.checkin_code}/"
    svg = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert svg.lstrip().startswith("<?xml") or svg.lstrip().startswith("<svg")
    assert url in svg
    # The modules drawn are those of this very link.
    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="svg", scale=8, border=2)
    path = lambda text: text[text.index(' d="') :].split('"')[1]  # noqa: E731
    assert path(svg) == path(expected.getvalue().decode())


def test_checkins_json_lists_self_sign_ins(live_district, session, login):
    d = live_district
    wang = Member.objects.get(name="王强")
    services.roster_save(
        session=session,
        entries=[(Member.objects.get(name="李秀英").pk, AttendanceStatus.HOME_DELIVERY)],
        user=d.users["secretary1"],
    )
    signed = services.self_check_in(
        member=wang,
        code=session.checkin_code,
        now=session.starts_at + datetime.timedelta(minutes=12),
    )

    data = (
        login(d.users["secretary1"])
        .get(reverse("study:session_checkins", args=[session.pk]))
        .json()
    )

    assert data["open"] is True and data["over"] is False
    assert data["checkins"] == [
        {
            "member": wang.pk,
            "status": "late",
            "status_label": "迟到",
            "time": timezone.localtime(signed.self_signed_at).strftime("%H:%M"),
        }
    ]


def test_roster_marks_members_who_signed_themselves_in(live_district, session, login):
    wang = Member.objects.get(name="王强")
    signed = services.self_check_in(member=wang, code=session.checkin_code)
    page = login(live_district.users["secretary1"]).get(reverse("study:session", args=[session.pk]))
    time = timezone.localtime(signed.self_signed_at).strftime("%H:%M")
    assert f"本人签到 {time}" in page.content.decode()


def test_a_new_member_account_can_sign_in(live_district, session, login):
    """A member given a login later signs in like anyone else."""
    user = UserFactory(username="wangqiang")
    Member.objects.filter(name="王强").update(user=user)
    response = login(user).post(reverse("study:checkin"), {"code": session.checkin_code})
    assert response.status_code == 302
    assert Attendance.objects.get().member.name == "王强"


# A sign-in against the secretary's record ---------------------------------------------


@pytest.fixture
def recorded_absent(live_district, session):
    """The secretary saved 张建国 (member1) as absent: a make-up is owed for it."""
    d = live_district
    entries = [(m.pk, AttendanceStatus.PRESENT) for m in d.school1.members.all()]
    entries = [(pk, AttendanceStatus.ABSENT if pk == d.member1.pk else s) for pk, s in entries]
    services.roster_save(session=session, entries=entries, user=d.users["secretary1"])
    assert MakeUp.objects.filter(member=d.member1, attendance__session=session).exists()
    return session


def test_a_code_does_not_overrule_the_secretarys_absent_and_the_secretary_is_told(
    live_district, recorded_absent
):
    d = live_district
    session = recorded_absent
    signed = services.self_check_in(member=d.member1, code=session.checkin_code)

    # The record and its make-up stand, beside the member's sign-in, until she decides.
    assert signed.status == AttendanceStatus.ABSENT
    assert signed.self_signed_at is not None
    assert services.checkin_conflicts(signed)
    assert MakeUp.objects.filter(member=d.member1, attendance__session=session).exists()
    assert not AttendanceChange.objects.filter(attendance=signed).exists()
    notice = Notification.objects.get(user=d.users["secretary1"])
    assert "张建国" in notice.text and "记为缺席,已登记补课" in notice.text
    assert notice.link == reverse("study:session", args=[session.pk])
    assert not Notification.objects.filter(user=d.users["member1"]).exists()


def test_the_member_is_told_the_secretary_will_check(live_district, recorded_absent, login):
    client = login(live_district.users["member1"])
    response = client.post(reverse("study:checkin"), {"code": recorded_absent.checkin_code})
    page = client.get(response["Location"]).content.decode()
    assert 'id="checkin-conflict"' in page and 'id="checkin-success"' not in page
    assert "签到名单上您记为缺席,已请支部书记核实" in page


def test_the_roster_shows_the_conflict_and_saving_present_settles_it(
    live_district, recorded_absent, login
):
    d = live_district
    session = recorded_absent
    services.self_check_in(member=d.member1, code=session.checkin_code)
    secretary = login(d.users["secretary1"])
    page = secretary.get(reverse("study:session", args=[session.pk])).content.decode()
    assert "扫码签到,名单记为缺席,请核实" in page

    entries = [(m.pk, AttendanceStatus.PRESENT) for m in d.school1.members.all()]
    services.roster_save(session=session, entries=entries, user=d.users["secretary1"])
    attendance = Attendance.objects.get(session=session, member=d.member1)
    assert not services.checkin_conflicts(attendance)
    assert not MakeUp.objects.filter(attendance=attendance).exists()
    page = secretary.get(reverse("study:session", args=[session.pk])).content.decode()
    assert "请核实" not in page


def test_a_sign_in_over_a_present_record_tells_nobody(live_district, session):
    d = live_district
    entries = [(m.pk, AttendanceStatus.PRESENT) for m in d.school1.members.all()]
    services.roster_save(session=session, entries=entries, user=d.users["secretary1"])
    signed = services.self_check_in(member=d.member1, code=session.checkin_code)
    assert signed.status == AttendanceStatus.PRESENT and not services.checkin_conflicts(signed)
    assert not Notification.objects.exists()

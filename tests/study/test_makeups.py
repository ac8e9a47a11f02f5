"""补课: owed when a member misses a session, done when the secretary records it.

"因事缺席的要及时补课……对年老体弱行动不便的党员要送课上门": a make-up restores the
concentrated hours of the session it replaces.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.dates import day_text
from study.models import (
    AttendanceStatus,
    MakeUp,
    MakeUpCorrection,
    MakeUpCorrectionAction,
    MakeUpMethod,
    MemberProgress,
)
from study.services import absences as services
from study.services.sessions import roster_save
from tests.factories import MemberFactory, make_session
from units.models import Member


def absent_from_session(district, member, *, days_ago=2, hours="2", status="absent"):
    """A session of the member's branch some days ago, with the member marked absent;
    returns the make-up it owes."""
    secretary = district.users["secretary2" if member.unit == district.ward else "secretary1"]
    session = make_session(
        member.unit,
        secretary,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        hours=hours,
    )
    roster_save(session=session, entries=[(member.pk, status)], user=secretary)
    return MakeUp.objects.get(attendance__session=session, member=member)


def _progress(member):
    return MemberProgress.objects.get(member=member)


def _done_url(makeup):
    return reverse("study:makeup_done", args=[makeup.pk])


def test_a_makeup_done_restores_the_missed_hours(live_district, login):
    member = live_district.member1
    makeup = absent_from_session(live_district, member, hours="2.5")
    assert _progress(member).concentrated_hours == 0
    assert _progress(member).makeups_owed == 1

    client = login(live_district.users["secretary1"])
    response = client.post(
        _done_url(makeup),
        {"done_on": timezone.localdate().isoformat(), "method": "session", "note": "补学第一章"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "study:makeups", args=[live_district.school1.pk]
    )
    assert "已登记张建国补课(补课会),计入集中学习2.5学时" in response.content.decode()
    assert _progress(member).concentrated_hours == Decimal("2.5")
    assert _progress(member).makeups_owed == 0
    makeup.refresh_from_db()
    assert makeup.done_on == timezone.localdate()
    assert makeup.method == MakeUpMethod.SESSION
    assert makeup.recorded_by == live_district.users["secretary1"]
    # Now in the done list, with who recorded it.
    assert response.context["totals"]["owed"] == 0
    assert [m.pk for m in response.context["done"]] == [makeup.pk]


def test_the_owed_list_shows_who_missed_what_and_for_how_long(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1, days_ago=5, hours="3")
    response = login(live_district.users["secretary1"]).get(
        reverse("study:makeups", args=[live_district.school1.pk])
    )
    page = response.content.decode()
    assert response.context["totals"]["owed"] == 1
    assert response.context["totals"]["owed_hours"] == Decimal("3")
    [row] = response.context["owed"]
    assert row.owed_days == 5
    assert "张建国" in page and makeup.reason in page and "缺席" in page
    assert "缺课已 5 天" in page
    assert _done_url(makeup) in page


def test_the_oldest_debt_comes_first(live_district, login):
    recent = absent_from_session(live_district, live_district.member1, days_ago=1)
    old = absent_from_session(live_district, live_district.member1, days_ago=9)
    response = login(live_district.users["secretary1"]).get(
        reverse("study:makeups", args=[live_district.school1.pk])
    )
    assert [m.pk for m in response.context["owed"]] == [old.pk, recent.pk]


def test_a_committee_sees_the_makeups_of_every_branch_below_it(live_district, login):
    d = live_district
    absent_from_session(d, d.member1)
    absent_from_session(d, Member.objects.get(name="赵敏"))
    absent_from_session(d, Member.objects.get(name="刘洋"))
    done = absent_from_session(d, Member.objects.get(name="李秀英"))
    services.makeup_complete(
        makeup=done,
        done_on=timezone.localdate(),
        method=MakeUpMethod.HOME_DELIVERY,
        user=d.users["secretary1"],
    )

    def totals(user, unit):
        response = login(d.users[user]).get(reverse("study:makeups", args=[unit.pk]))
        return response.context["totals"]["owed"], response.context["totals"]["done"]

    assert totals("leader1", d.education) == (2, 1)
    assert totals("secretary1", d.school1) == (1, 1)
    assert totals("office", d.root) == (3, 1)
    assert totals("supervisor2", d.health) == (1, 0)
    page = login(d.users["leader1"]).get(reverse("study:makeups", args=[d.education.pk]))
    text = page.content.decode()
    # A rollup says which branch each member belongs to.
    assert "区二中党支部" in text and "赵敏" in text and "刘洋" not in text


def test_an_infirm_member_is_suggested_home_delivery(live_district, login):
    infirm = Member.objects.get(name="李秀英")
    makeup = absent_from_session(live_district, infirm)
    absent_from_session(live_district, live_district.member1)
    client = login(live_district.users["secretary1"])

    page = client.get(reverse("study:makeups", args=[live_district.school1.pk])).content.decode()
    assert page.count("建议送课上门") == 1

    response = client.get(_done_url(makeup))
    assert response.context["form"]["method"].value() == MakeUpMethod.HOME_DELIVERY
    assert "建议送课上门" in response.content.decode()
    other = MakeUp.objects.get(member=live_district.member1)
    assert client.get(_done_url(other)).context["form"]["method"].value() == MakeUpMethod.SESSION


def test_only_those_who_keep_the_ledger_get_the_record_link(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1)
    url = reverse("study:makeups", args=[live_district.school1.pk])
    for persona, sees_link in [
        ("secretary1", True),
        ("leader1", True),
        ("supervisor1", False),
        ("office", False),
    ]:
        page = login(live_district.users[persona]).get(url).content.decode()
        assert (_done_url(makeup) in page) is sees_link, persona


def test_recording_returns_to_the_list_the_leader_came_from(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1)
    back = reverse("study:makeups", args=[live_district.education.pk])
    client = login(live_district.users["leader1"])
    response = client.post(
        f"{_done_url(makeup)}?next={back}",
        {"done_on": timezone.localdate().isoformat(), "method": "recording", "next": back},
    )
    assert response.status_code == 302 and response.url == back


def test_a_next_to_another_site_is_ignored(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1)
    response = login(live_district.users["secretary1"]).post(
        _done_url(makeup),
        {
            "done_on": timezone.localdate().isoformat(),
            "method": "session",
            "next": "https://example.com/",
        },
    )
    assert response.url == reverse("study:makeups", args=[live_district.school1.pk])


def _today_minus(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        (lambda: _today_minus(5), "补课日期不能早于所缺的那次学习"),
        (lambda: _today_minus(-1), "补课日期不能晚于今天"),
        (lambda: "", "请填写补课日期"),
        (lambda: "2005-13-40", "请填写正确的日期"),
    ],
    ids=["before the missed session", "in the future", "missing", "not a date"],
)
def test_a_wrong_date_is_refused_on_the_form(live_district, login, done_on, message):
    makeup = absent_from_session(live_district, live_district.member1, days_ago=2)
    value = done_on()
    response = login(live_district.users["secretary1"]).post(
        _done_url(makeup), {"done_on": value, "method": "session", "note": "补学党章"}
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["done_on"])
    page = response.content.decode()
    # What the secretary typed is still there.
    assert "补学党章" in page
    makeup.refresh_from_db()
    assert not makeup.is_done
    assert _progress(live_district.member1).makeups_owed == 1


def test_a_date_after_the_batch_is_refused(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1, days_ago=3)
    batch = live_district.batch
    batch.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    batch.save()
    response = login(live_district.users["secretary1"]).post(
        _done_url(makeup), {"done_on": timezone.localdate().isoformat(), "method": "session"}
    )
    assert "日期应在本批次活动期间" in str(response.context["form"].errors["done_on"])
    makeup.refresh_from_db()
    assert not makeup.is_done


def test_a_makeup_cannot_be_recorded_twice(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1)
    client = login(live_district.users["secretary1"])
    today = timezone.localdate().isoformat()
    client.post(_done_url(makeup), {"done_on": today, "method": "session"})

    page = client.get(_done_url(makeup)).content.decode()
    assert "这次补课已于" in page and "确认已补课" not in page

    response = client.post(_done_url(makeup), {"done_on": today, "method": "recording"})
    assert response.status_code == 200
    assert "这次补课已经登记过了" in response.content.decode()
    makeup.refresh_from_db()
    assert makeup.method == MakeUpMethod.SESSION


def test_a_method_must_be_chosen(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1)
    response = login(live_district.users["secretary1"]).post(
        _done_url(makeup), {"done_on": timezone.localdate().isoformat(), "method": ""}
    )
    assert "请选择补课方式" in str(response.context["form"].errors["method"])


def test_leave_owes_a_makeup_too(live_district, login):
    makeup = absent_from_session(live_district, live_district.member1, status="leave")
    assert "请假" in makeup.reason
    response = login(live_district.users["secretary1"]).get(
        reverse("study:makeups", args=[live_district.school1.pk])
    )
    assert response.context["totals"]["owed"] == 1
    assert makeup.attendance.status == AttendanceStatus.LEAVE


def test_the_list_costs_the_same_however_many_makeups(live_district, login, count_queries):
    d = live_district
    absent_from_session(d, d.member1)
    services.makeup_complete(
        makeup=absent_from_session(d, d.member1),
        done_on=timezone.localdate(),
        method=MakeUpMethod.SESSION,
        user=d.users["leader1"],
    )
    client = login(d.users["leader1"])
    url = reverse("study:makeups", args=[d.education.pk])
    before = count_queries(client, url)

    members = [MemberFactory(unit=d.school2, is_infirm=i % 2 == 0) for i in range(12)]
    for days_ago in (1, 3, 5):
        session = make_session(
            d.school2,
            d.users["leader1"],
            starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
        roster_save(
            session=session, entries=[(m.pk, "absent") for m in members], user=d.users["leader1"]
        )
    for makeup in MakeUp.objects.filter(member__in=members[:6]):
        services.makeup_complete(
            makeup=makeup,
            done_on=timezone.localdate(),
            method=MakeUpMethod.SESSION,
            user=d.users["leader1"],
        )

    assert MakeUp.objects.count() > 30
    assert count_queries(client, url) == before
    assert count_queries(client, url, page=2, done_page=2) == before


# A make-up recorded by mistake -------------------------------------------------------------


def _recorded(district, member, **kwargs):
    makeup = absent_from_session(district, member, **kwargs)
    return services.makeup_complete(
        makeup=makeup,
        done_on=timezone.localdate(),
        method=MakeUpMethod.SESSION,
        user=district.users["secretary1"],
        note="补学第一章",
    )


def _correct_url(makeup):
    return reverse("study:makeup_correct", args=[makeup.pk])


def test_a_makeup_recorded_by_mistake_is_taken_back_with_its_reason_kept(live_district, login):
    member = live_district.member1
    makeup = _recorded(live_district, member, hours="2.5")
    assert _progress(member).concentrated_hours == Decimal("2.5")
    client = login(live_district.users["secretary1"])
    assert (
        _correct_url(makeup)
        in client.get(reverse("study:makeups", args=[live_district.school1.pk])).content.decode()
    )

    response = client.post(
        _correct_url(makeup), {"action": "undone", "reason": "登记错了人"}, follow=True
    )

    assert "已撤销张建国的补课登记,重新计为缺课未补" in response.content.decode()
    makeup.refresh_from_db()
    assert not makeup.is_done and makeup.method == "" and makeup.recorded_by is None
    assert _progress(member).concentrated_hours == 0
    assert _progress(member).makeups_owed == 1
    correction = MakeUpCorrection.objects.get(makeup=makeup)
    assert correction.action == MakeUpCorrectionAction.UNDONE
    assert correction.reason == "登记错了人"
    assert correction.changed_by == live_district.users["secretary1"]
    assert correction.changes["补课方式"] == ["补课会", ""]
    assert correction.changes["说明"] == ["补学第一章", ""]
    # Owed again: it can be recorded anew, and the history stays on its page.
    assert client.get(_done_url(makeup)).status_code == 200


def test_a_makeups_date_and_way_are_put_right(live_district, login):
    member = live_district.member1
    makeup = _recorded(live_district, member, days_ago=4)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client = login(live_district.users["leader1"])
    response = client.post(
        _correct_url(makeup),
        {
            "action": "changed",
            "done_on": yesterday.isoformat(),
            "method": "recording",
            "note": "补学第一章",
            "reason": "日期写错了",
        },
        follow=True,
    )
    assert "已更正张建国的补课登记" in response.content.decode()
    makeup.refresh_from_db()
    assert (makeup.done_on, makeup.method) == (yesterday, MakeUpMethod.RECORDING)
    correction = MakeUpCorrection.objects.get(makeup=makeup)
    assert set(correction.changes) == {"补课日期", "补课方式"}
    assert correction.changes["补课方式"] == ["补课会", "观看录像"]
    page = client.get(_correct_url(makeup)).content.decode()
    assert "日期写错了" in page and "补课会 → 观看录像" in page
    # Dates read as everywhere else, 2026年12月5日, not as stored.
    history = page[page.index('id="makeup-corrections"') :]
    assert f"→ {day_text(yesterday)}" in history and yesterday.isoformat() not in history


def test_a_correction_needs_a_reason_and_keeps_what_was_typed(live_district, login):
    makeup = _recorded(live_district, live_district.member1)
    client = login(live_district.users["secretary1"])
    response = client.post(
        _correct_url(makeup), {"action": "changed", "done_on": "", "method": "recording"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请写明更正原因" in page and "请填写补课日期" in page
    assert re.search(r'<input[^>]*value="recording"[^>]*checked', page), "the way chosen is kept"
    makeup.refresh_from_db()
    assert makeup.is_done and not MakeUpCorrection.objects.exists()


def test_a_correction_of_a_date_before_the_missed_session_is_refused(live_district, login):
    makeup = _recorded(live_district, live_district.member1, days_ago=2)
    too_early = timezone.localdate() - datetime.timedelta(days=5)
    response = login(live_district.users["secretary1"]).post(
        _correct_url(makeup),
        {"action": "changed", "done_on": too_early.isoformat(), "method": "session", "reason": "x"},
    )
    assert "补课日期不能早于所缺的那次学习" in response.content.decode()
    assert not MakeUpCorrection.objects.exists()


@pytest.mark.parametrize("persona", ["supervisor1", "office", "member1", "secretary2"])
def test_only_those_who_keep_the_ledger_correct_a_makeup(live_district, login, persona):
    makeup = _recorded(live_district, live_district.member1)
    client = login(live_district.users[persona])
    assert client.get(_correct_url(makeup)).status_code in (403, 404)
    response = client.post(_correct_url(makeup), {"action": "undone", "reason": "x"})
    assert response.status_code in (403, 404)
    makeup.refresh_from_db()
    assert makeup.is_done and not MakeUpCorrection.objects.exists()
    page = client.get(reverse("study:makeups", args=[live_district.school1.pk]))
    assert _correct_url(makeup) not in page.content.decode()

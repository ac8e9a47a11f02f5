"""The branch's ledger of study sessions, and the form the secretary keeps it with."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign.models import Topic
from campaign.services.topics import FIXED_TOPICS
from study.models import Attendance, AttendanceStatus, MakeUp, StudySession
from study.services import sessions as services
from tests.factories import MemberFactory, make_session
from units.models import Member


def _form_data(**overrides):
    starts = timezone.localtime() + datetime.timedelta(hours=1)
    data = {
        "kind": "party_lecture",
        "title": "专题党课:党员先锋模范作用",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "hours": "2.5",
        "place": "学校会议室",
        "speaker": "张建国",
        "topic": "",
    }
    data.update(overrides)
    return data


def _secretary(district, login):
    return login(district.users["secretary1"])


# The ledger -----------------------------------------------------------------------------


def test_ledger_lists_sessions_newest_first_with_their_counts(live_district, login):
    d = live_district
    secretary = d.users["secretary1"]
    now = timezone.now()
    older = make_session(
        d.school1, secretary, starts_at=now - datetime.timedelta(days=3), title="学习《党章》"
    )
    newer = make_session(
        d.school1,
        secretary,
        starts_at=now - datetime.timedelta(days=1),
        title="观看电教片《牛玉儒》",
        kind="film",
        place="党员活动室",
        speaker="李书记",
    )
    make_session(d.school2, secretary, title="区二中的学习")
    members = {m.name: m.pk for m in Member.objects.filter(unit=d.school1)}
    services.roster_save(
        session=newer,
        entries=[
            (members["张建国"], AttendanceStatus.PRESENT),
            (members["李秀英"], AttendanceStatus.HOME_DELIVERY),
            (members["王强"], AttendanceStatus.ABSENT),
        ],
        user=secretary,
    )

    response = _secretary(d, login).get(reverse("study:sessions", args=[d.school1.pk]))

    assert response.status_code == 200
    listed = list(response.context["page"])
    assert listed == [newer, older]
    row = listed[0]
    assert (row.present_count, row.late_count, row.leave_count) == (1, 0, 0)
    assert (row.absent_count, row.home_delivery_count) == (1, 1)
    page = response.content.decode()
    assert "观看电教片《牛玉儒》" in page and "电教片" in page and "党员活动室" in page
    assert "区二中的学习" not in page
    assert reverse("study:session", args=[newer.pk]) in page
    assert reverse("study:session_create", args=[d.school1.pk]) in page
    # Each session is one card, its figures in words, the whole card a link to the roster.
    assert "出席 1 人 · 迟到 0 人 · 请假 0 人" in page
    assert "缺席 1 人" in page and "送课上门 1 人" in page
    card = 'class="list-group-item list-group-item-action py-2" href="{}"'
    assert card.format(reverse("study:session", args=[newer.pk])) in page


def test_ledger_shows_times_in_beijing_time(live_district, login):
    d = live_district
    starts = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(8, 30))
    )
    make_session(d.school1, d.users["secretary1"], starts_at=starts)
    page = _secretary(d, login).get(reverse("study:sessions", args=[d.school1.pk]))
    assert "08:30" in page.content.decode()


def test_supervisor_sees_the_ledger_without_the_new_button(live_district, login):
    d = live_district
    make_session(d.school1, d.users["secretary1"])
    response = login(d.users["supervisor1"]).get(reverse("study:sessions", args=[d.school1.pk]))
    assert response.status_code == 200
    assert "新建学习" not in response.content.decode()


def test_ledger_query_count_does_not_grow_with_sessions(live_district, login, count_queries):
    d = live_district
    secretary = d.users["secretary1"]
    client = _secretary(d, login)
    url = reverse("study:sessions", args=[d.school1.pk])
    topic = Topic.objects.filter(unit=None).first()
    make_session(d.school1, secretary, topic=topic)
    before = count_queries(client, url)

    members = [MemberFactory(unit=d.school1) for _ in range(5)]
    for day in range(1, 40):
        session = make_session(
            d.school1,
            secretary,
            starts_at=timezone.now() - datetime.timedelta(days=day % 25, hours=day),
            topic=topic,
        )
        services.roster_save(
            session=session,
            entries=[(m.pk, AttendanceStatus.PRESENT) for m in members],
            user=secretary,
        )
    after = count_queries(client, url)
    second_page = count_queries(client, url, page=2)

    assert after == before
    assert second_page == before


# The form -------------------------------------------------------------------------------


def test_secretary_creates_a_session(live_district, login):
    d = live_district
    topic = Topic.objects.get(unit=None, number=2)
    readings = list(d.batch.readings.all()[:2])
    data = _form_data(topic=str(topic.pk), readings=[str(r.pk) for r in readings])

    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)

    session = StudySession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("study:session", args=[session.pk])
    assert session.unit == d.school1
    assert session.kind == "party_lecture"
    assert session.hours == Decimal("2.5")
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M") == data["starts_at"]
    assert session.topic == topic
    assert set(session.readings.all()) == set(readings)
    assert session.created_by == d.users["secretary1"]
    assert len(session.checkin_code) == 6


def test_form_offers_the_four_topics_and_the_branchs_own(live_district, login):
    d = live_district
    Topic.objects.create(batch=d.batch, unit=d.education, number=5, name="教育党委专题")
    Topic.objects.create(batch=d.batch, unit=d.school2, number=5, name="二中自选专题")
    url = reverse("study:session_create", args=[d.school1.pk])

    # Without one of its own, the branch follows its 党委's; with one, its own only.
    response = _secretary(d, login).get(url)
    offered = {t.name for t in response.context["form"].fields["topic"].queryset}
    assert offered == set(FIXED_TOPICS) | {"教育党委专题"}
    Topic.objects.create(batch=d.batch, unit=d.school1, number=5, name="一中自选专题")
    response = _secretary(d, login).get(url)
    offered = {t.name for t in response.context["form"].fields["topic"].queryset}
    assert offered == set(FIXED_TOPICS) | {"一中自选专题"}
    page = response.content.decode()
    assert 'type="datetime-local"' in page
    assert "《中国共产党章程》" in page


def test_topic_of_another_branch_is_refused(live_district, login):
    d = live_district
    other = Topic.objects.create(batch=d.batch, unit=d.school2, number=5, name="二中专题")
    response = _secretary(d, login).post(
        reverse("study:session_create", args=[d.school1.pk]), _form_data(topic=str(other.pk))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["topic"]
    assert not StudySession.objects.exists()


def _assert_refused(response, field, message, data):
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert message in page
    # What the secretary typed is all still there.
    assert data["title"] in page and data["place"] in page and data["speaker"] in page
    assert f'value="{data["hours"]}"' in page
    assert not StudySession.objects.exists()


def test_zero_hours_are_refused_next_to_the_field(live_district, login):
    d = live_district
    data = _form_data(hours="0")
    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)
    _assert_refused(response, "hours", "学时应大于0", data)


def test_negative_hours_are_refused(live_district, login):
    d = live_district
    data = _form_data(hours="-2")
    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)
    _assert_refused(response, "hours", "学时应大于0", data)


def test_more_than_twelve_hours_are_refused(live_district, login):
    d = live_district
    data = _form_data(hours="13")
    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)
    _assert_refused(response, "hours", "一次学习不能超过12学时", data)


def test_a_date_outside_the_batch_is_refused(live_district, login):
    d = live_district
    before = d.batch.starts_on - datetime.timedelta(days=3)
    data = _form_data(starts_at=f"{before:%Y-%m-%d}T09:00")
    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)
    _assert_refused(response, "starts_at", "日期应在本批次活动期间", data)
    assert f'value="{before:%Y-%m-%d}T09:00"' in response.content.decode()


def test_a_missing_title_and_date_are_asked_for(live_district, login):
    d = live_district
    response = _secretary(d, login).post(
        reverse("study:session_create", args=[d.school1.pk]),
        _form_data(title="", starts_at=""),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "starts_at"}
    assert not StudySession.objects.exists()


def test_sessions_are_kept_by_branches_only(live_district, login):
    d = live_district
    response = login(d.users["leader1"]).get(reverse("study:session_create", args=[d.education.pk]))
    assert response.status_code == 404


def test_edit_changes_the_session_and_the_make_ups_follow_its_hours(live_district, login):
    d = live_district
    secretary = d.users["secretary1"]
    session = make_session(d.school1, secretary, hours="2")
    absent = Member.objects.get(name="王强")
    services.roster_save(
        session=session, entries=[(absent.pk, AttendanceStatus.ABSENT)], user=secretary
    )
    client = _secretary(d, login)
    url = reverse("study:session_edit", args=[session.pk])

    form = client.get(url).context["form"]
    assert form["title"].value() == "学习《党章》"
    assert form["hours"].value() == Decimal("2")

    data = _form_data(
        kind="study",
        title="学习《党章》第一至三章",
        starts_at=timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        hours="3",
    )
    response = client.post(url, data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "学习《党章》第一至三章"
    assert session.hours == Decimal("3")
    assert MakeUp.objects.get(member=absent).hours == Decimal("3")


def test_edit_refuses_bad_hours_and_keeps_the_old_ones(live_district, login):
    d = live_district
    session = make_session(d.school1, d.users["secretary1"], hours="2")
    data = _form_data(title="改过的题目", hours="20")
    response = _secretary(d, login).post(reverse("study:session_edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert "一次学习不能超过12学时" in response.content.decode()
    assert 'value="改过的题目"' in response.content.decode()
    session.refresh_from_db()
    assert (session.title, session.hours) == ("学习《党章》", Decimal("2"))
    assert Attendance.objects.count() == 0


def test_hours_of_a_closed_roster_cannot_be_changed(live_district):
    d = live_district
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    services.roster_save(
        session=session,
        entries=[(d.member1.pk, AttendanceStatus.PRESENT)],
        user=d.users["secretary1"],
        now=session.starts_at,
    )
    with pytest.raises(ValidationError, match="不能再修改时间和学时"):
        services.session_update(session=session, user=d.users["secretary1"], hours=Decimal("4"))


def test_a_form_sent_back_opens_with_a_summary_linking_each_field_in_error(live_district, login):
    d = live_district
    data = _form_data(hours="两小时", title="")
    response = _secretary(d, login).post(reverse("study:session_create", args=[d.school1.pk]), data)
    page = response.content.decode()
    summary = page[
        page.index("form-error-summary") : page.index("</ul>", page.index("form-error-summary"))
    ]
    assert "有 2 处需要修改" in summary and "已填写的内容都还在" in summary
    assert 'href="#id_title"' in summary and 'href="#id_hours"' in summary
    assert "请填写学习内容。" in summary
    # The summary comes before the fields, and what was typed is kept.
    assert page.index("form-error-summary") < page.index('id="id_kind"')
    assert data["place"] in page and data["speaker"] in page


def test_editing_a_session_keeps_the_topic_it_was_on(live_district, login):
    d = live_district
    inherited = Topic.objects.create(batch=d.batch, unit=d.education, number=5, name="教育党委专题")
    session = make_session(d.school1, d.users["secretary1"], topic=inherited)
    Topic.objects.create(batch=d.batch, unit=d.school1, number=5, name="一中自选专题")
    response = _secretary(d, login).get(reverse("study:session_edit", args=[session.pk]))
    offered = {t.name for t in response.context["form"].fields["topic"].queryset}
    assert {"教育党委专题", "一中自选专题"} <= offered

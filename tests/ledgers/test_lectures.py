"""党课 and 形势报告 by leading cadres: recording them, and the statistics the office and the
supervision groups keep ("督导组和先进性教育办公室要进行统计")."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import LeaderLecture, LectureKind
from ledgers.services.lectures import lecture_correct, lecture_delete, lecture_record
from tests.factories import MemberFactory

TODAY = timezone.localdate


def lecture(d, lecturer=None, unit=None, kind=LectureKind.PARTY_LECTURE, **fields):
    fields.setdefault("given_on", TODAY() - datetime.timedelta(days=1))
    fields.setdefault("topic", "保持共产党员先进性")
    fields.setdefault("audience", 30)
    return lecture_record(
        lecturer=lecturer or d.member1,
        unit=unit or d.school1,
        kind=kind,
        user=d.users["secretary1"],
        **fields,
    )


def form_data(d, **overrides):
    data = {
        "lecturer": d.member1.pk,
        "kind": LectureKind.PARTY_LECTURE,
        "unit": d.school1.pk,
        "given_on": (TODAY() - datetime.timedelta(days=2)).isoformat(),
        "place": "学校会议室",
        "topic": "坚持立党为公、执政为民",
        "audience": "45",
    }
    data.update(overrides)
    return data


def test_the_secretary_records_a_party_lecture(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:leaders_lectures", args=[d.school1.pk])

    response = client.post(url, form_data(d), follow=True)

    saved = LeaderLecture.objects.get()
    assert (saved.lecturer, saved.unit, saved.audience) == (d.member1, d.school1, 45)
    assert saved.recorded_by == d.users["secretary1"]
    page = response.content.decode()
    assert "已登记张建国的党课《坚持立党为公、执政为民》" in page
    assert "坚持立党为公、执政为民" in page


def test_bad_input_is_explained_and_what_was_typed_kept(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:leaders_lectures", args=[d.school1.pk])
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()

    response = client.post(url, form_data(d, given_on=tomorrow, audience="0"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "日期不能晚于今天" in page
    assert "坚持立党为公、执政为民" in page
    assert not LeaderLecture.objects.exists()


def test_audience_must_be_a_whole_number(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:leaders_lectures", args=[d.school1.pk]), form_data(d, audience="三十")
    )
    assert "听课人数应是整数" in response.content.decode()


def test_only_leading_cadres_of_the_recorders_units_can_be_chosen(live_district, login):
    d = live_district
    other_cadre = MemberFactory(name="孙卫东", unit=d.ward, is_leading_cadre=True)
    ordinary = d.school1.members.get(name="王强")
    client = login(d.users["secretary1"])
    url = reverse("ledgers:leaders_lectures", args=[d.school1.pk])

    page = client.get(url).content.decode()
    assert "张建国" in page and "孙卫东" not in page
    for lecturer in (other_cadre, ordinary):
        response = client.post(url, form_data(d, lecturer=lecturer.pk))
        assert "只能登记本单位及下级单位的党员领导干部" in response.content.decode()
    assert not LeaderLecture.objects.exists()


def test_the_service_refuses_a_member_who_is_not_a_leading_cadre(live_district):
    d = live_district
    with pytest.raises(ValidationError) as error:
        lecture(d, lecturer=d.school1.members.get(name="王强"))
    assert "lecturer" in error.value.message_dict


def test_the_leader_may_record_a_lecture_given_at_another_unit_of_the_subtree(live_district, login):
    d = live_district
    client = login(d.users["leader1"])
    response = client.post(
        reverse("ledgers:leaders_lectures", args=[d.education.pk]),
        form_data(d, unit=d.school2.pk, kind=LectureKind.SITUATION_REPORT),
    )
    assert response.status_code == 302
    assert LeaderLecture.objects.get().unit == d.school2


def test_a_unit_page_lists_lectures_given_there_and_by_its_cadres_elsewhere(live_district, login):
    d = live_district
    lecture(d, unit=d.school2, topic="到二中讲的党课")
    outside = MemberFactory(name="孙卫东", unit=d.ward, is_leading_cadre=True)
    lecture(d, lecturer=outside, unit=d.ward, topic="在医院讲的")

    page = (
        login(d.users["secretary1"])
        .get(reverse("ledgers:leaders_lectures", args=[d.school1.pk]))
        .content.decode()
    )

    assert "到二中讲的党课" in page
    assert "在医院讲的" not in page


class TestStatistics:
    @pytest.fixture
    def lectures(self, live_district):
        d = live_district
        d.cadre2 = MemberFactory(name="钱德明", unit=d.school2, is_leading_cadre=True)
        d.idle = MemberFactory(name="周志刚", unit=d.school2, is_leading_cadre=True)
        d.far = MemberFactory(name="吴海涛", unit=d.street, is_leading_cadre=True)
        lecture(d, kind=LectureKind.PARTY_LECTURE)
        lecture(d, kind=LectureKind.PARTY_LECTURE, unit=d.school2)
        lecture(d, kind=LectureKind.SITUATION_REPORT, unit=d.school2)
        lecture(d, lecturer=d.cadre2, kind=LectureKind.SITUATION_REPORT, unit=d.school2)
        return d

    def _stats(self, client, **params):
        return client.get(reverse("ledgers:leaders_lecture_stats"), params)

    def test_counts_per_leader_and_those_with_none(self, lectures, login):
        d = lectures
        response = self._stats(login(d.users["office"]))

        cadres = {
            c.name: (c.party_lectures, c.situation_reports) for c in response.context["cadres"]
        }
        assert cadres["张建国"] == (2, 1)
        assert cadres["钱德明"] == (0, 1)
        assert cadres["周志刚"] == (0, 0)
        assert [c.name for c in response.context["without"]] == ["周志刚", "吴海涛"]
        page = response.content.decode()
        assert "还没有上过党课、做过形势报告的领导干部" in page

    def test_counts_per_unit(self, lectures, login):
        response = self._stats(login(lectures.users["office"]))
        units = {
            u.name: (u.party_lectures, u.situation_reports, u.audience)
            for u in response.context["units"]
        }
        assert units["区一中党支部"] == (1, 0, 30)
        assert units["区二中党支部"] == (1, 2, 90)
        assert units["东街社区党支部"] == (0, 0, None)

    def test_a_lecture_of_an_earlier_batch_is_not_counted_in_this_one(self, lectures, login):
        d = lectures
        before_batch = d.batch.starts_on - datetime.timedelta(days=40)
        lecture(d, lecturer=d.idle, unit=d.school2, given_on=before_batch, audience=200)

        response = self._stats(login(d.users["office"]))
        cadres = {c.name: c.lecture_count for c in response.context["cadres"]}
        assert cadres["周志刚"] == 0
        assert "周志刚" in [c.name for c in response.context["without"]]
        units = {u.name: (u.lecture_count, u.audience) for u in response.context["units"]}
        assert units["区二中党支部"] == (3, 90)
        listed = login(d.users["leader1"]).get(
            reverse("ledgers:leaders_lectures", args=[d.school2.pk])
        )
        assert listed.context["totals"]["audience"] == 90

    def test_a_supervisor_sees_the_groups_units_only(self, lectures, login):
        d = lectures
        response = self._stats(login(d.users["supervisor1"]), group=d.groups[0].pk)
        names = {c.name for c in response.context["cadres"]}
        assert names == {"张建国", "钱德明", "周志刚"}
        assert response.context["title"] == "第一督导组"
        # Without ?group= a group member lands on their group.
        default = self._stats(login(d.users["supervisor1"]))
        assert default.context["group"] == d.groups[0]

    def test_a_unit_subtree(self, lectures, login):
        d = lectures
        response = self._stats(login(d.users["leader1"]), unit=d.school2.pk)
        assert {c.name for c in response.context["cadres"]} == {"钱德明", "周志刚"}

    def test_query_count_does_not_grow(self, lectures, login, count_queries):
        d = lectures
        client = login(d.users["office"])
        url = reverse("ledgers:leaders_lecture_stats")
        before = count_queries(client, url)
        for n in range(5):
            cadre = MemberFactory(name=f"干部{n}", unit=d.ward, is_leading_cadre=True)
            lecture(d, lecturer=cadre, unit=d.ward)
        assert count_queries(client, url) == before == 7


def test_the_lecture_list_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:leaders_lectures", args=[d.school1.pk])
    lecture(d)
    before = count_queries(client, url)
    for n in range(6):
        cadre = MemberFactory(name=f"干部{n}", unit=d.school1, is_leading_cadre=True)
        given = lecture(d, lecturer=cadre, topic=f"第{n}讲")
        fields = {name: getattr(given, name) for name in ("lecturer", "unit", "kind", "given_on")}
        lecture_correct(
            lecture=given,
            **fields,
            topic=f"第{n}讲(更正)",
            audience=given.audience + 1,
            user=d.users["secretary1"],
            reason="人数录错",
        )
    lecture_delete(lecture=given, user=d.users["secretary1"], reason="重复登记")
    # One more than before the list showed its corrections: they are read in one query.
    assert count_queries(client, url) == before == 12

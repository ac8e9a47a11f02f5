"""自学: "要安排一定时间的自学,并对自学情况加强检查和考核".

Self-study counts toward the 40 学时 but not toward the concentrated two thirds.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Reading
from study.models import MemberProgress, SelfStudy
from tests.factories import day_from_today, resolved
from units.models import Member

MY_URL = reverse("study:my_self_study")


def _day(days_ago):
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def _entry(**overrides):
    data = {"studied_on": _day(1), "hours": "2", "material": "《保持共产党员先进性教育读本》第三章"}
    data.update(overrides)
    return data


def test_a_member_logs_self_study_and_sees_the_total(live_district, login):
    d = live_district
    readings = list(Reading.objects.filter(batch=d.batch)[:2])
    client = login(d.users["member1"])
    response = client.post(
        MY_URL, _entry(hours="2.5", readings=[r.pk for r in readings]), follow=True
    )
    assert response.redirect_chain[-1][0] == MY_URL
    assert "已记录张建国" in response.content.decode()
    client.post(MY_URL, _entry(studied_on=_day(3), hours="1.5", material="学习党章"))

    response = client.get(MY_URL)
    page = response.content.decode()
    assert response.context["total"] == Decimal("4")
    assert "学习党章" in page and "第三章" in page
    assert readings[0].title in page
    entry = SelfStudy.objects.get(hours=Decimal("2.5"))
    assert set(entry.readings.all()) == set(readings)
    assert entry.recorded_by == d.users["member1"]


def test_self_study_adds_to_total_hours_not_to_concentrated(live_district, login):
    d = live_district
    login(d.users["member1"]).post(MY_URL, _entry(hours="3"))
    progress = MemberProgress.objects.get(member=d.member1)
    assert progress.total_hours == Decimal("3")
    assert progress.self_study_hours == Decimal("3")
    assert progress.concentrated_hours == 0
    assert not progress.is_complete


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours": "0"}, "hours", "学时应大于0"),
        ({"hours": "-1"}, "hours", "学时应大于0"),
        ({"hours": "12.5"}, "hours", "一次学习不能超过12学时"),
        ({"hours": ""}, "hours", "请填写学时"),
        ({"hours": "两小时"}, "hours", "学时应是数字"),
        ({"studied_on": day_from_today(1)}, "studied_on", "自学日期不能晚于今天"),
        ({"studied_on": day_from_today(-45)}, "studied_on", "日期应在本批次活动期间"),
        ({"studied_on": ""}, "studied_on", "请填写自学日期"),
        ({"material": "   "}, "material", "请填写学习了什么"),
    ],
    ids=[
        "zero hours",
        "negative hours",
        "over 12 hours",
        "no hours",
        "hours not a number",
        "future date",
        "before the campaign",
        "no date",
        "nothing read",
    ],
)
def test_bad_input_is_refused_and_kept(live_district, login, data, field, message):
    d = live_district
    typed = _entry(**resolved(data))
    response = login(d.users["member1"]).post(MY_URL, typed)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    # Everything typed is still in the form.
    for name, value in typed.items():
        if value.strip():
            assert f'value="{value}"' in page, name
    assert not SelfStudy.objects.exists()


def test_the_secretary_logs_self_study_for_a_member_without_a_phone(live_district, login):
    d = live_district
    infirm = Member.objects.get(name="李秀英")
    url = reverse("study:self_study_create", args=[infirm.pk])
    client = login(d.users["secretary1"])
    assert "代李秀英登记自学" in client.get(url).content.decode()
    response = client.post(url, _entry(material="听读党章"), follow=True)
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "听读党章" in page and "代为登记" in page
    entry = SelfStudy.objects.get()
    assert entry.member == infirm and entry.recorded_by == d.users["secretary1"]
    assert MemberProgress.objects.get(member=infirm).self_study_hours == Decimal("2")


def test_the_member_only_sees_their_own_entries(live_district, login):
    d = live_district
    infirm = Member.objects.get(name="李秀英")
    login(d.users["secretary1"]).post(
        reverse("study:self_study_create", args=[infirm.pk]), _entry(material="别人的自学")
    )
    response = login(d.users["member1"]).get(MY_URL)
    assert "别人的自学" not in response.content.decode()
    assert response.context["total"] == 0


def test_my_self_study_costs_the_same_however_many_entries(live_district, login, count_queries):
    d = live_district
    client = login(d.users["member1"])
    readings = list(Reading.objects.filter(batch=d.batch).values_list("pk", flat=True))
    client.post(MY_URL, _entry(readings=readings[:1]))
    before = count_queries(client, MY_URL)
    for i in range(40):
        client.post(
            MY_URL,
            _entry(
                studied_on=_day(1 + i % 25), hours="1", material=f"第{i}章", readings=readings[:3]
            ),
        )
    assert SelfStudy.objects.count() == 41
    assert count_queries(client, MY_URL) == before
    assert count_queries(client, MY_URL, page=2) == before


def test_ticked_readings_stay_ticked_after_an_error(live_district, login):
    d = live_district
    reading = Reading.objects.filter(batch=d.batch).first()
    response = login(d.users["member1"]).post(MY_URL, _entry(hours="0", readings=[reading.pk]))
    page = response.content.decode()
    assert re.search(rf'<input[^>]*name="readings"[^>]*value="{reading.pk}"[^>]*checked', page)
    assert not SelfStudy.objects.exists()


def test_a_reading_id_past_any_column_is_refused_on_the_form(live_district, login):
    # Found by tests/test_fuzz_forms.py: Django looked the ticked readings up in one
    # `pk IN (...)`, which SQLite can't run with a number past 64 bits (a 500).
    response = login(live_district.users["member1"]).post(
        MY_URL, _entry(readings=["99999999999999999999999"])
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("readings", "invalid_choice")
    assert not SelfStudy.objects.exists()

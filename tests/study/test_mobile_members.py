"""流动党员: "要主动进行家访,或信函、电话等方式联系"; 30 days without contact is flagged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import ContactLog, ContactMethod
from tests.factories import MemberFactory
from units.models import Member


def _contacted(member, days_ago, by):
    return ContactLog.objects.create(
        member=member,
        contacted_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        method=ContactMethod.PHONE,
        recorded_by=by,
    )


def _rows(client, unit, **params):
    response = client.get(reverse("study:mobile_members", args=[unit.pk]), params)
    return response, {m.name: m for m in response.context["page"]}


@pytest.mark.parametrize(
    ("days_ago", "flagged"),
    [(29, False), (30, False), (31, True)],
    ids=["29 days", "30 days", "31 days"],
)
def test_a_member_is_flagged_after_30_days_without_contact(live_district, login, days_ago, flagged):
    d = live_district
    wang = Member.objects.get(name="王强")
    _contacted(wang, days_ago, d.users["secretary1"])
    # An older contact doesn't matter; only the last one does.
    _contacted(wang, 90, d.users["secretary1"])
    response, rows = _rows(login(d.users["secretary1"]), d.school1)
    assert rows["王强"].overdue is flagged
    assert rows["王强"].last_contact == timezone.localdate() - datetime.timedelta(days=days_ago)
    assert rows["王强"].days_since == days_ago
    assert ("超过30天未联系</span>" in response.content.decode()) is flagged
    assert response.context["overdue_count"] == int(flagged)


def test_a_member_never_contacted_is_flagged(live_district, login):
    response, rows = _rows(login(live_district.users["secretary1"]), live_district.school1)
    assert rows["王强"].overdue and rows["王强"].last_contact is None
    assert "还没有联系记录" in response.content.decode()


def test_only_mobile_members_are_listed_and_out_of_contact_come_first(live_district, login):
    d = live_district
    by = d.users["secretary1"]
    recent = MemberFactory(name="孙丽", unit=d.school1, is_mobile=True)
    _contacted(recent, 3, by)
    stale = MemberFactory(name="周涛", unit=d.school1, is_mobile=True)
    _contacted(stale, 45, by)
    response, rows = _rows(login(by), d.school1)
    assert list(rows) == ["王强", "周涛", "孙丽"]
    assert "张建国" not in rows and "李秀英" not in rows


def test_a_committee_sees_the_mobile_members_below_it(live_district, login):
    d = live_district
    MemberFactory(name="吴刚", unit=d.school2, is_mobile=True)
    MemberFactory(name="郑华", unit=d.ward, is_mobile=True)
    response, rows = _rows(login(d.users["leader1"]), d.education)
    assert set(rows) == {"王强", "吴刚"}
    assert response.context["overdue_count"] == 2
    assert "区二中党支部" in response.content.decode()
    _, rows = _rows(login(d.users["office"]), d.root)
    assert set(rows) == {"王强", "吴刚", "郑华"}


def test_the_secretary_logs_a_contact_and_the_flag_clears(live_district, login):
    d = live_district
    wang = Member.objects.get(name="王强")
    client = login(d.users["secretary1"])
    list_url = reverse("study:mobile_members", args=[d.school1.pk])
    url = reverse("study:contact_create", args=[wang.pk])
    assert f"{url}?next=" in client.get(list_url).content.decode()
    response = client.post(
        f"{url}?next={list_url}",
        {
            "contacted_on": timezone.localdate().isoformat(),
            "method": "home_visit",
            "note": "在深圳务工,已寄去学习材料",
            "next": list_url,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == list_url
    assert "已记录与王强的联系(家访)" in response.content.decode()
    contact = ContactLog.objects.get()
    assert contact.recorded_by == d.users["secretary1"]
    assert contact.method == ContactMethod.HOME_VISIT
    rows = {m.name: m for m in response.context["page"]}
    assert not rows["王强"].overdue
    assert "在深圳务工" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"contacted_on": "tomorrow"}, "contacted_on", "联系日期不能晚于今天"),
        ({"contacted_on": ""}, "contacted_on", "请填写联系日期"),
        ({"method": ""}, "method", "请选择联系方式"),
        ({"method": "email"}, "method", "email"),
    ],
    ids=["future date", "no date", "no method", "unknown method"],
)
def test_bad_contact_input_is_refused_and_kept(live_district, login, data, field, message):
    d = live_district
    wang = Member.objects.get(name="王强")
    typed = {
        "contacted_on": timezone.localdate().isoformat(),
        "method": "letter",
        "note": "寄去读本一册",
    }
    typed.update(data)
    if typed["contacted_on"] == "tomorrow":
        typed["contacted_on"] = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = login(d.users["secretary1"]).post(
        reverse("study:contact_create", args=[wang.pk]), typed
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "寄去读本一册" in response.content.decode()
    assert not ContactLog.objects.exists()


def test_only_managers_get_the_contact_link(live_district, login):
    d = live_district
    wang = Member.objects.get(name="王强")
    link = reverse("study:contact_create", args=[wang.pk])
    url = reverse("study:mobile_members", args=[d.school1.pk])
    for persona, sees in [
        ("secretary1", True),
        ("leader1", True),
        ("supervisor1", False),
        ("office", False),
    ]:
        assert (link in login(d.users[persona]).get(url).content.decode()) is sees, persona


def test_the_list_costs_the_same_however_many_members(live_district, login, count_queries):
    d = live_district
    by = d.users["secretary1"]
    _contacted(Member.objects.get(name="王强"), 3, by)
    client = login(d.users["leader1"])
    url = reverse("study:mobile_members", args=[d.education.pk])
    before = count_queries(client, url)
    for i in range(40):
        member = MemberFactory(unit=d.school2 if i % 2 else d.school1, is_mobile=True)
        for days in range(i % 4):
            _contacted(member, days * 20, by)
    assert count_queries(client, url) == before
    assert count_queries(client, url, page=2) == before

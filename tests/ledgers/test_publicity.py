"""The publicity checklist ("墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报")
and the office's view of units whose 宣传栏 is still empty."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import PublicityCheck, PublicityItem
from ledgers.services.publicity import (
    publicity_check_correct,
    publicity_check_delete,
    publicity_check_record,
)
from tests.factories import UnitFactory

TODAY = timezone.localdate


def record(d, unit, item, days_ago=1):
    return publicity_check_record(
        unit=unit,
        item=item,
        done_on=TODAY() - datetime.timedelta(days=days_ago),
        evidence="校门口宣传栏开辟先进性教育专栏",
        user=d.users["secretary1"],
    )


def test_the_secretary_records_an_item_with_its_evidence(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:publicity_checks", args=[d.school1.pk])

    response = client.post(
        url,
        {
            "item": PublicityItem.BULLETIN_BOARD,
            "done_on": TODAY().isoformat(),
            "evidence": "宣传栏第一期:先进性教育专栏",
        },
        follow=True,
    )

    check = PublicityCheck.objects.get()
    assert (check.unit, check.item, check.recorded_by) == (
        d.school1,
        PublicityItem.BULLETIN_BOARD,
        d.users["secretary1"],
    )
    page = response.content.decode()
    assert "已登记“宣传栏有内容”" in page
    assert "宣传栏第一期:先进性教育专栏" in page
    items = {label: last for _item, label, last in response.context["items"]}
    assert items["宣传栏有内容"] == TODAY()
    assert items["墙上有标语"] is None


def test_bad_input_is_explained_and_what_was_typed_kept(live_district, login):
    d = live_district
    response = login(d.users["secretary1"]).post(
        reverse("ledgers:publicity_checks", args=[d.school1.pk]),
        {
            "item": PublicityItem.SLOGANS,
            "done_on": (TODAY() + datetime.timedelta(days=2)).isoformat(),
            "evidence": "校门口横幅两条",
        },
    )
    page = response.content.decode()
    assert "日期不能晚于今天" in page
    assert "校门口横幅两条" in page
    assert not PublicityCheck.objects.exists()


def test_evidence_is_required(live_district):
    d = live_district
    with pytest.raises(ValidationError) as error:
        publicity_check_record(
            unit=d.school1,
            item=PublicityItem.RADIO,
            done_on=TODAY(),
            evidence="  ",
            user=d.users["secretary1"],
        )
    assert "evidence" in error.value.message_dict


def test_the_overview_puts_empty_bulletin_boards_first(live_district, login):
    d = live_district
    record(d, d.school1, PublicityItem.BULLETIN_BOARD)
    record(d, d.school1, PublicityItem.SLOGANS)
    record(d, d.ward, PublicityItem.BULLETIN_BOARD)
    record(d, d.school2, PublicityItem.SLOGANS)

    response = login(d.users["office"]).get(reverse("ledgers:publicity_overview", args=[d.root.pk]))

    names = [row.name for row in response.context["rows"]]
    empty = [
        "区委",
        "区教育党委",
        "区二中党支部",
        "区卫生党委",
        "区医院党总支",
        "城关镇党委",
        "东街社区党支部",
    ]
    assert names == empty + ["区一中党支部", "区医院内科党支部"]
    assert response.context["empty_boards"] == 7
    school1 = response.context["rows"][7]
    assert school1.last_slogans is not None and school1.last_television is None


def test_a_leader_sees_the_overview_of_the_subtree(live_district, login):
    d = live_district
    response = login(d.users["leader1"]).get(
        reverse("ledgers:publicity_overview", args=[d.education.pk])
    )
    assert [row.name for row in response.context["rows"]] == [
        "区教育党委",
        "区一中党支部",
        "区二中党支部",
    ]


def test_the_overview_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["office"])
    url = reverse("ledgers:publicity_overview", args=[d.root.pk])
    record(d, d.school1, PublicityItem.BULLETIN_BOARD)
    before = count_queries(client, url)
    for n in range(5):
        unit = UnitFactory(name=f"新单位{n}", parent=d.education)
        for item in PublicityItem.values:
            record(d, unit, item)
    assert count_queries(client, url) == before == 5


def test_the_checklist_query_count_does_not_grow(live_district, login, count_queries):
    d = live_district
    client = login(d.users["secretary1"])
    url = reverse("ledgers:publicity_checks", args=[d.school1.pk])
    record(d, d.school1, PublicityItem.RADIO)
    before = count_queries(client, url)
    for item in PublicityItem.values * 3:
        check = record(d, d.school1, item)
        publicity_check_correct(
            check=check,
            item=item,
            done_on=TODAY(),
            evidence="更正后的佐证",
            user=d.users["secretary1"],
            reason="日期填错了",
        )
    publicity_check_delete(check=check, user=d.users["secretary1"], reason="重复登记")
    # One more than before the list showed its corrections: they are read in one query.
    assert count_queries(client, url) == before == 8


READ = {
    "office": 200,
    "supervisor1": 200,
    "supervisor2": 404,
    "supervisor3": 404,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 404,
    "member1": 404,
    "outsider": 404,
}
WRITE = {**READ, "office": 403, "supervisor1": 403, "leader1": 302, "secretary1": 302}


def test_anonymous_is_sent_to_log_in(live_district, client):
    d = live_district
    for url in (
        reverse("ledgers:publicity_checks", args=[d.school1.pk]),
        reverse("ledgers:publicity_overview", args=[d.education.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize(("persona", "status"), READ.items(), ids=READ.keys())
def test_reading_the_checklist(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(reverse("ledgers:publicity_checks", args=[d.school1.pk]))
    assert response.status_code == status
    if status == 200:
        assert ("publicity-form" in response.content.decode()) is (WRITE[persona] == 302)


@pytest.mark.parametrize(("persona", "status"), WRITE.items(), ids=WRITE.keys())
def test_recording_an_item(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).post(
        reverse("ledgers:publicity_checks", args=[d.school1.pk]),
        {"item": PublicityItem.RADIO, "done_on": TODAY().isoformat(), "evidence": "校园广播"},
    )
    assert response.status_code == status
    assert PublicityCheck.objects.exists() is (status == 302)


OVERVIEW = {**READ, "secretary1": 404}


@pytest.mark.parametrize(("persona", "status"), OVERVIEW.items(), ids=OVERVIEW.keys())
def test_reading_the_overview_of_the_education_committee(live_district, login, persona, status):
    d = live_district
    response = login(d.users[persona]).get(
        reverse("ledgers:publicity_overview", args=[d.education.pk])
    )
    assert response.status_code == status

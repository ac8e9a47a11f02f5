"""Correcting and deleting a leading cadre's 党课/形势报告 and a publicity record: the figures
and the statistics follow, the ledger's own rules still apply, and every correction is kept
with who, when, why and before → after."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from common.dates import day_text
from ledgers.models import (
    CorrectedLedger,
    CorrectionAction,
    LeaderLecture,
    LectureKind,
    LedgerCorrection,
    PublicityCheck,
    PublicityItem,
)
from ledgers.services.lectures import lecture_correct, lecture_record
from ledgers.services.publicity import publicity_check_correct, publicity_check_record
from tests.conftest import log_in
from tests.factories import MemberFactory

TODAY = timezone.localdate


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


def a_lecture(d, **fields):
    fields.setdefault("lecturer", d.member1)
    fields.setdefault("unit", d.school1)
    fields.setdefault("kind", LectureKind.PARTY_LECTURE)
    fields.setdefault("given_on", days_ago(3))
    fields.setdefault("place", "学校会议室")
    fields.setdefault("topic", "坚持立党为公、执政为民")
    fields.setdefault("audience", 450)
    return lecture_record(user=d.users["secretary1"], **fields)


def lecture_data(lecture, **overrides):
    """What the edit form posts when nothing is touched, with `overrides` typed over it."""
    data = {
        "lecturer": lecture.lecturer_id,
        "kind": lecture.kind,
        "unit": lecture.unit_id,
        "given_on": lecture.given_on.isoformat(),
        "place": lecture.place,
        "topic": lecture.topic,
        "audience": str(lecture.audience),
        "reason": "",
    }
    data.update(overrides)
    return data


def a_check(d, item=PublicityItem.BULLETIN_BOARD, unit=None, **fields):
    fields.setdefault("done_on", days_ago(2))
    fields.setdefault("evidence", "校门口宣传栏第一期")
    return publicity_check_record(
        unit=unit or d.school1, item=item, user=d.users["secretary1"], **fields
    )


def check_data(check, **overrides):
    data = {
        "item": check.item,
        "done_on": check.done_on.isoformat(),
        "evidence": check.evidence,
        "reason": "",
    }
    data.update(overrides)
    return data


def edit_url(record):
    name = "leaders_lecture" if isinstance(record, LeaderLecture) else "publicity_check"
    return reverse(f"ledgers:{name}_edit", args=[record.pk])


def delete_url(record):
    name = "leaders_lecture" if isinstance(record, LeaderLecture) else "publicity_check"
    return reverse(f"ledgers:{name}_delete", args=[record.pk])


def lectures_url(unit):
    return reverse("ledgers:leaders_lectures", args=[unit.pk])


def checks_url(unit):
    return reverse("ledgers:publicity_checks", args=[unit.pk])


# 党课 and 形势报告 ------------------------------------------------------------------------


def test_the_secretary_corrects_the_audience_and_the_totals_follow(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    client = login(d.users["secretary1"])

    response = client.post(
        edit_url(lecture), lecture_data(lecture, audience="45", reason="多录了一个0"), follow=True
    )

    assert response.redirect_chain[-1][0] == lectures_url(d.school1)
    page = response.content.decode()
    assert "已更正:听课人数 450 → 45。" in page
    assert response.context["totals"]["audience"] == 45
    lecture.refresh_from_db()
    assert lecture.audience == 45
    correction = LedgerCorrection.objects.get()
    assert (correction.ledger, correction.action, correction.unit) == (
        CorrectedLedger.LECTURE,
        CorrectionAction.CHANGED,
        d.school1,
    )
    assert correction.changes == {"听课人数": ["450", "45"]}
    assert correction.changed_by == d.users["secretary1"]
    assert "更正记录" in page and "450 → 45" in page and "原因:多录了一个0" in page


def test_the_edit_form_comes_filled_with_the_record(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    page = login(d.users["secretary1"]).get(edit_url(lecture)).content.decode()
    assert 'value="坚持立党为公、执政为民"' in page
    assert 'value="450"' in page
    assert "更正原因" in page and "如:听课人数录入有误" in page


def test_a_corrected_kind_and_lecturer_move_in_the_statistics(live_district, login):
    d = live_district
    other = MemberFactory(name="钱德明", unit=d.school2, is_leading_cadre=True)
    lecture = a_lecture(d)
    client = login(d.users["leader1"])

    client.post(
        edit_url(lecture),
        lecture_data(
            lecture,
            lecturer=other.pk,
            unit=d.school2.pk,
            kind=LectureKind.SITUATION_REPORT,
            reason="主讲人和类别登记错了",
        ),
    )

    stats = login(d.users["office"]).get(reverse("ledgers:leaders_lecture_stats"))
    cadres = {c.name: (c.party_lectures, c.situation_reports) for c in stats.context["cadres"]}
    assert cadres["张建国"] == (0, 0)
    assert cadres["钱德明"] == (0, 1)
    units = {u.name: (u.party_lectures, u.situation_reports) for u in stats.context["units"]}
    assert units["区一中党支部"] == (0, 0)
    assert units["区二中党支部"] == (0, 1)
    correction = LedgerCorrection.objects.get()
    # Kept where the lecture now stands, whose list the keeper is sent back to.
    assert correction.unit == d.school2
    assert correction.changes["主讲领导干部"] == ["张建国", "钱德明"]
    assert correction.changes["类别"] == ["党课", "形势报告"]


def test_bad_input_is_explained_and_what_was_typed_kept(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()

    response = login(d.users["secretary1"]).post(
        edit_url(lecture),
        lecture_data(lecture, given_on=tomorrow, topic="改过的题目", reason="日期填错了"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "日期不能晚于今天" in page
    assert 'value="改过的题目"' in page and 'value="日期填错了"' in page
    lecture.refresh_from_db()
    assert (lecture.given_on, lecture.topic) == (days_ago(3), "坚持立党为公、执政为民")
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"audience": "0"}, "听课人数至少为1人"),
        ({"audience": "三十"}, "听课人数应是整数"),
        ({"topic": ""}, "请填写党课或报告的题目"),
    ],
    ids=["no-audience", "not-a-number", "no-topic"],
)
def test_the_rules_of_recording_apply_to_a_correction(live_district, login, overrides, message):
    d = live_district
    lecture = a_lecture(d)
    response = login(d.users["secretary1"]).post(
        edit_url(lecture), lecture_data(lecture, reason="更正", **overrides)
    )
    assert message in response.content.decode()
    lecture.refresh_from_db()
    assert lecture.audience == 450
    assert not LedgerCorrection.objects.exists()


def test_only_a_leading_cadre_of_ones_units_may_be_the_lecturer(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    ordinary = d.school1.members.get(name="王强")
    elsewhere = MemberFactory(name="孙卫东", unit=d.ward, is_leading_cadre=True)
    client = login(d.users["secretary1"])

    for lecturer in (ordinary, elsewhere):
        response = client.post(
            edit_url(lecture), lecture_data(lecture, lecturer=lecturer.pk, reason="换人")
        )
        assert "只能登记本单位及下级单位的党员领导干部" in response.content.decode()
    lecture.refresh_from_db()
    assert lecture.lecturer == d.member1


def test_the_service_refuses_a_lecturer_who_is_not_a_leading_cadre(live_district):
    d = live_district
    lecture = a_lecture(d)
    fields = {n: getattr(lecture, n) for n in ("unit", "kind", "given_on", "topic", "audience")}
    with pytest.raises(ValidationError) as error:
        lecture_correct(
            lecture=lecture,
            lecturer=d.school1.members.get(name="王强"),
            **fields,
            user=d.users["secretary1"],
            reason="换人",
        )
    assert "lecturer" in error.value.message_dict
    lecture.refresh_from_db()
    assert lecture.lecturer == d.member1


def test_a_change_without_a_reason_is_refused(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    response = login(d.users["secretary1"]).post(
        edit_url(lecture), lecture_data(lecture, audience="45")
    )
    page = response.content.decode()
    assert "请写明更正原因" in page
    assert 'value="45"' in page
    lecture.refresh_from_db()
    assert lecture.audience == 450
    assert not LedgerCorrection.objects.exists()


def test_saving_unchanged_writes_nothing(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    response = login(d.users["secretary1"]).post(
        edit_url(lecture), lecture_data(lecture), follow=True
    )
    assert "没有改动。" in response.content.decode()
    assert not LedgerCorrection.objects.exists()


def test_deleting_asks_first_and_keeps_what_the_record_said(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    a_lecture(d, topic="另一讲", audience=30)
    client = login(d.users["secretary1"])

    page = client.get(delete_url(lecture)).content.decode()
    assert "坚持立党为公、执政为民" in page and "删除原因" in page
    assert LeaderLecture.objects.filter(pk=lecture.pk).exists()

    response = client.post(delete_url(lecture), {"reason": "重复登记"}, follow=True)

    assert response.redirect_chain[-1][0] == lectures_url(d.school1)
    assert not LeaderLecture.objects.filter(pk=lecture.pk).exists()
    assert response.context["totals"]["party_lectures"] == 1
    assert response.context["totals"]["audience"] == 30
    correction = LedgerCorrection.objects.get()
    assert correction.action == CorrectionAction.DELETED
    assert correction.changes["听课人数"] == ["450", ""]
    assert correction.reason == "重复登记"
    page = response.content.decode()
    assert "已删除张建国的党课《坚持立党为公、执政为民》" in page
    assert "原因:重复登记" in page


def test_deleting_without_a_reason_deletes_nothing(live_district, login):
    d = live_district
    lecture = a_lecture(d)
    response = login(d.users["secretary1"]).post(delete_url(lecture), {"reason": "  "})
    assert response.status_code == 200
    assert "请写明删除原因" in response.content.decode()
    assert LeaderLecture.objects.filter(pk=lecture.pk).exists()
    assert not LedgerCorrection.objects.exists()


def test_a_lecture_given_elsewhere_is_kept_where_it_was_given(live_district, login):
    """张建国 of 区一中 spoke at 区二中: it is on 区一中's list, but kept by 区二中's keepers."""
    d = live_district
    lecture = a_lecture(d, unit=d.school2)
    client = login(d.users["secretary1"])

    page = client.get(lectures_url(d.school1)).content.decode()
    assert "坚持立党为公、执政为民" in page
    assert edit_url(lecture) not in page
    assert client.get(edit_url(lecture)).status_code == 404
    assert (
        edit_url(lecture) in login(d.users["leader1"]).get(lectures_url(d.school1)).content.decode()
    )


# Publicity ---------------------------------------------------------------------------------


def test_the_secretary_corrects_a_publicity_record(live_district, login):
    d = live_district
    check = a_check(d)
    client = login(d.users["secretary1"])

    response = client.post(
        edit_url(check),
        check_data(check, done_on=days_ago(5).isoformat(), reason="日期填错了"),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == checks_url(d.school1)
    page = response.content.decode()
    assert f"已更正:日期 {day_text(days_ago(2))} → {day_text(days_ago(5))}。" in page
    items = {label: last for _item, label, last in response.context["items"]}
    assert items["宣传栏有内容"] == days_ago(5)
    correction = LedgerCorrection.objects.get()
    assert (correction.ledger, correction.unit) == (CorrectedLedger.PUBLICITY, d.school1)
    assert "原因:日期填错了" in page


def test_correcting_the_item_empties_the_bulletin_board_in_the_overview(live_district, login):
    d = live_district
    check = a_check(d)
    overview = reverse("ledgers:publicity_overview", args=[d.education.pk])
    client = login(d.users["leader1"])
    assert client.get(overview).context["empty_boards"] == 2

    client.post(edit_url(check), check_data(check, item=PublicityItem.SLOGANS, reason="项目选错"))

    response = client.get(overview)
    assert response.context["empty_boards"] == 3
    school1 = next(row for row in response.context["rows"] if row.pk == d.school1.pk)
    assert school1.last_bulletin_board is None and school1.last_slogans == days_ago(2)
    assert LedgerCorrection.objects.get().changes == {"宣传项目": ["宣传栏有内容", "墙上有标语"]}


def test_deleting_the_only_bulletin_board_record_puts_the_unit_back_among_the_empty(
    live_district, login
):
    d = live_district
    check = a_check(d)
    a_check(d, item=PublicityItem.SLOGANS)
    office = login(d.users["office"])
    overview = reverse("ledgers:publicity_overview", args=[d.root.pk])
    before = office.get(overview).context
    assert before["empty_boards"] == 8 and before["rows"][-1].name == "区一中党支部"

    response = login(d.users["secretary1"]).post(
        delete_url(check), {"reason": "宣传栏还没有布置,登记早了"}, follow=True
    )
    assert "已删除“宣传栏有内容”的一条记录" in response.content.decode()
    items = {label: last for _item, label, last in response.context["items"]}
    assert items["宣传栏有内容"] is None and items["墙上有标语"] == days_ago(2)

    after = login(d.users["office"]).get(overview).context
    assert after["empty_boards"] == 9
    assert all(row.last_bulletin_board is None for row in after["rows"])
    correction = LedgerCorrection.objects.get()
    assert correction.action == CorrectionAction.DELETED
    assert correction.changes["佐证情况"] == ["校门口宣传栏第一期", ""]


def test_a_publicity_correction_is_checked_as_on_recording(live_district, login):
    d = live_district
    check = a_check(d)
    client = login(d.users["secretary1"])
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()

    response = client.post(
        edit_url(check), check_data(check, done_on=tomorrow, evidence="第二期专栏", reason="改")
    )
    page = response.content.decode()
    assert "日期不能晚于今天" in page and "第二期专栏" in page

    response = client.post(edit_url(check), check_data(check, evidence="", reason="改"))
    assert "请写明佐证情况" in response.content.decode()

    check.refresh_from_db()
    assert (check.done_on, check.evidence) == (days_ago(2), "校门口宣传栏第一期")
    assert not LedgerCorrection.objects.exists()


def test_the_service_requires_evidence_on_a_correction_too(live_district):
    d = live_district
    check = a_check(d)
    with pytest.raises(ValidationError) as error:
        publicity_check_correct(
            check=check,
            item=check.item,
            done_on=check.done_on,
            evidence="   ",
            user=d.users["secretary1"],
            reason="改",
        )
    assert "evidence" in error.value.message_dict


def test_a_publicity_change_needs_a_reason_and_an_unchanged_one_writes_nothing(
    live_district, login
):
    d = live_district
    check = a_check(d)
    client = login(d.users["secretary1"])

    response = client.post(edit_url(check), check_data(check, evidence="第二期"))
    assert "请写明更正原因" in response.content.decode()

    response = client.post(edit_url(check), check_data(check), follow=True)
    assert "没有改动。" in response.content.decode()

    check.refresh_from_db()
    assert check.evidence == "校门口宣传栏第一期"
    assert not LedgerCorrection.objects.exists()


def test_deleting_a_publicity_record_without_a_reason_deletes_nothing(live_district, login):
    d = live_district
    check = a_check(d)
    response = login(d.users["secretary1"]).post(delete_url(check), {"reason": ""})
    assert "请写明删除原因" in response.content.decode()
    assert PublicityCheck.objects.filter(pk=check.pk).exists()
    assert not LedgerCorrection.objects.exists()


# Who may correct ---------------------------------------------------------------------------

# keep_ledger of 区一中党支部: its secretary and the leader above it.
MAY = {
    "office": 403,
    "supervisor1": 403,
    "supervisor2": 404,
    "leader1": 200,
    "secretary1": 200,
    "secretary2": 404,
    "member1": 404,
    "outsider": 404,
}
MAY_NOT = [persona for persona, status in MAY.items() if status != 200]


@pytest.fixture(params=["lecture", "publicity"])
def kept(request, live_district):
    """A record of 区一中党支部, the data its edit form posts changed, and how to read it."""
    d = live_district
    if request.param == "lecture":
        record = a_lecture(d)
        return record, lecture_data(record, audience="45", reason="改"), lectures_url(d.school1)
    record = a_check(d)
    return record, check_data(record, evidence="第二期", reason="改"), checks_url(d.school1)


def _snapshot(record):
    return type(record).objects.filter(pk=record.pk).values().first()


@pytest.mark.parametrize("persona", MAY_NOT)
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_those_who_may_not_keep_can_neither_open_nor_post(
    live_district, login, kept, persona, action
):
    d = live_district
    record, data, _list_url = kept
    before = _snapshot(record)
    url = edit_url(record) if action == "edit" else delete_url(record)
    client = login(d.users[persona])

    assert client.get(url).status_code == MAY[persona]
    response = client.post(url, data if action == "edit" else {"reason": "改"})

    assert response.status_code == MAY[persona]
    assert _snapshot(record) == before
    assert not LedgerCorrection.objects.exists()


@pytest.mark.parametrize("persona", ["leader1", "secretary1"])
def test_the_keepers_may(live_district, login, kept, persona):
    record, data, list_url = kept
    response = login(live_district.users[persona]).post(edit_url(record), data)
    assert response.status_code == 302 and response.url == list_url
    assert LedgerCorrection.objects.get().changed_by == live_district.users[persona]


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_anonymous_is_sent_to_log_in(client, kept, action):
    record, data, _list_url = kept
    before = _snapshot(record)
    url = edit_url(record) if action == "edit" else delete_url(record)
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 302 and response.url.startswith("/login/")
    assert _snapshot(record) == before


@pytest.mark.parametrize("persona", ["office", "supervisor1", "leader1", "secretary1"], ids=str)
def test_the_links_are_shown_only_to_keepers(live_district, login, kept, persona):
    record, _data, list_url = kept
    page = login(live_district.users[persona]).get(list_url).content.decode()
    keeps = MAY[persona] == 200
    assert (edit_url(record) in page) is keeps
    assert (delete_url(record) in page) is keeps


# On a phone ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_secretary_corrects_then_deletes_a_lecture_on_a_phone(live_district, phone):
    d = live_district
    a_lecture(d)
    log_in(phone, "secretary1")
    phone.open(lectures_url(d.school1))
    phone.get_by_role("link", name="修改", exact=True).click()
    phone.get_by_label("听课人数").fill("45")
    phone.get_by_role("button", name="保存更正").click()
    expect(phone.locator(".form-error-summary").get_by_text("请写明更正原因")).to_be_visible()
    expect(phone.get_by_label("听课人数")).to_have_value("45")
    phone.get_by_label("更正原因").fill("多录了一个0")
    phone.get_by_role("button", name="保存更正").click()
    expect(phone.get_by_text("已更正:听课人数 450 → 45。")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.get_by_role("link", name="删除", exact=True).click()
    phone.get_by_label("删除原因").fill("重复登记")
    phone.get_by_role("button", name="确认删除").click()
    expect(phone.locator("#party-lecture-count")).to_have_text("0")
    phone.get_by_text("更正记录(2条)").click()
    expect(phone.get_by_text("原因:重复登记")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

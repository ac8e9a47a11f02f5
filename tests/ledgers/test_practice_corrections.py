"""Correcting and deleting 二三五 activities and 五卡 records: the keeper puts a mistyped
figure right, the rules of the ledger hold as on entry, and every change or deletion is
kept with who, when, why, and each field before and after."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.models import (
    ActivityAttachment,
    CardRecord,
    CorrectedLedger,
    CorrectionAction,
    LedgerCorrection,
    PracticeActivity,
)
from ledgers.services import cards as card_services
from ledgers.services import practice as services
from tests.conftest import log_in
from tests.factories import a_minute_later, day_from_today, resolved

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

HOUSEHOLDS = "帮扶走访困难群众(户)"
# Those who see 区一中党支部 but only read its ledgers, and those who do not see it.
MAY_NOT_KEEP = {
    "office": 403,
    "supervisor1": 403,
    "secretary2": 404,
    "member1": 404,
    "outsider": 404,
}


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def activity(live_district):
    """The mistake of the speech's example: 12670 households typed for 1267."""
    return services.practice_activity_record(
        unit=live_district.school1,
        user=live_district.users["secretary1"],
        held_on=timezone.localdate(),
        kind="send_warmth",
        participants="支部书记带领党员5人",
        description="走访慰问辖区困难群众",
        households=12670,
        poor_households=100,
        funds=Decimal("1.25"),
        person_times=30,
        deeds=4,
        files=[_file("现场.jpg", JPEG), _file("签到表.pdf", PDF)],
    )


def _edit_url(activity):
    return reverse("ledgers:practice_activity_edit", args=[activity.pk])


def _delete_url(activity):
    return reverse("ledgers:practice_activity_delete", args=[activity.pk])


def _list_url(unit):
    return reverse("ledgers:practice_activities", args=[unit.pk])


def _fields(activity, **overrides):
    """The edit form as it comes filled in, with `overrides` typed over it."""
    fields = {
        "held_on": activity.held_on.isoformat(),
        "kind": activity.kind,
        "participants": activity.participants,
        "description": activity.description,
        "households": str(activity.households),
        "poor_households": str(activity.poor_households),
        "funds": str(activity.funds),
        "person_times": str(activity.person_times),
        "deeds": str(activity.deeds),
        "reason": "",
    }
    fields.update(overrides)
    return fields


def _unchanged(activity):
    fresh = PracticeActivity.objects.get(pk=activity.pk)
    return (fresh.households, fresh.description, fresh.attachments.count()) == (
        12670,
        activity.description,
        2,
    ) and not LedgerCorrection.objects.exists()


# Correcting an activity ----------------------------------------------------------------


def test_the_edit_form_comes_filled_with_the_record(live_district, activity, login):
    response = login(live_district.users["secretary1"]).get(_edit_url(activity))
    assert response.status_code == 200
    assert 'value="12670"' in response.text
    assert "走访慰问辖区困难群众" in response.text
    assert "如:户数录入有误" in response.text
    assert "删除“现场.jpg”" in response.text


def test_a_corrected_figure_is_what_the_list_and_totals_show(live_district, activity, login):
    client = login(live_district.users["secretary1"])
    response = client.post(
        _edit_url(activity),
        _fields(activity, households="1267", reason="户数录入有误"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _list_url(live_district.school1)
    assert f"已更正:{HOUSEHOLDS} 12670 → 1267。" in response.text
    assert response.context["summary"].households == 1267
    assert "走访帮扶1267户" in response.text
    correction = LedgerCorrection.objects.get()
    assert (correction.ledger, correction.action) == (
        CorrectedLedger.ACTIVITY,
        CorrectionAction.CHANGED,
    )
    assert correction.changes == {HOUSEHOLDS: ["12670", "1267"]}
    assert correction.changed_by == live_district.users["secretary1"]
    # The list shows the correction: before, after and why.
    assert "更正记录" in response.text
    assert "12670 → 1267" in response.text
    assert "原因:户数录入有误" in response.text


def test_the_leader_above_corrects_a_branchs_activity(live_district, activity, login):
    client = login(live_district.users["leader1"])
    page = client.get(_list_url(live_district.education))
    assert _edit_url(activity) in page.text
    client.post(_edit_url(activity), _fields(activity, deeds="5", reason="漏记一件"))
    assert PracticeActivity.objects.get(pk=activity.pk).deeds == 5


def test_bad_input_comes_back_with_everything_typed(live_district, activity, login):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity),
        _fields(
            activity,
            households="3",
            poor_households="5",
            description="改过的内容",
            reason="户数录入有误",
        ),
    )
    assert response.status_code == 200
    assert "其中贫困户(5户)不能多于帮扶走访的困难群众(3户)。" in response.text
    assert "改过的内容" in response.text
    assert 'value="户数录入有误"' in response.text
    assert _unchanged(activity)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": "2099-01-01"}, "活动日期不能晚于今天。"),
        ({"held_on": "2004-12-31"}, "活动日期应在本批次活动期间"),
        ({"funds": "-1"}, "投入资金不能是负数。"),
        ({"funds": "1.255"}, "最多保留两位小数(即精确到百元)。"),
        ({"kind": ""}, "请选择活动类别。"),
        ({"participants": "  "}, "请填写谁参加了活动。"),
        ({"poor_households": "12671"}, "其中贫困户(12671户)不能多于帮扶走访的困难群众(12670户)。"),
    ],
    ids=["future", "before the campaign", "negative funds", "fen", "no kind", "no one", "poor"],
)
def test_the_ledgers_rules_hold_on_correction(live_district, activity, login, overrides, message):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity), _fields(activity, reason="录入有误", **overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert _unchanged(activity)


def test_a_change_without_a_reason_is_refused(live_district, activity, login):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity), _fields(activity, households="1267", reason="  ")
    )
    assert response.status_code == 200
    assert "请写明更正原因" in response.text
    assert 'value="1267"' in response.text
    assert _unchanged(activity)


def test_saving_without_a_change_writes_nothing(live_district, activity, login):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity), _fields(activity, participants=" 支部书记带领党员5人 "), follow=True
    )
    assert "没有改动。" in response.text
    assert _unchanged(activity)


# Attachments on correction -------------------------------------------------------------


def test_an_attachment_removed_and_one_added_are_part_of_the_correction(
    live_district, activity, login, django_capture_on_commit_callbacks
):
    photo = activity.attachments.get(original_name="现场.jpg")
    storage, name = photo.file.storage, photo.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        login(live_district.users["secretary1"]).post(
            _edit_url(activity),
            {
                **_fields(activity, reason="照片传错了"),
                "remove": [photo.pk],
                "files": [_file("慰问.png", PNG)],
            },
        )
        # The file goes only once the correction is committed.
        assert storage.exists(name)
    for callback in callbacks:
        callback()
    assert not storage.exists(name)
    names = list(activity.attachments.values_list("original_name", flat=True))
    assert names == ["签到表.pdf", "慰问.png"]
    assert LedgerCorrection.objects.get().changes == {
        "附件": ["现场.jpg、签到表.pdf", "签到表.pdf、慰问.png"]
    }


def test_attachments_and_figures_changed_together_make_one_correction(
    live_district, activity, login
):
    photo = activity.attachments.get(original_name="现场.jpg")
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity),
        {**_fields(activity, households="1267", reason="户数和照片有误"), "remove": [photo.pk]},
        follow=True,
    )
    assert f"已更正:{HOUSEHOLDS} 12670 → 1267;附件 现场.jpg、签到表.pdf → 签到表.pdf。" in (
        response.text
    )
    assert LedgerCorrection.objects.get().changes == {
        HOUSEHOLDS: ["12670", "1267"],
        "附件": ["现场.jpg、签到表.pdf", "签到表.pdf"],
    }


def test_changing_attachments_alone_needs_a_reason(live_district, activity, login):
    photo = activity.attachments.get(original_name="现场.jpg")
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity), {**_fields(activity), "remove": [photo.pk]}
    )
    assert "请写明更正原因" in response.text
    assert _unchanged(activity)


def test_the_limit_of_five_counts_the_attachments_kept(live_district, activity, login):
    client = login(live_district.users["secretary1"])
    photo = activity.attachments.get(original_name="现场.jpg")
    four = [_file(f"{n}.pdf", PDF) for n in range(4)]
    response = client.post(_edit_url(activity), {**_fields(activity, reason="补传"), "files": four})
    assert "每条活动最多5个附件:原有附件保留2个,这次又选了4个。" in response.text
    assert "请重新选择要上传的照片或扫描件。" in response.text
    assert _unchanged(activity)
    four = [_file(f"{n}.pdf", PDF) for n in range(4)]
    client.post(
        _edit_url(activity),
        {**_fields(activity, reason="换成扫描件"), "remove": [photo.pk], "files": four},
    )
    assert activity.attachments.count() == 5


def test_a_bad_file_added_on_correction_is_refused_with_the_rest(live_district, activity, login):
    response = login(live_district.users["secretary1"]).post(
        _edit_url(activity),
        {
            **_fields(activity, households="1267", reason="户数录入有误"),
            "files": [_file("扫描件.pdf", b"PK\x03\x04 a docx")],
        },
    )
    assert "“扫描件.pdf”的内容不是PDF文件" in response.text
    assert _unchanged(activity)


# Deleting an activity ------------------------------------------------------------------


def test_the_delete_page_shows_the_activity_and_asks_why(live_district, activity, login):
    response = login(live_district.users["secretary1"]).get(_delete_url(activity))
    assert response.status_code == 200
    assert "走访慰问辖区困难群众" in response.text
    assert "走访帮扶12670户" in response.text
    assert "签到表.pdf" in response.text
    assert "删除原因" in response.text


def test_deleting_without_a_reason_deletes_nothing(live_district, activity, login):
    response = login(live_district.users["secretary1"]).post(_delete_url(activity), {"reason": ""})
    assert response.status_code == 200
    assert "请写明删除原因" in response.text
    assert _unchanged(activity)


def test_a_deleted_activity_leaves_the_totals_and_its_files_go(
    live_district, activity, login, django_capture_on_commit_callbacks
):
    stored = [(a.file.storage, a.file.name) for a in activity.attachments.all()]
    with django_capture_on_commit_callbacks(execute=True):
        response = login(live_district.users["secretary1"]).post(
            _delete_url(activity), {"reason": "重复登记"}, follow=True
        )
    assert "已删除" in response.text
    assert response.context["summary"].households == 0
    assert not PracticeActivity.objects.exists()
    assert not ActivityAttachment.objects.exists()
    assert not any(storage.exists(name) for storage, name in stored)
    correction = LedgerCorrection.objects.get()
    assert correction.action == CorrectionAction.DELETED
    assert correction.changes[HOUSEHOLDS] == ["12670", ""]
    assert correction.changes["附件"] == ["现场.jpg、签到表.pdf", ""]
    # What was deleted stays readable on the list.
    assert "原因:重复登记" in response.text
    assert f"{HOUSEHOLDS}:12670" in response.text


# 五卡 records -----------------------------------------------------------------------------


@pytest.fixture
def cards(live_district):
    d = live_district
    d.contact = card_services.card_type_add(batch=d.batch, name="联系卡")
    d.issued = _card(d, issued=50, returned=0)
    d.returned = _card(d, issued=0, returned=20)
    return d


def _card(d, issued, returned):
    return card_services.card_record(
        unit=d.school1,
        card_type=d.contact,
        recorded_on=timezone.localdate(),
        issued=issued,
        returned=returned,
        user=d.users["secretary1"],
    )


def _card_fields(record, **overrides):
    fields = {
        "recorded_on": record.recorded_on.isoformat(),
        "issued": str(record.issued),
        "returned": str(record.returned),
        "reason": "",
    }
    fields.update(overrides)
    return fields


def _card_url(record, action="edit"):
    return reverse(f"ledgers:practice_card_{action}", args=[record.pk])


def _card_totals(response):
    row = next(t for t in response.context["totals"] if t.name == "联系卡")
    return row.issued_total, row.returned_total


def _cards_unchanged(d):
    records = CardRecord.objects.order_by("pk").values_list("issued", "returned")
    return list(records) == [(50, 0), (0, 20)] and not LedgerCorrection.objects.exists()


def test_the_cards_page_offers_the_keeper_to_correct_each_row(cards, login):
    response = login(cards.users["secretary1"]).get(
        reverse("ledgers:practice_cards", args=[cards.school1.pk])
    )
    assert _card_url(cards.issued) in response.text
    assert _card_url(cards.returned, "delete") in response.text


def test_a_corrected_count_is_what_the_totals_show(cards, login):
    client = login(cards.users["secretary1"])
    page = client.get(_card_url(cards.returned))
    assert 'value="20"' in page.text
    response = client.post(
        _card_url(cards.returned),
        _card_fields(cards.returned, returned="2", reason="收回张数多录了一个0"),
        follow=True,
    )
    assert "已更正:收回(张) 20 → 2。" in response.text
    assert _card_totals(response) == (50, 2)
    assert LedgerCorrection.objects.get().changes == {"收回(张)": ["20", "2"]}
    assert "原因:收回张数多录了一个0" in response.text


def test_a_correction_may_not_make_returned_exceed_issued_counting_every_record(cards, login):
    response = login(cards.users["secretary1"]).post(
        _card_url(cards.issued), _card_fields(cards.issued, issued="15", reason="发出张数有误")
    )
    assert response.status_code == 200
    assert "联系卡累计收回20张,多于累计发出的15张,请核对。" in response.text
    assert 'value="15"' in response.text
    assert 'value="发出张数有误"' in response.text
    assert _cards_unchanged(cards)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"issued": "0"}, "请填写发出或收回的张数。"),
        ({"issued": "-1"}, "不能是负数。"),
        ({"recorded_on": day_from_today(1)}, "日期不能晚于今天。"),
        ({"issued": "60", "reason": " "}, "请写明更正原因"),
    ],
    ids=["nothing", "negative", "future", "no reason"],
)
def test_the_card_rules_hold_on_correction(cards, login, overrides, message):
    response = login(cards.users["secretary1"]).post(
        _card_url(cards.issued),
        _card_fields(cards.issued, **{"reason": "有误", **resolved(overrides)}),
    )
    assert message in response.text
    assert _cards_unchanged(cards)


def test_saving_a_card_record_unchanged_writes_nothing(cards, login):
    response = login(cards.users["secretary1"]).post(
        _card_url(cards.issued), _card_fields(cards.issued), follow=True
    )
    assert "没有改动。" in response.text
    assert _cards_unchanged(cards)


def test_a_card_record_is_deleted_with_a_reason_only(cards, login):
    client = login(cards.users["secretary1"])
    page = client.get(_card_url(cards.returned, "delete"))
    assert "删除这条“五卡”记录?" in page.text
    response = client.post(_card_url(cards.returned, "delete"), {"reason": ""})
    assert "请写明删除原因" in response.text
    assert _cards_unchanged(cards)
    response = client.post(_card_url(cards.returned, "delete"), {"reason": "重复登记"}, follow=True)
    assert "已删除联系卡的一条记录:发出0张,收回20张。" in response.text
    assert _card_totals(response) == (50, 0)
    correction = LedgerCorrection.objects.get()
    assert (correction.ledger, correction.action) == (CorrectedLedger.CARD, "deleted")
    assert correction.changes == {
        "卡种": ["联系卡", ""],
        "日期": [cards.returned.recorded_on.isoformat(), ""],
        "发出(张)": ["0", ""],
        "收回(张)": ["20", ""],
    }


def test_a_record_of_cards_issued_cannot_go_while_their_returns_stand(cards, login):
    response = login(cards.users["secretary1"]).post(
        _card_url(cards.issued, "delete"), {"reason": "重复登记"}
    )
    assert response.status_code == 200
    assert "删除这条记录后,联系卡累计收回20张,多于累计发出的0张。" in response.text
    assert _cards_unchanged(cards)


# Who may correct ---------------------------------------------------------------------


def _targets(d, activity):
    """name → (url, POST data that would change something)."""
    return {
        "activity edit": (
            _edit_url(activity),
            _fields(activity, households="1", reason="x"),
        ),
        "activity delete": (_delete_url(activity), {"reason": "x"}),
        "card edit": (_card_url(d.returned), _card_fields(d.returned, returned="1", reason="x")),
        "card delete": (_card_url(d.returned, "delete"), {"reason": "x"}),
    }


TARGETS = ["activity edit", "activity delete", "card edit", "card delete"]


def _nothing_changed(activity):
    fresh = PracticeActivity.objects.filter(pk=activity.pk).first()
    return (
        fresh is not None
        and fresh.households == 12670
        and list(CardRecord.objects.order_by("pk").values_list("issued", "returned"))
        == [(50, 0), (0, 20)]
        and not LedgerCorrection.objects.exists()
    )


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", MAY_NOT_KEEP)
def test_those_who_do_not_keep_the_ledger_cannot_correct_it(
    cards, activity, login, persona, method, target
):
    url, data = _targets(cards, activity)[target]
    client = login(cards.users[persona])
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == MAY_NOT_KEEP[persona]
    assert _nothing_changed(activity)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(cards, activity, client, method, target):
    url, data = _targets(cards, activity)[target]
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))
    assert _nothing_changed(activity)


@pytest.mark.parametrize("persona", ["office", "supervisor1"])
def test_readers_see_no_correction_links(cards, activity, login, persona):
    client = login(cards.users[persona])
    for unit in (cards.school1, cards.education):
        activities = client.get(_list_url(unit)).text
        assert _edit_url(activity) not in activities
        assert _delete_url(activity) not in activities
        card_page = client.get(reverse("ledgers:practice_cards", args=[unit.pk])).text
        assert _card_url(cards.issued) not in card_page
        assert _card_url(cards.issued, "delete") not in card_page


def test_a_record_deleted_meanwhile_is_not_found(cards, activity, login):
    client = login(cards.users["secretary1"])
    client.post(_delete_url(activity), {"reason": "重复登记"})
    assert client.get(_edit_url(activity)).status_code == 404
    a_minute_later()
    assert client.post(_delete_url(activity), {"reason": "重复登记"}).status_code == 404


def test_the_keepers_pages_cost_the_same_however_many_corrections(
    cards, activity, login, count_queries
):
    d = cards
    client = login(d.users["leader1"])
    urls = [
        reverse(name, args=[unit.pk])
        for name in ("ledgers:practice_activities", "ledgers:practice_cards")
        for unit in (d.school1, d.education)
    ]
    before = [count_queries(client, url) for url in urls]
    for number in range(5):
        logged = services.practice_activity_record(
            unit=[d.school1, d.school2][number % 2],
            user=d.users["leader1"],
            held_on=timezone.localdate(),
            kind="among_people",
            participants="党员",
            description="走访",
            households=number + 1,
            files=[_file(f"{number}.pdf", PDF)],
        )
        services.practice_activity_correct(
            activity=logged, user=d.users["leader1"], reason="有误", households=number + 2
        )
        record = _card(d, issued=5, returned=1)
        card_services.card_record_correct(
            record=record, user=d.users["leader1"], reason="有误", returned=2
        )
    card_services.card_record_delete(record=record, user=d.users["leader1"], reason="重复登记")
    assert [count_queries(client, url) for url in urls] == before


# On a phone ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_secretary_corrects_the_households_on_a_phone(live_district, phone):
    services.practice_activity_record(
        unit=live_district.school1,
        user=live_district.users["secretary1"],
        held_on=timezone.localdate(),
        kind="send_warmth",
        participants="支部书记带领党员5人",
        description="走访慰问困难群众",
        households=12670,
        poor_households=100,
    )
    log_in(phone, "secretary1")
    phone.open(_list_url(live_district.school1))
    expect(phone.locator("#practice-totals")).to_contain_text("12670")
    phone.locator("#practice-activities").get_by_role("link", name="修改").click()
    expect(phone.get_by_label("帮扶走访困难群众(户)")).to_have_value("12670")
    phone.get_by_label("帮扶走访困难群众(户)").fill("1267")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".form-error-summary").get_by_text("请写明更正原因")).to_be_visible()
    expect(phone.get_by_label("帮扶走访困难群众(户)")).to_have_value("1267")
    phone.get_by_label("更正原因").fill("户数录入有误")
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text(f"已更正:{HOUSEHOLDS} 12670 → 1267。")).to_be_visible()
    expect(phone.locator("#practice-totals")).to_contain_text("1267户")
    expect(phone.locator("#practice-activities")).to_contain_text("走访帮扶1267户")
    phone.get_by_text("更正记录(1条)").click()
    expect(phone.get_by_text(f"{HOUSEHOLDS}:12670 → 1267")).to_be_visible()
    expect(phone.get_by_text("原因:户数录入有误")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

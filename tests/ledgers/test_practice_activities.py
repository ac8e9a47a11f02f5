"""A unit's activity log: the figures the speech quotes, photos and scans checked by their
content, totals for the subtree, and the district's figures written as sentences."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ledgers.models import ActivityAttachment, PracticeActivity, PracticeBaseline
from ledgers.selectors.practice import practice_summary
from ledgers.services import practice as services
from tests.conftest import log_in

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
MB = 1024 * 1024


def _file(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _fields(**overrides):
    fields = {
        "held_on": timezone.localdate().isoformat(),
        "kind": "send_warmth",
        "participants": "支部书记带领党员5人",
        "description": "走访慰问辖区困难群众,送去米面油",
        "households": "12",
        "poor_households": "5",
        "funds": "1.25",
        "person_times": "30",
        "deeds": "4",
    }
    fields.update(overrides)
    return fields


def _log(unit, user, **figures):
    defaults = {
        "held_on": timezone.localdate(),
        "kind": "among_people",
        "participants": "党员",
        "description": "走访",
    }
    return services.practice_activity_record(unit=unit, user=user, **{**defaults, **figures})


@pytest.fixture
def secretary(live_district, login):
    client = login(live_district.users["secretary1"])
    client.url = reverse("ledgers:practice_activity_create", args=[live_district.school1.pk])
    return client


def test_a_secretary_logs_an_activity_with_its_figures(live_district, secretary):
    response = secretary.post(secretary.url, _fields(), follow=True)
    assert "已登记" in response.text
    activity = PracticeActivity.objects.get()
    assert (activity.unit, activity.recorded_by) == (
        live_district.school1,
        live_district.users["secretary1"],
    )
    assert (activity.households, activity.poor_households, activity.person_times) == (12, 5, 30)
    assert activity.funds == Decimal("1.25")
    assert "走访慰问辖区困难群众" in response.text
    assert "五送·送温暖" in response.text


def test_more_poor_households_than_households_is_an_error_on_the_form(secretary):
    response = secretary.post(secretary.url, _fields(households="3", poor_households="5"))
    assert response.status_code == 200
    assert "其中贫困户(5户)不能多于帮扶走访的困难群众(3户)。" in response.text
    # What was typed is still there.
    assert "走访慰问辖区困难群众,送去米面油" in response.text
    assert 'value="1.25"' in response.text
    assert not PracticeActivity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"funds": "-1"}, "投入资金不能是负数。"),
        ({"funds": "1.255"}, "最多保留两位小数(即精确到百元)。"),
        ({"funds": "一万"}, "请填写数字,如 1.25。"),
        ({"households": "-2"}, "不能是负数。"),
        ({"kind": ""}, "请选择活动类别。"),
        ({"participants": ""}, "请填写谁参加了活动。"),
        ({"held_on": "2099-01-01"}, "活动日期不能晚于今天。"),
        ({"held_on": "2004-12-31"}, "活动日期应在本批次活动期间"),
    ],
    ids=["negative funds", "fen", "words", "negative", "no kind", "no one", "future", "before"],
)
def test_bad_input_gets_a_clear_message(secretary, overrides, message):
    response = secretary.post(secretary.url, _fields(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not PracticeActivity.objects.exists()


def test_funds_are_kept_exactly(live_district):
    user = live_district.users["secretary1"]
    for funds in ["0.10", "0.20", "0.10"]:
        _log(live_district.school1, user, funds=Decimal(funds))
    summary = practice_summary(live_district.school1, batch=live_district.batch)
    assert summary.funds == Decimal("0.40")


# Attachments ---------------------------------------------------------------------------


def test_photos_and_scans_are_attached_and_downloaded(live_district, secretary):
    files = [_file("现场.jpg", JPEG), _file("照片.PNG", PNG), _file("签到表.pdf", PDF)]
    secretary.post(secretary.url, {**_fields(), "files": files})
    attachments = list(ActivityAttachment.objects.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("现场.jpg", "image/jpeg"),
        ("照片.PNG", "image/png"),
        ("签到表.pdf", "application/pdf"),
    ]
    # The stored name is ours, not the phone's.
    assert "现场" not in attachments[0].file.name
    page = secretary.get(reverse("ledgers:practice_activities", args=[live_district.school1.pk]))
    assert "签到表.pdf" in page.text
    download = secretary.get(reverse("ledgers:practice_attachment", args=[attachments[2].pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "filename" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            _file("扫描件.pdf", b"PK\x03\x04 this is a docx renamed"),
            "“扫描件.pdf”的内容不是PDF文件",
        ),
        (_file("photo.jpg", PNG), "“photo.jpg”的内容不是JPG文件"),
        (_file("photo.png", b"GIF89a" + b"\x00" * 20), "“photo.png”的内容不是PNG文件"),
        (_file("通知.doc", PDF), "“通知.doc”不能上传:只能上传照片(JPG、PNG)或扫描件(PDF)。"),
        (_file("noextension", PDF), "“noextension”不能上传"),
        (_file("大图.jpg", JPEG + b"\x00" * (5 * MB)), "“大图.jpg”有5.0MB,超过了每个文件5MB的上限"),
    ],
    ids=["fake pdf", "png named jpg", "gif named png", "word", "no extension", "too big"],
)
def test_wrong_or_oversized_files_are_refused_with_a_clear_message(secretary, upload, message):
    response = secretary.post(secretary.url, {**_fields(), "files": [_file("ok.pdf", PDF), upload]})
    assert response.status_code == 200
    assert message in response.text
    assert "请重新选择要上传的照片或扫描件。" in response.text
    assert not PracticeActivity.objects.exists()
    assert not ActivityAttachment.objects.exists()


def test_a_file_of_exactly_five_mb_is_accepted(live_district):
    content = JPEG + b"\x00" * (5 * MB - len(JPEG))
    activity = _log(
        live_district.school1, live_district.users["secretary1"], files=[_file("a.jpg", content)]
    )
    assert activity.attachments.get().size == 5 * MB


def test_at_most_five_files_per_activity(secretary):
    files = [_file(f"{n}.pdf", PDF) for n in range(6)]
    response = secretary.post(secretary.url, {**_fields(), "files": files})
    assert "每条活动最多5个附件,这次选了6个。" in response.text
    assert not PracticeActivity.objects.exists()


def test_every_bad_file_is_named_at_once(live_district):
    with pytest.raises(ValidationError) as caught:
        _log(
            live_district.school1,
            live_district.users["secretary1"],
            files=[_file("a.pdf", b"nope"), _file("b.exe", PDF)],
        )
    messages = caught.value.message_dict["files"]
    assert len(messages) == 2
    assert "“a.pdf”" in messages[0] and "“b.exe”" in messages[1]


# Totals and sentences ------------------------------------------------------------------


@pytest.fixture
def logged(live_district):
    """Figures in three branches of two committees; last year's district baseline."""
    d = live_district
    _log(
        d.school1,
        d.users["secretary1"],
        households=600,
        poor_households=100,
        funds=Decimal("100.50"),
        person_times=700,
        deeds=1200,
    )
    _log(
        d.school2,
        d.users["leader1"],
        households=400,
        funds=Decimal("25.46"),
        person_times=300,
        deeds=800,
    )
    _log(
        d.ward,
        d.users["secretary2"],
        households=267,
        funds=Decimal("25"),
        person_times=243,
        deeds=365,
    )
    d.root.households = 12670
    d.root.save()
    PracticeBaseline.objects.create(
        batch=d.batch,
        year=2004,
        households=1013,
        funds=Decimal("120"),
        person_times=992,
        deeds=1888,
    )
    return d


def test_a_committee_sees_the_totals_of_its_branches(logged, login):
    response = login(logged.users["leader1"]).get(
        reverse("ledgers:practice_activities", args=[logged.education.pk])
    )
    summary = response.context["summary"]
    assert (summary.activities, summary.households, summary.poor_households) == (2, 1000, 100)
    assert summary.funds == Decimal("125.96")
    assert (summary.person_times, summary.deeds) == (1000, 2000)
    # A committee is not compared with the district's last year, nor shares its households.
    assert summary.last_year is None
    assert response.context["sentences"] == [
        "帮扶和走访慰问困难群众1000户(其中贫困户100户),投入资金120多万元",
        "开展干群连心活动1000人次",
        "为民办实事2000件(次)",
    ]
    children = {c.name: c for c in response.context["children"]}
    assert children["区一中党支部"].households_total == 600
    assert children["区二中党支部"].funds_total == Decimal("25.46")


def test_the_district_page_writes_the_figures_as_the_speech_does(logged, login):
    response = login(logged.users["office"]).get(
        reverse("ledgers:practice_activities", args=[logged.root.pk])
    )
    expected = (
        "帮扶和走访慰问困难群众1267户(其中贫困户100户),占全区总户数的10%,比上年增长25.1%,"
        "投入资金150多万元,比上年增长25.8%;开展干群连心活动1240余人次,比上年增长25.3%;"
        "为民办实事2360余件(次),比上年增长25.3%。"
    )
    assert expected in response.text
    children = {c.name: c for c in response.context["children"]}
    assert children["城关镇党委"].activity_total == 0
    assert children["区卫生党委"].deeds_total == 365


def test_a_branch_page_shows_totals_but_no_sentences(logged, login):
    response = login(logged.users["secretary1"]).get(
        reverse("ledgers:practice_activities", args=[logged.school1.pk])
    )
    assert "sentences" not in response.context
    assert response.context["summary"].households == 600
    assert "汇报口径" not in response.text


def test_the_activity_pages_cost_the_same_however_much_is_logged(
    live_district, login, count_queries
):
    d = live_district
    client = login(d.users["office"])
    urls = [
        reverse("ledgers:practice_activities", args=[unit.pk])
        for unit in (d.root, d.education, d.school1)
    ]
    _log(d.school1, d.users["secretary1"], files=[_file("a.pdf", PDF)])
    before = [count_queries(client, url) for url in urls]
    for number in range(8):
        unit = [d.school1, d.school2, d.ward, d.street][number % 4]
        activity = _log(
            unit,
            d.users["office"],
            households=number,
            files=[_file(f"{number}.jpg", JPEG), _file(f"{number}.pdf", PDF)],
        )
        services.practice_activity_correct(
            activity=activity,
            user=d.users["office"],
            reason="户数录入有误",
            households=number + 10,
            remove=[activity.attachments.first()],
        )
    services.practice_activity_delete(activity=activity, user=d.users["office"], reason="重复登记")
    assert [count_queries(client, url) for url in urls] == before


# On a phone ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_secretary_logs_an_activity_on_a_phone(live_district, phone, tmp_path):
    photo = tmp_path / "慰问现场.jpg"
    photo.write_bytes(JPEG)
    log_in(phone, "secretary1")
    phone.open(reverse("ledgers:practice_activities", args=[live_district.school1.pk]))
    phone.get_by_role("link", name="登记活动").click()
    expect(phone.get_by_label("活动日期")).to_have_value(timezone.localdate().isoformat())
    phone.get_by_label("活动类别").select_option(label="五送·送温暖")
    phone.get_by_label("参加人员").fill("支部书记带领党员5人")
    phone.get_by_label("活动内容").fill("走访慰问困难群众")
    phone.get_by_label("帮扶走访困难群众(户)").fill("3")
    phone.get_by_label("其中贫困户(户)").fill("5")
    phone.get_by_label("投入资金(万元)").fill("0.6")
    phone.get_by_role("button", name="保存").click()
    summary = phone.locator(".form-error-summary")
    expect(summary.get_by_text("其中贫困户(5户)不能多于帮扶走访的困难群众(3户)。")).to_be_visible()
    expect(phone.get_by_label("活动内容")).to_have_value("走访慰问困难群众")
    phone.get_by_label("其中贫困户(户)").fill("2")
    phone.get_by_label("照片或扫描件").set_input_files(str(photo))
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text("慰问现场.jpg")).to_be_visible()
    expect(phone.locator("#practice-totals")).to_contain_text("0.6")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

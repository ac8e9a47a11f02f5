"""Control characters: Word pastes a line break as \\x0b. Every form keeps Word's breaks as
line breaks and drops the other C0 controls; every Excel export writes what was stored
before that, and names its sheet whatever the unit is called."""

import io

import pytest
from django import forms
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from common.text import excel_value, sheet_title, strip_control_characters
from ledgers.models import SurveyOpinion
from ledgers.services.rectification import survey_token
from study.models import Writing, WritingKind
from study.services.writings import writing_log_paper
from tests.factories import UserFactory
from units.models import Member, Unit

WORD_LINE_BREAK = "\x0b"
# A/B:C[1]*? with Excel's forbidden characters in their full-width forms.
FULL_WIDTH = "A\uff0fB\uff1aC\uff3b1\uff3d\uff0a\uff1f"


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _values(workbook):
    return {cell for sheet in workbook.worksheets for row in sheet.values for cell in row}


@pytest.fixture
def pasted(live_district):
    """A note title, a job title and unit names pasted from Word, stored as they were
    before forms dropped control characters."""
    d = live_district
    note = writing_log_paper(
        member=d.member1,
        kind=WritingKind.NOTE,
        title="学习笔记",
        characters=800,
        user=d.users["secretary1"],
    )
    Writing.objects.filter(pk=note.pk).update(title=f"学习笔记{WORD_LINE_BREAK}第一章")
    Member.objects.filter(pk=d.member1.pk).update(position=f"校长{WORD_LINE_BREAK}\x1f书记")
    Unit.objects.filter(pk=d.school1.pk).update(name=f"区一中{WORD_LINE_BREAK}党支部")
    Unit.objects.filter(pk=d.education.pk).update(name=f"区教育{WORD_LINE_BREAK}党委")
    return d


# The exports -----------------------------------------------------------------------------


def test_the_branch_ledger_exports_a_note_title_pasted_from_word(pasted, login):
    client = login(pasted.users["secretary1"])

    workbook = _workbook(client.get(reverse("study:ledger_export", args=[pasted.school1.pk])))

    assert "学习笔记\n第一章" in _values(workbook)
    assert workbook["学习情况"]["A1"].value == "区一中\n党支部 先进性教育活动学习台账"


def test_the_branch_roster_exports_a_job_title_pasted_from_word(pasted, login):
    client = login(pasted.users["secretary1"])

    workbook = _workbook(client.get(reverse("units:roster_export", args=[pasted.school1.pk])))

    assert "校长\n书记" in _values(workbook)


def test_the_office_exports_the_district_roster_and_dashboard(pasted, login):
    client = login(pasted.users["office"])

    roster = _workbook(client.get(reverse("units:roster_export", args=[pasted.root.pk])))
    dashboard = _workbook(
        client.get(reverse("reports:dashboard_export", args=[pasted.root.pk, "units"]))
    )

    assert "校长\n书记" in _values(roster)
    assert "区教育\n党委" in _values(dashboard)


@pytest.mark.parametrize("table", ["units", "lagging", "headline"])
def test_a_unit_named_with_sheet_title_characters_exports_its_dashboard(
    live_district, login, table
):
    d = live_district
    Unit.objects.filter(pk=d.root.pk).update(name="A/B:C[1]*?")
    client = login(d.users["office"])

    workbook = _workbook(client.get(reverse("reports:dashboard_export", args=[d.root.pk, table])))

    sheet = workbook.active
    assert sheet.title.startswith(FULL_WIDTH)
    assert sheet["A1"].value.startswith("A/B:C[1]*?")


def test_a_unit_name_opening_with_an_equals_sign_stays_text(live_district, login):
    Unit.objects.filter(pk=live_district.town.pk).update(name="=1+1")
    client = login(live_district.users["office"])

    workbook = _workbook(
        client.get(reverse("reports:dashboard_export", args=[live_district.root.pk, "units"]))
    )

    assert "=1+1" in _values(workbook)
    cell = next(c for row in workbook.active.iter_rows() for c in row if c.value == "=1+1")
    assert cell.data_type == "s"


# The forms -------------------------------------------------------------------------------


def test_a_member_s_note_keeps_word_s_line_break_as_a_line_break(live_district, login):
    client = login(live_district.users["member1"])

    client.post(
        reverse("study:my_writings"),
        {
            "kind": WritingKind.NOTE,
            "title": f"学习{WORD_LINE_BREAK}党章\x07",
            "text": f"第一段。{WORD_LINE_BREAK}第二段。\x00\x1b",
        },
    )

    writing = Writing.objects.get(member=live_district.member1)
    assert (writing.title, writing.text) == ("学习\n党章", "第一段。\n第二段。")


def test_the_public_survey_drops_control_characters(live_district, client):
    cache.clear()
    url = reverse("ledgers:survey", args=[survey_token(live_district.school1)])
    client.get(url)

    client.post(
        url,
        {
            "office_rating": "4",
            "organisation_rating": "3",
            "members_rating": "2",
            "opinion": f"车辆乱停{WORD_LINE_BREAK}希望管一管\x08",
        },
    )

    assert SurveyOpinion.objects.get().text == "车辆乱停\n希望管一管"
    cache.clear()


def test_the_admin_drops_control_characters(live_district, client):
    member = live_district.member1
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:units_member_change", args=[member.pk]),
        {
            "name": f"张建国{WORD_LINE_BREAK}",
            "unit": member.unit_id,
            "position": f"校长{WORD_LINE_BREAK}书记\x1f",
            "category": member.category,
            "can_write": "on",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.position) == ("张建国", "校长\n书记")


def test_every_text_field_drops_control_characters():
    assert (
        forms.CharField().clean(" 第一\x0b第二\x0c第三\x00\x1f\t。\r\n ") == "第一\n第二\n第三\t。"
    )
    assert forms.CharField(strip=False).clean("\u3000\u3000正文\x0b") == "\u3000\u3000正文\n"
    assert forms.EmailField().clean("a\x00b@example.com") == "ab@example.com"


def test_a_password_is_kept_as_typed():
    field = forms.CharField(widget=forms.PasswordInput, strip=False)
    assert field.clean("pass\x0bword") == "pass\x0bword"


# The helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("第一行\x0b第二行", "第一行\n第二行"),
        ("分页\x0c之后", "分页\n之后"),
        ("制表\t换行\n回车\r", "制表\t换行\n回车\r"),
        ("".join(map(chr, range(32))), "\t\n\n\n\r"),
        ("\x7f全角 /:", "\x7f全角 /:"),
    ],
    ids=["vertical tab", "form feed", "tab and line breaks", "every C0", "not C0"],
)
def test_strip_control_characters(text, kept):
    assert strip_control_characters(text) == kept


def test_excel_value_removes_what_openpyxl_refuses():
    assert excel_value("名称\x0b\x01") == "名称\n"
    assert excel_value(3) == 3
    assert excel_value(None) is None


@pytest.mark.parametrize(
    ("name", "taken", "title"),
    [
        ("A/B:C[1]*?", [], FULL_WIDTH),
        ("back\\slash", [], "back\uff3cslash"),
        ("区教育党委\x0b各单位进度", [], "区教育党委各单位进度"),
        ("'引号'", [], "引号"),
        ("", [], "Sheet"),
        ("一" * 40, [], "一" * 31),
        ("学习情况", ["学习情况"], "学习情况(2)"),
        ("Sheet", ["sheet", "SHEET(2)"], "Sheet(3)"),
        ("一" * 40, ["一" * 31], "一" * 28 + "(2)"),
    ],
    ids=[
        "forbidden",
        "backslash",
        "control",
        "apostrophes",
        "empty",
        "long",
        "taken",
        "taken ignoring case",
        "taken and long",
    ],
)
def test_sheet_title(name, taken, title):
    assert sheet_title(name, taken) == title
    assert len(title) <= 31

"""身份证号 on the roster (issue 12): an import tells same-name members of one branch apart
by their ID numbers, so that the app's own export of such a branch imports back; the
member form takes the same numbers, and only those who keep the roster see them whole."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import PERSONAS
from tests.units.test_roster import (
    HEADERS,
    VALIDATE_QUERIES,
    confirm,
    messages_of,
    preview,
    row,
    sheet_rows,
    snapshot,
    upload,
    xlsx,
)
from units.models import Member
from units.roster_format import XLSX_CONTENT_TYPE
from units.roster_import import roster_import_upload, roster_validate

# The example of GB 11643-1999 itself: 北京市朝阳区, born 1949-12-31, check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def id_number(birth_date, sequence=1):
    """A well-formed 身份证号 of 杭州市上城区 for someone born on `birth_date`."""
    body = f"330102{birth_date:%Y%m%d}{sequence:03}"
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(body))
    return body + "10X98765432"[total % 11]


WANG_1 = id_number(datetime.date(1970, 1, 2), 11)
WANG_2 = id_number(datetime.date(1982, 9, 30), 27)
SUN_LI_BORN = datetime.date(1978, 6, 3)
SUN_LI_ID = id_number(SUN_LI_BORN)  # all digits: it can be typed as a number


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(district, login):
    return login(district.users["office"])


@pytest.fixture
def two_wangs(district):
    """区一中党支部's 王强 and a second 王强 who joined the branch, told apart by ID number."""
    first = Member.objects.get(name="王强", unit=district.school1)
    Member.objects.filter(pk=first.pk).update(id_number=WANG_1)
    second = Member.objects.create(name="王强", unit=district.school1, id_number=WANG_2)
    return Member.objects.get(pk=first.pk), second


def errors_of(client, roster_import):
    return [str(error) for error in preview(client, roster_import).context["plan"].errors]


# Matching by ID number


def test_an_export_with_two_members_of_one_name_imports_back_and_updates_each(
    district, office, two_wangs
):
    first, second = two_wangs
    exported = office.get(reverse("units:roster_export", args=[district.school1.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(exported.streaming_content)))
    sheet = workbook.active
    id_column, phone_column = HEADERS.index("身份证号") + 1, HEADERS.index("联系电话") + 1
    new_phones = {WANG_1: "13900000001", WANG_2: "13900000002"}
    for number in range(2, sheet.max_row + 1):
        phone = new_phones.get(sheet.cell(row=number, column=id_column).value)
        if phone:
            sheet.cell(row=number, column=phone_column, value=phone)
    buffer = io.BytesIO()
    workbook.save(buffer)

    roster_import = upload(
        office, district.school1, SimpleUploadedFile("名册.xlsx", buffer.getvalue())
    )
    plan = preview(office, roster_import).context["plan"]
    assert plan.errors == []
    assert (plan.created_count, plan.updated_count) == (0, 4)

    response = confirm(office, roster_import)
    assert messages_of(response) == ["已导入:新增 0 人,更新 4 人"]
    assert Member.objects.filter(name="王强", unit=district.school1).count() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.phone, first.id_number, first.is_mobile) == ("13900000001", WANG_1, True)
    assert (second.phone, second.id_number, second.is_mobile) == ("13900000002", WANG_2, False)


def test_a_second_member_of_the_same_name_is_added_beside_the_first(district, office):
    first = Member.objects.get(name="王强", unit=district.school1)
    Member.objects.filter(pk=first.pk).update(id_number=WANG_1)
    rows = [
        row(姓名="王强", 所在党组织="区一中党支部", 身份证号=WANG_1, 出生日期="1970-01-02"),
        row(姓名="王强", 所在党组织="区一中党支部", 身份证号=WANG_2, 出生日期="1982-09-30"),
    ]
    roster_import = upload(office, district.root, xlsx(rows))
    plan = preview(office, roster_import).context["plan"]
    assert plan.errors == []
    assert (plan.created_count, plan.updated_count) == (1, 1)

    confirm(office, roster_import)
    wangs = Member.objects.filter(name="王强", unit=district.school1).order_by("pk")
    assert [(m.pk == first.pk, m.id_number, m.birth_date) for m in wangs] == [
        (True, WANG_1, datetime.date(1970, 1, 2)),
        (False, WANG_2, datetime.date(1982, 9, 30)),
    ]


def test_an_id_number_is_recorded_on_the_one_member_of_that_name_without_one(district, office):
    wang = Member.objects.get(name="王强", unit=district.school1)
    rows = [
        row(姓名="王强", 所在党组织="区一中党支部", 身份证号=STANDARD_EXAMPLE.lower(), 出生日期="")
    ]
    confirm(office, upload(office, district.root, xlsx(rows)))
    assert list(Member.objects.filter(name="王强").values_list("pk", "id_number")) == [
        (wang.pk, STANDARD_EXAMPLE)
    ]


def test_a_blank_id_number_keeps_the_one_recorded(district, office):
    Member.objects.filter(pk=district.member1.pk).update(id_number=STANDARD_EXAMPLE)
    rows = [row(姓名="张建国", 所在党组织="区一中党支部", 出生日期="", 身份证号="")]
    confirm(office, upload(office, district.root, xlsx(rows)))
    zhang = Member.objects.get(pk=district.member1.pk)
    assert (zhang.id_number, zhang.position) == (STANDARD_EXAMPLE, "教师")


def with_number(file, placeholder, number):
    """`file` with the number cell `placeholder` holding all the digits of `number`, as
    systems that write the file themselves store it (Excel keeps 15 digits of a number,
    openpyxl 16)."""
    source, target = zipfile.ZipFile(file), io.BytesIO()
    with zipfile.ZipFile(target, "w") as rewritten:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(
                    f"<v>{placeholder}</v>".encode(), f"<v>{number}</v>".encode()
                )
            rewritten.writestr(item, content)
    return SimpleUploadedFile("名册.xlsx", target.getvalue(), content_type=XLSX_CONTENT_TYPE)


def test_a_numeric_id_number_cell_keeps_all_18_digits(district, office):
    file = with_number(xlsx([row(身份证号=424242)]), 424242, int(SUN_LI_ID))
    confirm(office, upload(office, district.root, file))
    assert Member.objects.get(name="孙丽").id_number == SUN_LI_ID


def test_a_birth_year_and_month_takes_the_day_from_the_id_number(district, office):
    rows = [row(出生日期="1978年6月", 身份证号=SUN_LI_ID)]
    confirm(office, upload(office, district.root, xlsx(rows)))
    assert Member.objects.get(name="孙丽").birth_date == SUN_LI_BORN


@pytest.mark.parametrize("header", ["公民身份号码", "身份证号码", "身份证号(18位)"])
def test_other_rosters_id_number_headers_are_read(district, office, header):
    headers = [header if h == "身份证号" else h for h in HEADERS]
    roster_import = upload(office, district.root, xlsx([row(身份证号=SUN_LI_ID)], headers))
    plan = preview(office, roster_import).context["plan"]
    assert (plan.errors, plan.ignored_headers) == ([], [])
    assert plan.rows[0].member.id_number == SUN_LI_ID


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            [row(身份证号=SUN_LI_ID[:-1] + "2")],
            "第2行 身份证号:校验码(最后一位)不对,请核对是否有数字填错",
        ),
        (
            [row(身份证号="33010219780603")],
            "第2行 身份证号:应为18位:前17位是数字,最后一位是数字或X",
        ),
        (
            [row(身份证号="11010519491331002X")],
            "第2行 身份证号:第7至14位应是出生日期(年月日),“19491331”不是有效日期",
        ),
        (
            [row(出生日期="1978-06-04", 身份证号=SUN_LI_ID)],
            "第2行 身份证号:身份证号中的出生日期是1978-06-03,与出生日期1978-06-04不一致",
        ),
        (
            [row(出生日期="1978年7月", 身份证号=SUN_LI_ID)],
            "第2行 身份证号:身份证号中的出生日期是1978-06-03,与出生日期1978-07-01不一致",
        ),
        (
            [row(身份证号=float(SUN_LI_ID[:17] + "0"))],
            "第2行 身份证号:被 Excel 存成了数字,后几位已丢失",
        ),
        (
            [row(身份证号=SUN_LI_ID), row(姓名="钱伟", 身份证号=SUN_LI_ID)],
            "第3行 身份证号:与第2行的身份证号相同",
        ),
        (
            [row(身份证号=SUN_LI_ID), row(身份证号="")],
            "第3行:与第2行重复(同一党组织同名党员)",
        ),
        (
            [row(姓名="王强", 所在党组织="区二中党支部", 身份证号=WANG_1, 出生日期="")],
            "第2行 身份证号:已登记为“区一中党支部”的党员“王强”的身份证号;"
            "如是同一人,请先在党员页面修改其姓名或所在党组织",
        ),
        (
            [row(姓名="王刚", 所在党组织="区一中党支部", 身份证号=WANG_2, 出生日期="")],
            "第2行 身份证号:已登记为“区一中党支部”的党员“王强”的身份证号",
        ),
    ],
    ids=[
        "check digit",
        "length",
        "date in the number",
        "birth date",
        "birth month",
        "number that lost digits",
        "id number twice",
        "same name, one without",
        "registered in another branch",
        "registered under another name",
    ],
)
def test_a_wrong_id_number_is_shown_by_row_and_nothing_is_written(
    district, office, two_wangs, rows, error
):
    before = snapshot()
    roster_import = upload(office, district.root, xlsx(rows))
    page = preview(office, roster_import).content.decode()
    assert error in page
    assert "确认导入" not in page

    confirm(office, roster_import)
    assert snapshot() == before


def test_a_member_registered_outside_the_import_is_named(district, office):
    Member.objects.filter(name="赵敏").update(id_number=SUN_LI_ID)
    roster_import = upload(office, district.school1, xlsx([row(所在党组织="", 身份证号=SUN_LI_ID)]))
    assert errors_of(office, roster_import) == [
        "第2行 身份证号:已登记为“区二中党支部”的党员“赵敏”的身份证号;"
        "如是同一人,请先在党员页面修改其姓名或所在党组织"
    ]


def test_same_name_members_without_id_numbers_are_still_refused(district, office):
    Member.objects.create(name="王强", unit=district.school1)
    rows = [row(姓名="王强", 所在党组织="区一中党支部", 身份证号=WANG_1, 出生日期="")]
    roster_import = upload(office, district.root, xlsx(rows))
    assert errors_of(office, roster_import) == [
        "第2行:“区一中党支部”有2名叫“王强”的党员还没有登记身份证号,无法确定本行是哪一位;"
        "请先在党员页面填写他们的身份证号"
    ]

    rows = [row(姓名="王强", 所在党组织="区一中党支部", 出生日期="")]
    roster_import = upload(office, district.root, xlsx(rows))
    assert errors_of(office, roster_import) == [
        "第2行:“区一中党支部”已有2名党员叫“王强”,无法确定更新哪一位"
    ]


# The export


def test_id_numbers_are_exported_as_text(district, office, two_wangs):
    response = office.get(reverse("units:roster_export", args=[district.school1.pk]))
    sheet, rows = sheet_rows(response)
    column = HEADERS.index("身份证号")
    assert {values[column] for values in rows[1:]} == {None, WANG_1, WANG_2}
    number = next(n for n, values in enumerate(rows, 1) if values[column] == WANG_1)
    cell = sheet.cell(row=number, column=column + 1)
    assert (cell.data_type, cell.number_format) == ("s", "@")
    # What is typed into the column's empty cells is kept as text too.
    assert sheet.column_dimensions["D"].number_format == "@"


# What it costs


@pytest.mark.parametrize("rows", [5, 70], ids=["5 rows", "70 rows"])
def test_new_id_numbers_cost_one_query_however_many(district, django_assert_num_queries, rows):
    lines = [[f"新党员{i}", id_number(datetime.date(1980, 1, 1), i)] for i in range(rows)]
    roster_import = roster_import_upload(
        unit=district.school1,
        uploaded_by=district.users["office"],
        upload=xlsx(lines, headers=["姓名", "身份证号"]),
    )
    # The subtree's units and members, and whether members elsewhere hold the numbers.
    with django_assert_num_queries(VALIDATE_QUERIES + 1):
        plan = roster_validate(roster_import=roster_import)
    assert (plan.errors, plan.created_count) == ([], rows)


def test_re_importing_known_id_numbers_costs_no_more(
    district, office, two_wangs, django_assert_num_queries
):
    exported = office.get(reverse("units:roster_export", args=[district.school1.pk]))
    roster_import = roster_import_upload(
        unit=district.school1,
        uploaded_by=district.users["office"],
        upload=SimpleUploadedFile(
            "名册.xlsx", b"".join(exported.streaming_content), content_type=XLSX_CONTENT_TYPE
        ),
    )
    with django_assert_num_queries(VALIDATE_QUERIES):
        plan = roster_validate(roster_import=roster_import)
    assert (plan.errors, plan.updated_count) == ([], 4)


# The member form and page


def form_data(member, **changes):
    data = {
        "name": member.name,
        "unit": member.unit_id,
        "gender": member.gender,
        "id_number": member.id_number,
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
        "position": member.position,
        "phone": member.phone,
        "category": member.category,
    }
    for flag in ("is_leading_cadre", "is_mobile", "is_infirm", "can_write"):
        if getattr(member, flag):
            data[flag] = "on"
    data.update(changes)
    return data


@pytest.fixture
def secretary(district, login):
    return login(district.users["secretary1"])


def test_the_member_form_takes_an_id_number_with_a_lowercase_x(district, secretary):
    url = reverse("units:member_edit", args=[district.member1.pk])
    data = form_data(district.member1, id_number=f" {STANDARD_EXAMPLE.lower()} ")
    response = secretary.post(url, data)
    assert response.status_code == 302
    assert Member.objects.get(pk=district.member1.pk).id_number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"id_number": "110105194912310021"}, "校验码(最后一位)不对,请核对是否有数字填错"),
        ({"id_number": "1101051949123100"}, "应为18位:前17位是数字,最后一位是数字或X"),
        (
            {"id_number": STANDARD_EXAMPLE, "birth_date": "1949-12-30"},
            "身份证号中的出生日期是1949-12-31,与出生日期1949-12-30不一致",
        ),
        ({"id_number": WANG_1}, "已有党员登记了这个身份证号。"),
    ],
    ids=["check digit", "length", "birth date", "taken"],
)
def test_the_member_form_refuses_a_wrong_id_number(district, secretary, two_wangs, changes, error):
    url = reverse("units:member_edit", args=[district.member1.pk])
    response = secretary.post(url, form_data(district.member1, **changes))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Member.objects.get(pk=district.member1.pk).id_number == ""


# Who keeps member1's roster sees the number whole; who only sees it, masked.
SEES_WHOLE = {"office", "leader1", "secretary1"}
SEES_MASKED = {"supervisor1", "member1"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_member_page_shows_the_id_number_whole_only_to_those_who_keep_the_roster(
    district, client, persona
):
    Member.objects.filter(pk=district.member1.pk).update(id_number=STANDARD_EXAMPLE)
    client.force_login(district.users[persona])
    response = client.get(reverse("units:member", args=[district.member1.pk]))
    if persona not in SEES_WHOLE | SEES_MASKED:
        assert response.status_code == 404
        return
    page = response.content.decode()
    whole, masked = STANDARD_EXAMPLE in page, "1101**********002X" in page
    assert (whole, masked) == (persona in SEES_WHOLE, persona in SEES_MASKED)

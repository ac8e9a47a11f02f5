"""党员名册: export to Excel, and import from it through upload → preview → confirm."""

import datetime
import io
import math
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import AutoField
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from study.models import MemberProgress
from tests.conftest import PERSONAS
from tests.factories import a_minute_later
from units.models import Gender, Member, MemberCategory, RosterImport, Unit, UnitKind
from units.roster_format import COLUMNS, XLSX_CONTENT_TYPE
from units.roster_import import roster_import_apply, roster_import_upload, roster_validate

HEADERS = [column.header for column in COLUMNS]
# A valid row for 区二中党支部, in the order of HEADERS.
SUN_LI = ["孙丽", "区二中党支部", "女", "", "1978-06-03", "2001-07-01", "教师", "", "在岗"]
SUN_LI += ["否", "否", "否", "是"]


def row(**changes):
    """SUN_LI with some columns changed, by header: row(姓名="钱伟")."""
    values = dict(zip(HEADERS, SUN_LI, strict=True))
    values.update(changes)
    return [values[header] for header in HEADERS]


def xlsx(rows, headers=HEADERS, name="名册.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    if headers:
        sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def sheet_rows(response):
    response.content_bytes = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(response.content_bytes))
    return workbook.active, list(workbook.active.iter_rows(values_only=True))


def snapshot():
    return list(Member.objects.order_by("pk").values())


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(district, login):
    return login(district.users["office"])


def upload(client, unit, file):
    response = client.post(reverse("units:roster_import", args=[unit.pk]), {"file": file})
    assert response.status_code == 302, response.content.decode()
    roster_import = RosterImport.objects.latest("pk")
    assert response.url == reverse("units:roster_import_preview", args=[roster_import.pk])
    return roster_import


def preview(client, roster_import):
    response = client.get(reverse("units:roster_import_preview", args=[roster_import.pk]))
    assert response.status_code == 200
    return response


def confirm(client, roster_import, **data):
    return client.post(reverse("units:roster_import_preview", args=[roster_import.pk]), data)


# Export


def test_export_lists_the_roster_in_the_import_columns(district, office):
    Member.objects.filter(pk=district.member1.pk).update(
        gender=Gender.MALE,
        birth_date=datetime.date(1962, 3, 5),
        joined_on=datetime.date(1985, 7, 1),
        phone="13900000001",
    )
    response = office.get(reverse("units:roster_export", args=[district.root.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert f"filename*=utf-8''{quote('区委党员名册')}" in response["Content-Disposition"]
    sheet, rows = sheet_rows(response)
    assert list(rows[0]) == HEADERS
    assert sheet.freeze_panes == "A2"
    by_name = {values[0]: values for values in rows[1:]}
    assert set(by_name) == {"张建国", "李秀英", "王强", "赵敏", "刘洋", "陈静"}
    assert by_name["张建国"] == (
        "张建国",
        "区一中党支部",
        "男",
        None,
        datetime.datetime(1962, 3, 5),
        datetime.datetime(1985, 7, 1),
        "校长",
        "13900000001",
        "在岗",
        "是",
        "否",
        "否",
        "是",
    )
    assert by_name["李秀英"][8] == "离退休"
    assert by_name["李秀英"][11] == "是"
    assert by_name["刘洋"][1] == "区医院内科党支部"
    zhang = next(index for index, values in enumerate(rows, 1) if values[0] == "张建国")
    assert sheet.cell(row=zhang, column=5).number_format == "yyyy-mm-dd"


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"is_leading_cadre": "1"}, ["张建国"]),
        ({"category": MemberCategory.RETIRED}, ["李秀英"]),
        ({"q": "王"}, ["王强"]),
        ({}, ["张建国", "李秀英", "王强", "赵敏"]),
    ],
    ids=["leading cadres", "retired", "search", "unfiltered"],
)
def test_export_applies_the_member_list_filters(district, office, params, names):
    response = office.get(reverse("units:roster_export", args=[district.education.pk]), params)
    _sheet, rows = sheet_rows(response)
    assert [values[0] for values in rows[1:]] == names


def test_export_never_turns_text_into_a_formula(district, office):
    Member.objects.filter(pk=district.member1.pk).update(position="=HYPERLINK(1)")
    response = office.get(reverse("units:roster_export", args=[district.school1.pk]))
    sheet, rows = sheet_rows(response)
    assert rows[1][6] == "=HYPERLINK(1)"
    assert sheet.cell(row=2, column=7).data_type == "s"


def test_template_has_the_headers_and_an_example_that_imports(district, office):
    response = office.get(reverse("units:roster_template", args=[district.school1.pk]))
    _sheet, rows = sheet_rows(response)
    assert list(rows[0]) == HEADERS
    assert rows[1][:2] == ("张三", "区一中党支部")

    template = SimpleUploadedFile("模板.xlsx", response.content_bytes)
    response = preview(office, upload(office, district.school1, template))
    assert response.context["plan"].errors == []
    assert response.context["plan"].created_count == 1


# Import


def test_exported_district_imports_back_without_changes(district, office):
    # Two branches of the same name are exported as "上级/名称" so that they import back.
    for parent in (district.education, district.health):
        branch = Unit.objects.create(name="机关党支部", kind=UnitKind.BRANCH, parent=parent)
        Member.objects.create(name="黄磊", unit=branch, position="=主任", phone="0571-1234")
    Member.objects.filter(pk=district.member1.pk).update(
        birth_date=datetime.date(1962, 3, 5), gender=Gender.MALE
    )
    before = snapshot()
    exported = office.get(reverse("units:roster_export", args=[district.root.pk]))
    file = SimpleUploadedFile("区委党员名册.xlsx", b"".join(exported.streaming_content))

    roster_import = upload(office, district.root, file)
    plan = preview(office, roster_import).context["plan"]
    assert plan.errors == []
    assert (plan.created_count, plan.updated_count, plan.unchanged_count) == (0, 8, 8)

    response = confirm(office, roster_import)
    assert response.url == reverse("units:members", args=[district.root.pk])
    assert messages_of(response) == ["已导入:新增 0 人,更新 8 人"]
    assert snapshot() == before
    roster_import.refresh_from_db()
    assert roster_import.applied_at is not None
    assert (roster_import.created_count, roster_import.updated_count) == (0, 8)


def test_import_creates_new_members_and_updates_existing_ones(district, office):
    rows = [
        ["张建国", "区一中党支部", "男", "", "1962-03-05", datetime.date(1985, 7, 1), "校长兼书记"]
        + ["13900000001", "在岗", "是", "否", "否", "是"],
        row(入党日期="2001.7.1", 出生日期="1978/6/3"),
        [],
        ["  周 海  ", " 东街社区党支部 ", "男", None, "1940年5月", 19650701, None, 13812345678]
        + ["离退休", "N", "0", "√", None],
    ]
    roster_import = upload(office, district.root, xlsx(rows))
    response = preview(office, roster_import)
    plan = response.context["plan"]
    assert plan.errors == []
    assert (plan.created_count, plan.updated_count) == (2, 1)
    assert "确认导入" in response.content.decode()

    response = confirm(office, roster_import)
    assert messages_of(response) == ["已导入:新增 2 人,更新 1 人"]
    zhang = Member.objects.get(pk=district.member1.pk)
    assert (zhang.position, zhang.gender, zhang.birth_date) == (
        "校长兼书记",
        Gender.MALE,
        datetime.date(1962, 3, 5),
    )
    sun = Member.objects.get(name="孙丽")
    assert sun.unit == district.school2
    assert (sun.gender, sun.birth_date, sun.joined_on) == (
        Gender.FEMALE,
        datetime.date(1978, 6, 3),
        datetime.date(2001, 7, 1),
    )
    zhou = Member.objects.get(name="周海")
    assert zhou.unit == district.street
    assert (zhou.birth_date, zhou.joined_on, zhou.phone) == (
        datetime.date(1940, 5, 1),
        datetime.date(1965, 7, 1),
        "13812345678",
    )
    assert zhou.category == MemberCategory.RETIRED
    assert (zhou.is_leading_cadre, zhou.is_mobile, zhou.is_infirm, zhou.can_write) == (
        False,
        False,
        True,
        False,
    )


def test_columns_left_out_keep_their_values(district, office):
    file = xlsx(
        [["张建国", "13900000009", "备注文字"], ["吴刚", "13900000010", ""]],
        headers=["姓  名", "联系电话", "备注"],
    )
    roster_import = upload(office, district.school1, file)
    page = preview(office, roster_import).content.decode()
    assert "以下列不导入:备注" in page

    confirm(office, roster_import, without_columns="on")
    zhang = Member.objects.get(pk=district.member1.pk)
    assert (zhang.phone, zhang.position, zhang.is_leading_cadre) == ("13900000009", "校长", True)
    wu = Member.objects.get(name="吴刚")
    assert (wu.unit, wu.category, wu.can_write) == (
        district.school1,
        MemberCategory.IN_SERVICE,
        True,
    )


@pytest.mark.parametrize(
    ("headers", "rows", "error"),
    [
        (HEADERS, [row(), row(姓名="")], "第3行 姓名:不能为空"),
        (
            HEADERS,
            [row(), row(姓名="钱伟", 所在党组织="区三中党支部")],
            "第3行 所在党组织:找不到“区三中党支部”",
        ),
        (HEADERS, [row(), row(姓名="钱伟", 性别="male")], "第3行 性别:应为“男”或“女”"),
        (HEADERS, [row(), row(), row()], "第4行:与第2行重复(同一党组织同名党员)"),
        (HEADERS, [row(), row(姓名="钱伟", 入党日期="2005-02-30")], "第3行 入党日期:不是有效日期"),
        (
            HEADERS,
            [row(), row(姓名="钱伟", 所在党组织="区教育党委")],
            "第3行 所在党组织:“区教育党委”不是党支部,党员应编入党支部或党总支",
        ),
        (HEADERS, [row(), row(姓名="钱伟", 流动党员="可能")], "第3行 流动党员:应为“是”或“否”"),
        (
            HEADERS,
            [row(), row(姓名="钱伟", 人员类别="学生")],
            "第3行 人员类别:应为“在岗”“离退休”“农村”“社区”之一",
        ),
        (HEADERS, [row(), row(姓名="钱伟", 所在党组织="")], "第3行 所在党组织:不能为空"),
        (HEADERS, [row(), row(姓名="钱" * 51)], "第3行 姓名:不能超过50个字"),
        (["名字", "所在党组织"], [["钱伟", "区二中党支部"]], "缺少“姓名”列"),
        (["姓名", "性别"], [["钱伟", "男"]], "缺少“所在党组织”列"),
        (["姓名", "所在党组织", "姓名"], [["钱伟", "区二中党支部", "钱伟"]], "“姓名”列出现了两次"),
        (HEADERS, [], "表格中没有党员数据"),
    ],
    ids=[
        "empty name",
        "unknown unit",
        "gender",
        "duplicate",
        "date",
        "not a branch",
        "flag",
        "category",
        "empty unit",
        "long name",
        "no name column",
        "no unit column",
        "repeated column",
        "no rows",
    ],
)
def test_any_error_is_shown_by_row_and_column_and_nothing_is_written(
    district, office, headers, rows, error
):
    before = snapshot()
    roster_import = upload(office, district.root, xlsx(rows, headers=headers))
    page = preview(office, roster_import).content.decode()
    assert error in page
    assert "确认导入" not in page

    response = confirm(office, roster_import)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert "名册中有错误,没有导入任何数据。请改正后重新上传。" in messages_of(response)
    assert snapshot() == before
    roster_import.refresh_from_db()
    assert roster_import.applied_at is None


def test_every_error_of_the_file_is_listed(district, office):
    rows = [row(姓名=""), row(姓名="钱伟", 性别="x", 出生日期="去年"), row()]
    roster_import = upload(office, district.root, xlsx(rows))
    errors = [str(error) for error in preview(office, roster_import).context["plan"].errors]
    assert errors == [
        "第2行 姓名:不能为空",
        "第3行 性别:应为“男”或“女”",
        "第3行 出生日期:不是有效日期",
    ]


def test_a_unit_name_used_twice_must_be_written_with_its_parent(district, office):
    for parent in (district.education, district.health):
        Unit.objects.create(name="机关党支部", kind=UnitKind.BRANCH, parent=parent)
    roster_import = upload(office, district.root, xlsx([row(所在党组织="机关党支部")]))
    page = preview(office, roster_import).content.decode()
    assert "第2行 所在党组织:有2个党组织叫“机关党支部”,请写成“上级党组织/机关党支部”" in page

    rows = [
        row(姓名="钱伟", 所在党组织="区卫生党委/机关党支部"),
        row(姓名="孙丽", 所在党组织="区教育党委/机关党支部"),
    ]
    confirm(office, upload(office, district.root, xlsx(rows)))
    assert Member.objects.get(name="钱伟").unit.parent == district.health
    assert Member.objects.get(name="孙丽").unit.parent == district.education


def test_a_branch_import_stays_inside_the_branch(district, office):
    before = snapshot()
    rows = [
        row(姓名="新党员", 所在党组织=""),
        row(姓名="赵敏", 所在党组织="区二中党支部"),
        row(姓名="刘洋", 所在党组织="区卫生党委/区医院内科党支部"),
    ]
    roster_import = upload(office, district.school1, xlsx(rows))
    errors = [str(error) for error in preview(office, roster_import).context["plan"].errors]
    assert errors == [
        "第3行 所在党组织:“区二中党支部”不在“区一中党支部”之内,不能导入到这里",
        "第4行 所在党组织:“区卫生党委/区医院内科党支部”不在“区一中党支部”之内,不能导入到这里",
    ]
    confirm(office, roster_import)
    assert snapshot() == before

    confirm(office, upload(office, district.school1, xlsx([row(姓名="新党员", 所在党组织="")])))
    assert Member.objects.get(name="新党员").unit == district.school1


def test_confirming_twice_applies_once(district, office):
    roster_import = upload(office, district.root, xlsx([row()]))
    confirm(office, roster_import)
    after_first = snapshot()

    a_minute_later()
    response = confirm(office, roster_import)
    assert response.url == reverse("units:roster_import_preview", args=[roster_import.pk])
    # The first success message is still queued: the test never displayed a page.
    assert messages_of(response) == [
        "已导入:新增 1 人,更新 0 人",
        "这份名册已经导入过了,不能重复导入。",
    ]
    assert snapshot() == after_first
    roster_import.refresh_from_db()
    assert (roster_import.created_count, roster_import.updated_count) == (1, 0)
    assert roster_import.applied_by == district.users["office"]
    page = preview(office, roster_import).content.decode()
    assert "新增 1 人,更新 0 人" in page
    assert "确认导入" not in page


def test_confirmation_checks_the_rows_again(district, office):
    roster_import = upload(office, district.school1, xlsx([row(姓名="张建国", 所在党组织="")]))
    assert preview(office, roster_import).context["plan"].errors == []
    Member.objects.create(name="张建国", unit=district.school1)
    before = snapshot()

    response = confirm(office, roster_import)
    assert "第2行:“区一中党支部”已有2名党员叫“张建国”,无法确定更新哪一位" in (
        response.content.decode()
    )
    assert snapshot() == before
    roster_import.refresh_from_db()
    assert roster_import.applied_at is None


def test_preview_shows_200_rows_and_counts_them_all(district, office):
    rows = [[f"党员{i:03}", ""] for i in range(250)]
    roster_import = upload(office, district.school1, xlsx(rows, headers=["姓名", "所在党组织"]))
    response = preview(office, roster_import)
    assert len(response.context["rows"]) == 200
    assert response.context["plan"].created_count == 250
    assert "另有 50 行未显示" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名册.xls", b"\xd0\xcf\x11\xe0", "“另存为”Excel 工作簿(*.xlsx)后再上传"),
        ("名册.csv", "姓名\n张三\n".encode(), "只能导入 Excel 工作簿(.xlsx)文件。"),
        ("名册.xlsx", b"this is not a workbook", "无法读取这个文件"),
        ("名册.xlsx", b"\0" * (5 * 1024 * 1024 + 1), "不能超过 5 MB"),
    ],
    ids=["xls", "csv", "damaged", "too large"],
)
def test_upload_that_is_not_a_readable_xlsx_is_rejected(district, office, name, content, message):
    response = office.post(
        reverse("units:roster_import", args=[district.root.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()


# Who may do what

# The personas who see 区一中党支部 but may not import into it.
SEES_SCHOOL1 = {"supervisor1", "leader1", "secretary1"}


def _expected(persona, sees):
    if persona == "anonymous":
        return 302
    if persona == "office":
        return None
    return 403 if persona in sees else 404


def _as(client, district, persona):
    if persona != "anonymous":
        client.force_login(district.users[persona])
    return client


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_only_the_office_imports(district, client, persona):
    roster_import = roster_import_upload(
        unit=district.school1,
        uploaded_by=district.users["office"],
        upload=xlsx([row(所在党组织="")]),
    )
    client = _as(client, district, persona)
    preview_url = reverse("units:roster_import_preview", args=[roster_import.pk])
    import_url = reverse("units:roster_import", args=[district.school1.pk])
    responses = {
        "upload page": client.get(import_url),
        "upload": client.post(import_url, {"file": xlsx([row()])}),
        "preview": client.get(preview_url),
        "confirm": client.post(preview_url),
    }
    expected = _expected(persona, SEES_SCHOOL1)
    if expected is None:
        expected = {"upload page": 200, "upload": 302, "preview": 200, "confirm": 302}
    else:
        expected = dict.fromkeys(responses, expected)
    assert {key: r.status_code for key, r in responses.items()} == expected
    if persona == "anonymous":
        assert all(r.url.startswith(reverse("login")) for r in responses.values())
    roster_import.refresh_from_db()
    assert (roster_import.applied_at is not None) == (persona == "office")


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
@pytest.mark.parametrize("view", ["roster_export", "roster_template"])
def test_whoever_sees_a_unit_exports_its_roster(district, client, persona, view):
    client = _as(client, district, persona)
    school1 = client.get(reverse(f"units:{view}", args=[district.school1.pk])).status_code
    root = client.get(reverse(f"units:{view}", args=[district.root.pk])).status_code
    if persona == "anonymous":
        assert (school1, root) == (302, 302)
    elif persona == "office":
        assert (school1, root) == (200, 200)
    elif persona in SEES_SCHOOL1:
        assert (school1, root) == (200, 404)
    else:
        assert (school1, root) == (404, 404)


# What it costs

# The subtree's units and its members, each loaded once.
VALIDATE_QUERIES = 2
# Recounting a unit's tally: which of the units still exist, the lock of all stored sums,
# make sure each has a row and lock them, count, one upsert. Summing its members'
# progress: the same but not the lock (the members' progress took it first and holds it
# while the sums are written), and the day its week of 批阅 runs from, stored and counted.
TALLY_QUERIES = 6
UNIT_PROGRESS_QUERIES = 7
PROGRESS_LOCK = 1
# Recounting the units' mobile members by last contact: the lock, the units' paths, the
# rows stored, the recount, and the rows written anew (delete, insert).
MOBILE_CONTACT_QUERIES = 6
# What the database takes per statement: Django splits a bulk write where SQLite's 999
# parameters run out (every 76 members, every 83 progress rows); PostgreSQL takes it whole.
PROGRESS_CHUNK = 500


def _batches(model, rows):
    # An auto-numbered id is left to the database; a progress row's key is its member.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows)) if rows else 0


def _progress_queries(members):
    """The members' study progress, per 500: four grouped sums, their flags, the upsert."""
    chunks = [min(PROGRESS_CHUNK, members - start) for start in range(0, members, PROGRESS_CHUNK)]
    return sum(5 + _batches(MemberProgress, chunk) for chunk in chunks)


def _subtree_updates(*, updates, new):
    """Adding the units' changes to their subtrees' sums: one UPDATE per set of units
    taking the same change. New members join 区一中 and only phones change in 区二中:
    the tallies change in both (each school's own row, then their shared ancestors
    区教育党委 and 区委), the study sums in 区一中's chain alone."""
    tallies = 3 if updates and new else 1
    return tallies + (1 if new else 0)


def _apply_queries(*, updates, new):
    """Savepoint, claim the upload, validate, the INSERT of the new members, one UPDATE of
    the changed, the tallies of their units, their progress and their units' sums, what
    changed added to the subtrees, save the counts, release. Nothing here is paid per row
    but what the database splits."""
    return (
        1
        + 1
        + VALIDATE_QUERIES
        + _batches(Member, new)
        + (1 if updates else 0)
        + TALLY_QUERIES
        + PROGRESS_LOCK
        + _progress_queries(updates + new)
        + UNIT_PROGRESS_QUERIES
        + MOBILE_CONTACT_QUERIES
        + _subtree_updates(updates=updates, new=new)
        + 1
        + 1
    )


def _roster_file(district, *, updates, new):
    """`updates` lines give 区二中 members a phone number, `new` lines add members."""
    existing = Member.objects.bulk_create(
        Member(name=f"老党员{i}", unit=district.school2) for i in range(updates)
    )
    lines = [[m.name, "区二中党支部", f"139{i:08}"] for i, m in enumerate(existing)]
    lines += [[f"新党员{i}", "区一中党支部", ""] for i in range(new)]
    return roster_import_upload(
        unit=district.root,
        uploaded_by=district.users["office"],
        upload=xlsx(lines, headers=["姓名", "所在党组织", "联系电话"]),
    )


@pytest.mark.parametrize(("updates", "new"), [(5, 5), (70, 70)], ids=["10 rows", "140 rows"])
def test_import_costs_the_same_queries_for_10_and_140_rows(
    district, django_assert_num_queries, updates, new
):
    roster_import = _roster_file(district, updates=updates, new=new)
    with django_assert_num_queries(VALIDATE_QUERIES):
        plan = roster_validate(roster_import=roster_import)
    assert (plan.created_count, plan.updated_count) == (new, updates)

    with django_assert_num_queries(_apply_queries(updates=updates, new=new)):
        roster_import_apply(
            roster_import=roster_import, user=district.users["office"], without_columns=True
        )
    assert Member.objects.filter(phone__startswith="139").count() == updates


def test_many_new_rows_add_only_the_databases_insert_batches(district, django_assert_num_queries):
    """One INSERT on PostgreSQL; ceil(n / 76) on SQLite. Never one per row."""
    roster_import = _roster_file(district, updates=0, new=1000)
    with django_assert_num_queries(_apply_queries(updates=0, new=1000)):
        roster_import_apply(
            roster_import=roster_import, user=district.users["office"], without_columns=True
        )
    assert Member.objects.filter(unit=district.school1).count() == 3 + 1000
    # Each new member starts with a progress row of nothing studied.
    assert MemberProgress.objects.filter(member__unit=district.school1).count() == 3 + 1000


@pytest.mark.parametrize("members", [10, 200], ids=["10 members", "200 members"])
def test_export_costs_the_same_queries_for_10_and_200_members(
    district, office, django_assert_num_queries, members
):
    Member.objects.bulk_create(
        Member(name=f"党员{i}", unit=district.ward, birth_date=datetime.date(1970, 1, 1))
        for i in range(members)
    )
    url = reverse("units:roster_export", args=[district.root.pk])
    # Session, user, unit, the user's scope, the subtree's units, the members.
    with django_assert_num_queries(6):
        response = office.get(url, {"category": MemberCategory.IN_SERVICE})
    _sheet, rows = sheet_rows(response)
    assert len(rows) == 1 + members + 4

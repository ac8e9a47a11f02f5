"""党员名册 import from the templates offices really use (issue 12): headers with notes, headers
of two rows, and files that lack columns, which import only when the user says so."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.units.test_roster import confirm, messages_of, preview, snapshot, upload
from units.models import Member, MemberCategory
from units.roster_format import XLSX_CONTENT_TYPE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(district, login):
    return login(district.users["office"])


def workbook_file(rows, merged=()):
    """An .xlsx of `rows` (None for an empty cell) with the cell ranges `merged` merged."""
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("名册.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


# 区二中党支部's new members: one in service, one retired. Their cells in the order of
# ONE_ROW_HEADER, which the two-row layouts below keep.
QIAN_WEI = ["钱伟", "区二中党支部", "男", "1970-02-03", "1995-07-01", "副校长", "13900000011"]
QIAN_WEI += ["在岗", "是", "否", "否", "是"]
ZHOU_LAN = ["周兰", "区二中党支部", "女", "1941-05-06", "1966-03-01", "退休教师", "13900000012"]
ZHOU_LAN += ["离退休", "否", "否", "是", "否"]


def assert_both_imported_whole():
    qian = Member.objects.get(name="钱伟")
    assert (qian.birth_date, qian.joined_on, qian.position, qian.phone, qian.category) == (
        datetime.date(1970, 2, 3),
        datetime.date(1995, 7, 1),
        "副校长",
        "13900000011",
        MemberCategory.IN_SERVICE,
    )
    assert (qian.is_leading_cadre, qian.can_write) == (True, True)
    zhou = Member.objects.get(name="周兰")
    assert (zhou.joined_on, zhou.position, zhou.phone, zhou.category) == (
        datetime.date(1966, 3, 1),
        "退休教师",
        "13900000012",
        MemberCategory.RETIRED,
    )
    assert (zhou.is_infirm, zhou.can_write) == (True, False)


ONE_ROW_HEADER = [
    "姓　名",
    "所在党支部",
    "性别",
    "出生日期(年月日)",
    "入党时间\n（年月日）",
    "现任职务【全称】",
    "联系电话（手机）",
    "人员类别:在岗/离退休/农村/社区",
    "党员领导干部\n是/否",
    "流动党员*",
    "年老体弱 (是/否)",
    "有书写能力",
]


def test_headers_with_notes_in_brackets_import_their_columns(district, office):
    file = workbook_file([["城南区党员名册"], ONE_ROW_HEADER, QIAN_WEI, ZHOU_LAN])
    roster_import = upload(office, district.root, file)
    response = preview(office, roster_import)
    plan = response.context["plan"]
    assert plan.errors == []
    assert (plan.missing_columns, plan.ignored_headers) == ([], [])
    assert "roster-missing-columns" not in response.content.decode()

    response = confirm(office, roster_import)
    assert messages_of(response) == ["已导入:新增 2 人,更新 0 人"]
    assert_both_imported_whole()


# 姓名 and the columns beside it merged down two rows; group titles over the dates, the
# flags and two columns of study figures that aren't imported.
NAME_MERGED_DOWN = [
    ["序号", "姓名", "所在党组织", "基本情况", None, None, "职务", "联系电话", "人员类别"]
    + ["党员标记", None, None, None, "学习情况", None],
    [None, None, None, "性别", "出生日期", "入党时间\n（年月日）", None, None, None]
    + ["党员领导干部", "流动党员", "年老体弱", "有书写能力", "学时", "心得篇数"],
]
NAME_MERGED_DOWN_CELLS = ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:G2", "H1:H2", "I1:I2"]
NAME_MERGED_DOWN_CELLS += ["J1:M1", "N1:O1"]
# Under a title, 姓名 in the second row below "基本情况"; 职务, 联系电话 and 人员类别 merged
# down from the first.
NAME_BELOW_A_GROUP = [
    ["区二中党支部党员名册"],
    ["序号", "基本情况", None, None, None, None, "职务", "联系电话", "人员类别"]
    + ["党员标记", None, None, None, "学习情况", None],
    [None, "姓名", "所在党组织", "性别", "出生日期(年月日)", "入党时间", None, None, None]
    + ["党员领导干部", "流动党员", "年老体弱", "有书写能力", "学时", "心得篇数"],
]
NAME_BELOW_A_GROUP_CELLS = ["A1:O1", "A2:A3", "B2:F2", "G2:G3", "H2:H3", "I2:I3", "J2:M2"]
NAME_BELOW_A_GROUP_CELLS += ["N2:O2"]


@pytest.mark.parametrize(
    ("header", "merged"),
    [(NAME_MERGED_DOWN, NAME_MERGED_DOWN_CELLS), (NAME_BELOW_A_GROUP, NAME_BELOW_A_GROUP_CELLS)],
    ids=["name merged down", "name below a group title"],
)
def test_a_two_row_header_imports_every_column(district, office, header, merged):
    rows = [*header, [1, *QIAN_WEI, 40, 2], [2, *ZHOU_LAN, 32, 1]]
    roster_import = upload(office, district.root, workbook_file(rows, merged))
    plan = preview(office, roster_import).context["plan"]
    assert plan.errors == []
    assert plan.missing_columns == []
    assert plan.ignored_headers == ["序号", "学时", "心得篇数"]

    confirm(office, roster_import)
    assert_both_imported_whole()


def test_a_row_of_data_below_the_header_is_not_taken_for_its_second_row(district, office):
    # No name, but a value under 性别: a member's row with an error, not a header.
    rows = [["姓名", "所在党组织", "性别", "备注"], [None, "区二中党支部", "男", "新转入"]]
    roster_import = upload(office, district.root, workbook_file(rows))
    errors = [str(error) for error in preview(office, roster_import).context["plan"].errors]
    assert errors == ["第2行 姓名:不能为空"]


WITHOUT_CATEGORY = [
    "姓名",
    "所在党组织",
    "性别",
    "出生日期",
    "入党日期",
    "职务",
    "联系电话",
    "党员领导干部",
    "流动党员",
    "年老体弱",
    "有书写能力",
]


def without_category(values):
    return values[:7] + values[8:]


def test_a_file_without_a_column_imports_only_when_the_user_ticks_the_box(district, office):
    rows = [WITHOUT_CATEGORY, without_category(QIAN_WEI), without_category(ZHOU_LAN)]
    roster_import = upload(office, district.root, workbook_file(rows))
    page = preview(office, roster_import).content.decode()
    assert "文件中没有以下 1 列" in page
    assert "<strong>人员类别</strong>:新增的党员一律记为“在岗”" in page
    assert "导入时不含这些列" in page
    before = snapshot()

    response = confirm(office, roster_import)
    assert response.status_code == 200
    assert messages_of(response) == [
        "文件中缺少这些列:人员类别。没有导入任何数据。"
        "如确认不含这些列导入,请勾选“导入时不含这些列”后再确认;否则请补上这些列后重新上传。"
    ]
    assert "roster-missing-columns" in response.content.decode()
    assert snapshot() == before
    roster_import.refresh_from_db()
    assert roster_import.applied_at is None

    response = confirm(office, roster_import, without_columns="on")
    assert response.url == reverse("units:members", args=[district.root.pk])
    assert set(Member.objects.filter(name__in=["钱伟", "周兰"]).values_list("category")) == {
        (MemberCategory.IN_SERVICE,)
    }
    roster_import.refresh_from_db()
    assert roster_import.applied_at is not None


def test_the_warning_says_what_each_missing_column_leaves_new_members(district, office):
    rows = [["姓名", "所在党组织"], ["钱伟", "区二中党支部"]]
    roster_import = upload(office, district.root, workbook_file(rows))
    notes = dict(preview(office, roster_import).context["plan"].missing_column_notes())
    assert notes == {
        "性别": "新增的党员留空",
        "出生日期": "新增的党员留空",
        "入党日期": "新增的党员留空",
        "职务": "新增的党员留空",
        "联系电话": "新增的党员留空",
        "人员类别": "新增的党员一律记为“在岗”",
        "党员领导干部": "新增的党员一律记为“否”",
        "流动党员": "新增的党员一律记为“否”",
        "年老体弱": "新增的党员一律记为“否”",
        "有书写能力": "新增的党员一律记为“是”",
    }

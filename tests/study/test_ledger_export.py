"""The branch's 学习台账 in Excel: what a ledger keeper would print and file."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign.models import Reading
from study.models import AttendanceStatus, Grade, MakeUp, MakeUpMethod, WritingKind
from study.services.absences import makeup_complete, self_study_log
from study.services.sessions import roster_save
from study.services.writings import writing_log_paper, writing_review
from tests.factories import MemberFactory, make_session
from units.models import Member

PRESENT = AttendanceStatus.PRESENT


@pytest.fixture
def kept(live_district):
    """Three sessions of 区一中: 张建国 at all, 李秀英 taught at home at the first, 王强
    absent from the first (made up later), on leave at the second, absent at the third."""
    d = live_district
    secretary = d.users["secretary1"]
    secretary.last_name, secretary.first_name = "李", "书记"
    secretary.save()
    members = {m.name: m for m in Member.objects.filter(unit=d.school1)}
    zhang, li, wang = members["张建国"], members["李秀英"], members["王强"]
    now = timezone.now()
    statuses = [
        [(zhang, PRESENT), (li, AttendanceStatus.HOME_DELIVERY), (wang, AttendanceStatus.ABSENT)],
        [(zhang, AttendanceStatus.LATE), (wang, AttendanceStatus.LEAVE)],
        [(zhang, PRESENT), (wang, AttendanceStatus.ABSENT)],
    ]
    for index, entries in enumerate(statuses):
        session = make_session(
            d.school1,
            secretary,
            starts_at=now - datetime.timedelta(days=3 - index),
            hours="12" if index == 0 else "3",
            title=f"第{index + 1}次学习",
        )
        roster_save(
            session=session,
            entries=[(member.pk, status) for member, status in entries],
            user=secretary,
        )
    first_makeup = MakeUp.objects.filter(member=wang).order_by("attendance__session__starts_at")[0]
    makeup_complete(
        makeup=first_makeup,
        done_on=timezone.localdate(),
        method=MakeUpMethod.RECORDING,
        user=secretary,
    )
    self_study_log(
        member=zhang,
        studied_on=timezone.localdate(),
        hours=Decimal("8"),
        material="通读《保持共产党员先进性教育读本》",
        user=secretary,
        readings=[Reading.objects.get(batch=d.batch, number=2)],
    )
    essay = writing_log_paper(
        member=zhang,
        kind=WritingKind.ESSAY,
        title="做合格的人民教师",
        characters=3200,
        user=secretary,
    )
    writing_review(writing=essay, reviewer=secretary, comment="联系实际,较好。", grade=Grade.GOOD)
    d.zhang, d.li, d.wang = zhang, li, wang
    return d


def _workbook(client, unit):
    response = client.get(reverse("study:ledger_export", args=[unit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet, first=4):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


def test_export_has_the_four_sheets_and_the_title(kept, login):
    workbook = _workbook(login(kept.users["secretary1"]), kept.school1)
    assert workbook.sheetnames == ["学习情况", "补课登记", "自学登记", "笔记心得"]
    assert workbook["学习情况"]["A1"].value == "区一中党支部 先进性教育活动学习台账"
    assert "A1:I1" in {str(r) for r in workbook["学习情况"].merged_cells.ranges}


def test_attendance_sheet_has_a_row_per_member_and_a_column_per_session(kept, login):
    sheet = _workbook(login(kept.users["secretary1"]), kept.school1)["学习情况"]
    header = [cell.value for cell in sheet[3]]
    assert header[:2] == ["序号", "姓名"]
    assert header[-4:] == ["集中学习学时", "自学学时", "总学时", "达标"]
    first_day = timezone.localdate() - datetime.timedelta(days=3)
    assert header[2] == f"{first_day.month}月{first_day.day}日\n集中学习\n12学时"
    rows = {row[1]: row[2:] for row in _rows(sheet) if row[1] and row[0]}
    assert rows["张建国"] == ["出", "迟", "出", 18, 8, 26, "否"]
    assert rows["李秀英"] == ["送", None, None, 12, 0, 12, "否"]
    assert rows["王强"] == ["缺(补)", "假", "缺", 12, 0, 12, "否"]
    present = next(row for row in _rows(sheet) if row[1] == "到课人数")
    assert present[2:5] == [2, 1, 1]


def test_a_member_who_has_done_nothing_has_an_empty_row(kept, login):
    MemberFactory(unit=kept.school1, name="周新")
    sheet = _workbook(login(kept.users["secretary1"]), kept.school1)["学习情况"]
    rows = {row[1]: row[2:] for row in _rows(sheet) if row[0]}
    assert rows["周新"] == [None, None, None, 0, 0, 0, "否"]


def test_complete_member_is_marked_yes(kept, login):
    secretary = kept.users["secretary1"]
    for hours in ["12", "12"]:
        session = make_session(kept.school1, secretary, hours=hours)
        roster_save(session=session, entries=[(kept.zhang.pk, PRESENT)], user=secretary)
    sheet = _workbook(login(secretary), kept.school1)["学习情况"]
    rows = {row[1]: row[2:] for row in _rows(sheet) if row[0]}
    assert rows["张建国"][-4:] == [42, 8, 50, "是"]


def test_makeup_self_study_and_writing_sheets(kept, login):
    workbook = _workbook(login(kept.users["secretary1"]), kept.school1)
    makeups = [row for row in _rows(workbook["补课登记"]) if row[0]]
    assert len(makeups) == 3
    done = [row for row in makeups if row[-1] == "已补"]
    assert len(done) == 1
    assert done[0][1] == "王强" and done[0][5] == "观看录像" and done[0][7] == "李书记"
    assert done[0][4].date() == timezone.localdate()
    assert sorted(row[-1] for row in makeups) == ["已补", "待补", "待补"]

    self_study = [row for row in _rows(workbook["自学登记"]) if row[0]]
    assert self_study == [
        [
            1,
            "张建国",
            self_study[0][2],
            "通读《保持共产党员先进性教育读本》",
            "《保持共产党员先进性教育读本》",
            8,
            "李书记",
        ]
    ]

    writings = [row for row in _rows(workbook["笔记心得"]) if row[0]]
    assert len(writings) == 1
    number, name, kind, title, characters, form, _submitted, reviewer, grade, _on = writings[0]
    assert (name, kind, title, characters, form) == (
        "张建国",
        "心得体会",
        "做合格的人民教师",
        3200,
        "纸质稿",
    )
    assert (reviewer, grade) == ("李书记", "良好")


def test_sheets_are_set_up_for_printing(kept, login):
    workbook = _workbook(login(kept.users["secretary1"]), kept.school1)
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4) == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.fitToWidth) == 1
        assert sheet.print_title_rows == "$3:$3"
        assert sheet["A4"].border.left.style == "thin"
        assert sheet.column_dimensions["B"].width == 10


def test_export_query_count_is_fixed(kept, login):
    client = login(kept.users["secretary1"])
    url = reverse("study:ledger_export", args=[kept.school1.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            b"".join(response.streaming_content)
        return len(queries)

    before = count()
    secretary = kept.users["secretary1"]
    extra = [MemberFactory(unit=kept.school1) for _ in range(5)]
    for _ in range(3):
        session = make_session(kept.school1, secretary)
        roster_save(
            session=session,
            entries=[(m.pk, AttendanceStatus.ABSENT) for m in extra],
            user=secretary,
        )
    for member in extra:
        writing_log_paper(
            member=member, kind=WritingKind.NOTE, title="笔记", characters=500, user=secretary
        )
        self_study_log(
            member=member,
            studied_on=timezone.localdate(),
            hours=Decimal("2"),
            material="自学",
            user=secretary,
            readings=list(Reading.objects.all()[:2]),
        )
    assert count() == before


def test_export_is_named_after_the_branch(kept, login):
    response = login(kept.users["secretary1"]).get(
        reverse("study:ledger_export", args=[kept.school1.pk])
    )
    assert "区一中党支部学习台账" in response["Content-Disposition"] or (
        "%E5%8C%BA%E4%B8%80%E4%B8%AD" in response["Content-Disposition"]
    )


def test_title_typed_as_a_formula_stays_text(kept, login):
    writing_log_paper(
        member=kept.li,
        kind=WritingKind.NOTE,
        title='=HYPERLINK("http://x")',
        characters=100,
        user=kept.users["secretary1"],
    )
    sheet = _workbook(login(kept.users["secretary1"]), kept.school1)["笔记心得"]
    titles = [row[3] for row in _rows(sheet) if row[0]]
    assert '=HYPERLINK("http://x")' in titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_dates_read_as_every_page_writes_them(kept, login):
    """A date cell stays a date Excel can sort, shown 2026年1月5日 as pages show it, not
    openpyxl's 2026-01-05."""
    workbook = _workbook(login(kept.users["secretary1"]), kept.school1)
    chinese = 'yyyy"年"m"月"d"日"'
    [done] = [row for row in workbook["补课登记"].iter_rows(min_row=4) if row[8].value == "已补"]
    assert done[4].is_date and done[4].number_format == chinese
    [studied] = [row for row in workbook["自学登记"].iter_rows(min_row=4) if row[0].value]
    assert studied[2].is_date and studied[2].number_format == chinese
    [written] = [row for row in workbook["笔记心得"].iter_rows(min_row=4) if row[0].value]
    assert written[6].number_format == written[9].number_format == chinese
    today = timezone.localdate()
    made_on = f"制表日期:{today.year}年{today.month}月{today.day}日"
    assert made_on in workbook["补课登记"]["A2"].value

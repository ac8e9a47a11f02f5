"""The branch's 学习台账 as an Excel workbook laid out for printing.

"指定专人做好教育活动台帐和学习记录": what the ledger keeper would otherwise copy by hand
into the ruled book — one line per member, one column per session, the make-ups, the
self-study and the notes — in the layout a supervision group expects to leaf through.
Every sheet comes from one `values_list` query (eight in all), whatever the size of the
branch.
"""

import datetime
import io
from collections.abc import Collection, Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from common.dates import EXCEL_DAY, day_text
from common.text import excel_value
from study.models import (
    CREDITED_STATUSES,
    MAKEUP_STATUSES,
    Attendance,
    AttendanceStatus,
    Grade,
    MakeUp,
    MakeUpMethod,
    Review,
    SelfStudy,
    SessionKind,
    StudySession,
    Writing,
    WritingKind,
)
from units.models import Member, Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The marks a ledger keeper writes in the roster squares.
STATUS_MARKS = {
    AttendanceStatus.PRESENT: "出",
    AttendanceStatus.LATE: "迟",
    AttendanceStatus.LEAVE: "假",
    AttendanceStatus.ABSENT: "缺",
    AttendanceStatus.HOME_DELIVERY: "送",
}
MADE_UP_MARK = "(补)"
HOURS_FORMAT = "0.0"

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
NOTE_FONT = Font(name="宋体", size=9)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1

# (pk, starts_at, kind, hours, title) of a session; (pk, name, concentrated hours, self-study
# hours, total hours, is complete) of a member, the last four None without a progress row.
SessionRow = tuple[int, datetime.datetime, str, Decimal, str]
MemberRow = tuple[int, str, Decimal | None, Decimal | None, Decimal | None, bool | None]


def _person(last_name: str | None, first_name: str | None, username: str | None) -> str:
    """A user's name the Chinese way (as the `person` template filter shows it)."""
    return f"{last_name or ''}{first_name or ''}".strip() or (username or "")


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


class _Sheet:
    """One printed table: a title over the sheet's width, a header row repeated on every
    page, ruled cells, landscape A4 fitted to the page's width."""

    def __init__(
        self, sheet: Worksheet, *, title: str, subtitle: str, columns: list[tuple[str, int]]
    ) -> None:
        self.sheet = sheet
        self.row = FIRST_DATA_ROW
        self.width = len(columns)
        last = get_column_letter(self.width)
        sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
        sheet.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
        self._put(TITLE_ROW, 1, title, font=TITLE_FONT, alignment=CENTER, border=None)
        self._put(SUBTITLE_ROW, 1, subtitle, font=NOTE_FONT, alignment=LEFT, border=None)
        sheet.row_dimensions[TITLE_ROW].height = 30
        for index, (header, width) in enumerate(columns, start=1):
            cell = self._put(HEADER_ROW, index, header, font=HEADER_FONT, alignment=CENTER)
            cell.fill = HEADER_FILL
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.oddFooter.center.text = _("第 &P 页,共 &N 页")

    def _put(
        self,
        row: int,
        column: int,
        value: object,
        *,
        font: Font = BODY_FONT,
        alignment: Alignment = CENTER,
        border: Border | None = BORDER,
    ) -> Cell:
        value = excel_value(value)
        cell = self.sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str) and value.startswith("="):
            # A title typed as "=…" must stay text, not become a formula.
            cell.data_type = "s"
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        return cell

    def append(
        self,
        values: Sequence[object],
        *,
        formats: dict[int, str] | None = None,
        left: Collection[int] = (),
    ) -> None:
        formats = formats or {}
        for column, value in enumerate(values, start=1):
            cell = self._put(self.row, column, value, alignment=LEFT if column in left else CENTER)
            if column in formats:
                cell.number_format = formats[column]
        self.row += 1

    def note(self, text: str) -> None:
        """A line of explanation under the table, over its whole width."""
        row = self.row + 1
        self.sheet.merge_cells(f"A{row}:{get_column_letter(self.width)}{row}")
        self._put(row, 1, text, font=NOTE_FONT, alignment=LEFT, border=None)
        self.sheet.row_dimensions[row].height = 30
        self.row = row + 1


def _labels(choices: list[tuple[str, str | Promise]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def ledger_workbook(*, unit: Unit, today: datetime.date | None = None) -> bytes:
    """The .xlsx bytes of `unit`'s 学习台账 (a branch, or a 党总支 for its own members)."""
    today = today or timezone.localdate()
    sessions = list(
        StudySession.objects.filter(unit=unit)
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at", "kind", "hours", "title")
    )
    members = list(
        Member.objects.filter(unit=unit)
        .order_by("name", "pk")
        .values_list(
            "pk",
            "name",
            "progress__concentrated_hours",
            "progress__self_study_hours",
            "progress__total_hours",
            "progress__is_complete",
        )
    )
    marks = {}
    for member_id, session_id, status, made_up_on in Attendance.objects.filter(
        session__unit=unit, member__unit=unit
    ).values_list("member_id", "session_id", "status", "makeup__done_on"):
        mark = STATUS_MARKS[status]
        if status in MAKEUP_STATUSES and made_up_on is not None:
            mark += MADE_UP_MARK
        marks[member_id, session_id] = (mark, status in CREDITED_STATUSES)

    workbook = Workbook()
    title_date = _("制表日期:%(date)s") % {"date": day_text(today)}
    _attendance_sheet(workbook.active, unit, sessions, members, marks, title_date)
    _makeup_sheet(workbook.create_sheet(), unit, title_date)
    _self_study_sheet(workbook.create_sheet(), unit, title_date)
    _writing_sheet(workbook.create_sheet(), unit, title_date)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_title(unit: Unit) -> str:
    return _("%(unit)s 先进性教育活动学习台账") % {"unit": unit.name}


def _attendance_sheet(
    sheet: Worksheet,
    unit: Unit,
    sessions: list[SessionRow],
    members: list[MemberRow],
    marks: dict[tuple[int, int], tuple[str, bool]],
    title_date: str,
) -> None:
    sheet.title = _("学习情况")
    kinds = _labels(SessionKind.choices)
    columns = [(_("序号"), 5), (_("姓名"), 10)]
    for _pk, starts_at, kind, hours, _title in sessions:
        day = timezone.localdate(starts_at)
        hours = f"{hours.normalize():f}"
        columns.append((f"{day.month}月{day.day}日\n{kinds[kind]}\n{hours}学时", 9))
    columns += [
        (_("集中学习学时"), 9),
        (_("自学学时"), 8),
        (_("总学时"), 8),
        (_("达标"), 6),
    ]
    table = _Sheet(
        sheet,
        title=ledger_title(unit),
        subtitle=_("党员%(members)s名,集中学习%(sessions)s次。%(date)s")
        % {"members": len(members), "sessions": len(sessions), "date": title_date},
        columns=columns,
    )
    sheet.row_dimensions[HEADER_ROW].height = 45
    first_total = 3 + len(sessions)
    hours_formats = {first_total + i: HOURS_FORMAT for i in range(3)}
    for number, (pk, name, concentrated, self_study, total, complete) in enumerate(
        members, start=1
    ):
        row = [number, name]
        row += [marks.get((pk, session[0]), ("", False))[0] for session in sessions]
        row += [concentrated or 0, self_study or 0, total or 0, _("是") if complete else _("否")]
        table.append(row, formats=hours_formats)
    present = dict.fromkeys((session[0] for session in sessions), 0)
    for (_member, session_id), (_mark, credited) in marks.items():
        present[session_id] += credited
    table.append([None, _("到课人数"), *present.values(), None, None, None, None])
    table.note(
        _(
            "出=出席 迟=迟到 假=请假 缺=缺席 送=送课上门 (补)=已补课;空白为未登记。"
            "达标:总学时不少于40学时,且集中学习占三分之二以上。"
        )
    )


def _makeup_sheet(sheet: Worksheet, unit: Unit, title_date: str) -> None:
    sheet.title = _("补课登记")
    methods = _labels(MakeUpMethod.choices)
    rows = (
        MakeUp.objects.filter(member__unit=unit)
        .order_by("member__name", "member_id", "pk")
        .values_list(
            "member__name",
            "reason",
            "hours",
            "done_on",
            "method",
            "note",
            "recorded_by__last_name",
            "recorded_by__first_name",
            "recorded_by__username",
        )
    )
    table = _Sheet(
        sheet,
        title=_("%(unit)s 补课登记") % {"unit": unit.name},
        subtitle=title_date,
        columns=[
            (_("序号"), 5),
            (_("姓名"), 10),
            (_("所缺学习"), 40),
            (_("应补学时"), 9),
            (_("补课日期"), 15),
            (_("补课方式"), 10),
            (_("说明"), 24),
            (_("登记人"), 10),
            (_("状态"), 8),
        ],
    )
    for number, (name, reason, hours, done_on, method, note, *recorder) in enumerate(rows, start=1):
        table.append(
            [
                number,
                name,
                reason,
                hours,
                done_on,
                methods.get(method, ""),
                note,
                _person(*recorder) if done_on else "",
                _("已补") if done_on else _("待补"),
            ],
            formats={4: HOURS_FORMAT, 5: EXCEL_DAY},
            left={3, 7},
        )


def _self_study_sheet(sheet: Worksheet, unit: Unit, title_date: str) -> None:
    sheet.title = _("自学登记")
    readings = {}
    for entry_id, title in SelfStudy.readings.through.objects.filter(
        selfstudy__member__unit=unit
    ).values_list("selfstudy_id", "reading__title"):
        readings.setdefault(entry_id, []).append(title)
    rows = (
        SelfStudy.objects.filter(member__unit=unit)
        .order_by("member__name", "member_id", "studied_on", "pk")
        .values_list(
            "pk",
            "member__name",
            "studied_on",
            "material",
            "hours",
            "recorded_by__last_name",
            "recorded_by__first_name",
            "recorded_by__username",
        )
    )
    table = _Sheet(
        sheet,
        title=_("%(unit)s 自学登记") % {"unit": unit.name},
        subtitle=title_date,
        columns=[
            (_("序号"), 5),
            (_("姓名"), 10),
            (_("日期"), 15),
            (_("学习内容"), 36),
            (_("涉及必读科目"), 30),
            (_("学时"), 7),
            (_("登记人"), 10),
        ],
    )
    for number, (pk, name, studied_on, material, hours, *recorder) in enumerate(rows, start=1):
        table.append(
            [number, name, studied_on, material, "、".join(readings.get(pk, [])), hours]
            + [_person(*recorder)],
            formats={3: EXCEL_DAY, 6: HOURS_FORMAT},
            left={4, 5},
        )


def _writing_sheet(sheet: Worksheet, unit: Unit, title_date: str) -> None:
    sheet.title = _("笔记心得")
    kinds = _labels(WritingKind.choices)
    grades = _labels(Grade.choices)
    # The latest review of each writing: ordered oldest first, the last one wins.
    reviews = {
        writing_id: (_person(*reviewer), grade, reviewed_on)
        for writing_id, *reviewer, grade, reviewed_on in Review.objects.filter(
            writing__member__unit=unit
        )
        .order_by("reviewed_on", "pk")
        .values_list(
            "writing_id",
            "reviewer__last_name",
            "reviewer__first_name",
            "reviewer__username",
            "grade",
            "reviewed_on",
        )
    }
    rows = (
        Writing.objects.filter(member__unit=unit)
        .order_by("member__name", "member_id", "submitted_at", "pk")
        .values_list(
            "pk", "member__name", "kind", "title", "characters", "is_paper", "submitted_at"
        )
    )
    table = _Sheet(
        sheet,
        title=_("%(unit)s 学习笔记和心得体会") % {"unit": unit.name},
        subtitle=title_date,
        columns=[
            (_("序号"), 5),
            (_("姓名"), 10),
            (_("类别"), 10),
            (_("题目"), 36),
            (_("字数"), 8),
            (_("形式"), 8),
            (_("提交日期"), 15),
            (_("批改人"), 10),
            (_("等次"), 8),
            (_("批改日期"), 15),
        ],
    )
    for number, (pk, name, kind, title, characters, is_paper, submitted_at) in enumerate(
        rows, start=1
    ):
        reviewer, grade, reviewed_on = reviews.get(pk, ("", None, None))
        table.append(
            [
                number,
                name,
                kinds[kind],
                title,
                characters,
                _("纸质稿") if is_paper else _("网上提交"),
                _local_date(submitted_at),
                reviewer,
                grades.get(grade, _("未批改")),
                reviewed_on,
            ],
            formats={7: EXCEL_DAY, 10: EXCEL_DAY},
            left={4},
        )

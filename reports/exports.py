"""A dashboard's tables as Excel workbooks, the format the offices pass around.

One sheet per table: a title row, the Chinese headers, then numbers as numbers — counts as
integers, hours as decimals, rates as fractions shown with a % format — so that the office
can sum and sort them in Excel. The figures are the ones the page shows (the views read
them through reports.selectors.dashboard); nothing here touches the database.
"""

import datetime
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.dates import day_text
from common.text import excel_value, sheet_title
from reports.selectors.dashboard import COLUMNS, DONE, NOT_STARTED, Area, Headline, UnitRow
from study.selectors.progress import Figures
from units.models import Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# table key → what the file and sheet are called.
TABLES = {
    "units": gettext_lazy("各单位进度"),
    "lagging": gettext_lazy("进度滞后单位"),
    "headline": gettext_lazy("主要数据"),
}

NUMBER_FORMATS = {
    "count": "0",
    "hours": "0.0",
    "percent": "0.0%",
    "funds": "0.00",
    "text": "@",
}
TITLE_ROW, HEADER_ROW = 1, 2
TITLE_FONT = Font(name="宋体", size=14, bold=True)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)

# A sheet's row: (value, kind) for each cell, kind a key of NUMBER_FORMATS.
Row = list[tuple[object, str]]


def _cell_value(value: object, kind: str) -> object:
    """Rates are kept in percent (33.3); Excel's % format wants the fraction (0.333)."""
    if value is None:
        return None
    if kind == "percent":
        return value / 100
    return excel_value(value)


def _sheet(title: str, subtitle: str, headers: Sequence[object], rows: Iterable[Row]) -> bytes:
    """A workbook of one sheet: the title, the headers, then `rows` of (value, kind)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.cell(TITLE_ROW, 1, excel_value(f"{title}({subtitle})")).font = TITLE_FONT
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, column, excel_value(str(header)))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(column)].width = 12
    sheet.column_dimensions["A"].width = 28
    for row_number, row in enumerate(rows, start=HEADER_ROW + 1):
        for column, (value, kind) in enumerate(row, start=1):
            cell = sheet.cell(row_number, column, _cell_value(value, kind))
            if kind == "text" and str(cell.value).startswith("="):
                # openpyxl writes "=…" as a formula; a unit's name must stay text.
                cell.data_type = "s"
            cell.number_format = NUMBER_FORMATS[kind]
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _units_rows(rows: Iterable[UnitRow], direct: Figures | None) -> list[Row]:
    rows = list(rows)
    if direct is not None:
        # A 党总支's own members, beside its branches (last, as on the page). Problems
        # are filed by unit, not by member: its rectification cells stay empty.
        own = Unit(name=_("本党总支直属党员"))
        rows.append(
            UnitRow(unit=own, figures=direct, rectification_open=None, rectification_overdue=None)
        )
    return [[(column.value(row), column.kind) for column in COLUMNS] for row in rows]


def _lagging_rows(lagging: Iterable[tuple[int, str, Figures]]) -> list[Row]:
    return [
        [
            (number, "count"),
            (name, "text"),
            (figures.members, "count"),
            (figures.complete, "count"),
            (figures.completion_rate, "percent"),
            (figures.average_hours, "hours"),
            (figures.makeups_owed, "count"),
            (figures.no_participation, "count"),
        ]
        for number, (_pk, name, figures) in enumerate(lagging, start=1)
    ]


LAGGING_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("党组织"),
    gettext_lazy("党员"),
    gettext_lazy("达标人数"),
    gettext_lazy("40学时达标率"),
    gettext_lazy("人均学时"),
    gettext_lazy("缺课未补"),
    gettext_lazy("未参学党员"),
]


def _headline_rows(headline: Headline) -> list[Row]:
    f, practice = headline.figures, headline.practice
    rows = [
        (_("党员(人)"), f.members, "count"),
        (_("40学时达标(人)"), f.complete, "count"),
        (_("40学时达标率"), f.completion_rate, "percent"),
        (_("集中学习占全部学时"), f.concentrated_share, "percent"),
        (_("缺课未补(次)"), f.makeups_owed, "count"),
        (_("未参学党员(人)"), f.no_participation, "count"),
        (_("必读科目未学(篇,逐支部累计)"), f.readings_uncovered, "count"),
        (_("心得体会(篇)"), f.essays, "count"),
        (_("其中3000字以上(篇)"), f.long_essays, "count"),
    ]
    for stage in headline.stages:
        if stage.key == DONE:
            label = _("已完成教育活动的党支部(个)")
        elif stage.key == NOT_STARTED:
            label = _("未开始的党支部(个)")
        else:
            label = _("处于%(stage)s阶段的党支部(个)") % {"stage": stage.label}
        rows.append((label, stage.count, "count"))
    rows += [
        (_("转段申请待审批(份)"), headline.waiting, "count"),
        (_("待审批申请最长已等待(天)"), headline.oldest_wait_days, "count"),
        (_("整改未完成问题(个)"), headline.rectification_open, "count"),
        (_("其中已超过整改时限(个)"), headline.rectification_overdue, "count"),
        (_("帮扶和走访慰问困难群众(户)"), practice.households, "count"),
        (_("投入资金(万元)"), practice.funds, "funds"),
        (_("干群连心活动(人次)"), practice.person_times, "count"),
        (_("为民办实事(件次)"), practice.deeds, "count"),
    ]
    return [[(label, "text"), (value, kind)] for label, value, kind in rows]


def dashboard_workbook(
    *,
    table: str,
    area: Area,
    today: datetime.date,
    rows: list[UnitRow] | None = None,
    direct: Figures | None = None,
    lagging: list[tuple[int, str, Figures]] | None = None,
    headline: Headline | None = None,
) -> bytes:
    """The .xlsx bytes of one table of `area`'s dashboard."""
    title = f"{area.name}{TABLES[table]}"
    subtitle = _("截至%(date)s") % {"date": day_text(today)}
    if table == "units":
        headers = [column.label for column in COLUMNS]
        return _sheet(title, subtitle, headers, _units_rows(rows, direct))
    if table == "lagging":
        return _sheet(title, subtitle, LAGGING_HEADERS, _lagging_rows(lagging))
    return _sheet(title, subtitle, [_("指标"), _("数值")], _headline_rows(headline))

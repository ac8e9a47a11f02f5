"""Exporting a 党员名册 (roster) to Excel, and the empty template the import is filled from.

Both are written in the import's columns (units.roster_format), so an exported roster
imports back unchanged. An export is 2 queries however many members: the subtree's
units, and the members streamed as tuples.
"""

import datetime
import io
from collections.abc import Callable, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from common.text import excel_value
from units.models import BRANCH_KINDS, Gender, Member, MemberCategory, Unit
from units.roster_format import COLUMNS, DATA_COLUMNS, DATA_FIELDS, UnitIndex

# Excel's "文本" number format.
TEXT_FORMAT = "@"
# The cells of one exported row: (name, unit label, the data columns' values) → cells.
RowWriter = Callable[[str, str, Sequence[object]], list[object]]


def _header_cells(sheet: WriteOnlyWorksheet) -> list[Cell]:
    font = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2DCDB")
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = font
        cell.fill = fill
        cells.append(cell)
    return cells


def _text_value(sheet: WriteOnlyWorksheet, text: str) -> str | Cell | None:
    if not text:
        return None
    text = excel_value(text)
    if text.startswith("="):
        # openpyxl writes "=…" as a formula; a name or phone number must stay text.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _id_number_value(sheet: WriteOnlyWorksheet, id_number: str) -> Cell | None:
    """A 身份证号 as a text cell: typed into a General cell, Excel would keep only its first
    15 digits. A blank one is left out, so that the column's text format applies."""
    if not id_number:
        return None
    cell = WriteOnlyCell(sheet, value=id_number)
    cell.number_format = TEXT_FORMAT
    return cell


def _row_writer(sheet: WriteOnlyWorksheet) -> RowWriter:
    """A function giving the cells of one exported row, as plain values where possible:
    openpyxl streams those fastest, and writes a date as a yyyy-mm-dd date by itself."""
    labels = {
        "flag": {True: _("是"), False: _("否")},
        "gender": {choice: str(label) for choice, label in Gender.choices},
        "category": {choice: str(label) for choice, label in MemberCategory.choices},
    }
    kinds = [column.kind for column in DATA_COLUMNS]

    def cells(name: str, unit_label: str, data: Sequence[object]) -> list[object]:
        row = [_text_value(sheet, name), _text_value(sheet, unit_label)]
        for kind, value in zip(kinds, data, strict=True):
            if kind in labels:
                row.append(labels[kind].get(value))
            elif kind == "date":
                row.append(value)
            elif kind == "id_number":
                row.append(_id_number_value(sheet, value))
            else:
                row.append(_text_value(sheet, value))
        return row

    return cells


def _new_sheet(title: str) -> tuple[Workbook, WriteOnlyWorksheet]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.kind == "id_number":
            # ID numbers typed into the column's empty cells stay text too.
            dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet))
    return workbook, sheet


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_export(*, unit: Unit, members: QuerySet[Member]) -> bytes:
    """The .xlsx bytes of `members` (all under `unit`), in the columns the import reads.

    Rows are streamed from the database as tuples into a write-only workbook, so a
    district of 60,000 members never has its Member instances in memory.
    """
    labels = UnitIndex(unit).labels()
    workbook, sheet = _new_sheet(_("党员名册"))
    rows = members.order_by("unit__path", "name", "pk").values_list("name", "unit_id", *DATA_FIELDS)
    cells = _row_writer(sheet)
    for name, unit_id, *data in rows.iterator(chunk_size=2000):
        sheet.append(cells(name, labels[unit_id], data))
    return _save(workbook)


def roster_template(*, unit: Unit) -> bytes:
    """An empty roster with the import's headers and one example row."""
    index = UnitIndex(unit)
    branch = next(
        (pk for pk, (_name, kind, _parent) in index.units.items() if kind in BRANCH_KINDS),
        unit.pk,
    )
    workbook, sheet = _new_sheet(_("党员名册"))
    example = {
        "gender": Gender.MALE,
        # No example 身份证号: a made-up one that passes the check may be someone's.
        "id_number": "",
        "birth_date": datetime.date(1965, 3, 8),
        "joined_on": datetime.date(1988, 7, 1),
        "position": "教师",
        "phone": "13800000000",
        "category": MemberCategory.IN_SERVICE,
        "is_leading_cadre": False,
        "is_mobile": False,
        "is_infirm": False,
        "can_write": True,
    }
    data = [example[column.field] for column in DATA_COLUMNS]
    sheet.append(_row_writer(sheet)("张三", index.label(branch), data))
    return _save(workbook)

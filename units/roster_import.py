"""Importing a 党员名册 (roster) from Excel: upload → preview → confirm.

An upload is kept (RosterImport), read and validated as a whole (every error of every
row is reported) and applied in one transaction or not at all, and at most once. A file
that lacks some of the columns is applied only when the user confirmed importing without
them ("导入时不含这些列"): a missing 人员类别 would store everyone as 在岗. Both are
a fixed number of queries however many rows: validating loads the subtree's units and its
members once (2 queries, one more when a row names a unit outside the subtree and one
when the file holds 身份证号 that no member of the subtree has), and applying writes the
members with bulk_create / bulk_update.

A row is matched with a member by its 身份证号 when it has one, else by its unit and
name: two members of one name in one branch import as two when their ID numbers tell
them apart, and are refused as ambiguous when they don't.
"""

import datetime
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from units.models import (
    Gender,
    Member,
    MemberCategory,
    RosterImport,
    Unit,
    id_number_birth_date,
    id_number_birth_date_error,
    id_number_normalize,
    validate_id_number,
)
from units.roster_format import (
    COLUMNS,
    DATA_COLUMNS,
    DATA_FIELDS,
    ID_NUMBER_COLUMN,
    NAME_COLUMN,
    UNIT_COLUMN,
    Column,
    InvalidCell,
    UnitIndex,
)
from units.tallies import members_written

MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# A title such as "城南区党员名册" may sit above the header; look for it this far down.
HEADER_SEARCH_ROWS = 5

COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
# Headers other rosters commonly use for the same thing.
HEADER_ALIASES = {
    "所在支部": "所在党组织",
    "所在党支部": "所在党组织",
    "党组织": "所在党组织",
    "党支部": "所在党组织",
    "身份证": "身份证号",
    "身份证号码": "身份证号",
    "公民身份号码": "身份证号",
    "公民身份证号": "身份证号",
    "公民身份证号码": "身份证号",
    "出生年月": "出生日期",
    "出生年月日": "出生日期",
    "出生时间": "出生日期",
    "入党时间": "入党日期",
    "入党年月": "入党日期",
    "入党年月日": "入党日期",
    "现任职务": "职务",
    "电话": "联系电话",
    "电话号码": "联系电话",
    "手机": "联系电话",
    "手机号": "联系电话",
    "手机号码": "联系电话",
    "类别": "人员类别",
    "人员分类": "人员类别",
}
# A note in brackets after a header: "入党时间（年月日）", "出生日期【如1965-03-08】", even
# with the bracket left open. Full-width brackets are folded to these before.
_BRACKETED = re.compile(r"[(\[【〔<《][^)\]】〕>》]*(?:[)\]】〕>》]|$)")

_YES = {"是", "1", "Y", "YES", "TRUE", "√", "✓", "✔"}
_NO = {"否", "0", "N", "NO", "FALSE", "×", "✗", ""}
_CATEGORY_ALIASES = {"离休": MemberCategory.RETIRED, "退休": MemberCategory.RETIRED}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:(?:[-/.月]\s*(\d{1,2})\s*日?)|月)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
# "王  强": two-character names are padded with spaces to line up with three-character ones.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_WHITESPACE = re.compile(r"\s+")

# The rows of a sheet: (Excel row number, the row's cell values).
SheetRows = list[tuple[int, tuple[object, ...]]]
# A row read without errors: (Excel row number, the member's fields, whether its birth
# date gave only a year and a month).
ParsedRow = tuple[int, dict[str, object], bool]
# Members as _load_existing reads them: each a dict of "pk", "unit_id", "name" and the
# data fields.
ExistingMember = dict[str, object]


@dataclass(frozen=True)
class RosterError:
    """One reason the file can't be imported; `row` is the Excel row number."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("第%(row)s行 %(column)s:%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("第%(row)s行:%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class RosterRow:
    number: int
    member: Member
    is_new: bool
    changed: frozenset[str] = frozenset()


@dataclass
class RosterPlan:
    """What an import would do: the rows to create or update, or the errors that stop it."""

    unit: Unit
    columns: list[Column] = field(default_factory=list)
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    unit_labels: dict[int, str] = field(default_factory=dict)

    @property
    def created_count(self) -> int:
        return sum(1 for row in self.rows if row.is_new)

    @property
    def updated_count(self) -> int:
        return len(self.rows) - self.created_count

    @property
    def unchanged_count(self) -> int:
        return sum(1 for row in self.rows if not row.is_new and not row.changed)

    @property
    def missing_columns(self) -> list[Column]:
        # Not the 身份证号: most rosters have none, and a file without it changes no one's.
        return [
            column
            for column in DATA_COLUMNS
            if column not in self.columns and column is not ID_NUMBER_COLUMN
        ]

    def missing_column_notes(self) -> list[tuple[str, str]]:
        """(header, what a new member gets) of each column the file lacks."""
        notes = []
        for column in self.missing_columns:
            field = Member._meta.get_field(column.field)
            default = _display_value(column, field.get_default()) if field.has_default() else ""
            if default:
                note = _("新增的党员一律记为“%(value)s”") % {"value": default}
            else:
                note = _("新增的党员留空")
            notes.append((column.header, note))
        return notes

    def preview(self, limit: int) -> list[dict[str, object]]:
        """The first `limit` rows for display; each cell is (text, changed by the import)."""
        shown = []
        for row in self.rows[:limit]:
            cells = []
            for column in self.columns:
                value = (
                    row.member.unit_id
                    if column is UNIT_COLUMN
                    else getattr(row.member, column.field)
                )
                cells.append((self._display(column, value), column.field in row.changed))
            shown.append(
                {
                    "number": row.number,
                    "is_new": row.is_new,
                    "changed": bool(row.changed),
                    "cells": cells,
                }
            )
        return shown

    def _display(self, column: Column, value: object) -> str:
        if column.kind == "unit":
            return self.unit_labels.get(value, "")
        return _display_value(column, value)


class RosterAlreadyApplied(Exception):
    pass


class RosterInvalid(Exception):
    def __init__(self, plan: RosterPlan) -> None:
        super().__init__(str(plan.errors[0]) if plan.errors else "")
        self.plan = plan


class RosterColumnsMissing(Exception):
    """The file lacks some columns and the user didn't confirm importing without them."""

    def __init__(self, plan: RosterPlan) -> None:
        super().__init__("、".join(column.header for column in plan.missing_columns))
        self.plan = plan


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_text(column: Column, value: object) -> str:
    text = _text(value)
    if column.field == "name":
        text = _CJK_GAP.sub("", text)
    limit = Member._meta.get_field(column.field).max_length
    if len(text) > limit:
        raise InvalidCell(_("不能超过%(limit)s个字") % {"limit": limit})
    return text


def _parse_flag(column: Column, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidCell(_("应为“是”或“否”"))


def _parse_gender(column: Column, value: object) -> str:
    text = _text(value)
    if not text:
        return ""
    for choice, label in Gender.choices:
        if text == str(label):
            return choice
    raise InvalidCell(_("应为“男”或“女”"))


def _parse_category(column: Column, value: object) -> str:
    text = _text(value)
    if text in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[text]
    for choice, label in MemberCategory.choices:
        if text == str(label):
            return choice
    labels = "”“".join(str(label) for label in MemberCategory.labels)
    raise InvalidCell(_("应为“%(labels)s”之一") % {"labels": labels})


def _parse_date(column: Column, value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    # A bare number is only read as 20050120 or 200501: Excel's serial numbers would turn
    # a year typed alone (1990) into a date in 1905 without anyone noticing.
    match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise InvalidCell(_("不是有效日期"))


def _gives_year_and_month(value: object) -> bool:
    """Whether a date cell gives only a year and a month (出生年月 "1965.03"), which
    _parse_date reads as the 1st of the month."""
    if isinstance(value, datetime.date):
        return False
    match = _DATE_TEXT.match(_text(value)) or _DATE_DIGITS.match(_text(value))
    return bool(match) and match[3] is None


def _parse_id_number(column: Column, value: object) -> str:
    # Excel keeps 15 significant digits of a number: an ID number typed into a cell not
    # formatted as text arrives as a float with its last digits gone.
    if isinstance(value, float) and value >= 1e15:
        raise InvalidCell(_("被 Excel 存成了数字,后几位已丢失;请把这一列设为“文本”格式后重新填写"))
    text = id_number_normalize(_text(value))
    if text:
        try:
            validate_id_number(text)
        except ValidationError as invalid:
            raise InvalidCell(invalid.messages[0]) from None
    return text


_PARSERS: dict[str, Callable[[Column, object], object]] = {
    "text": _parse_text,
    "id_number": _parse_id_number,
    "flag": _parse_flag,
    "gender": _parse_gender,
    "category": _parse_category,
    "date": _parse_date,
}


def _display_value(column: Column, value: object) -> str:
    if column.kind == "flag":
        return _("是") if value else _("否")
    if column.kind == "gender":
        return str(Gender(value).label) if value else ""
    if column.kind == "category":
        return str(MemberCategory(value).label) if value else ""
    if column.kind == "date":
        return value.isoformat() if value else ""
    return value or ""


def _header_key(value: object) -> str:
    """Which of our headers a header cell names, or the cell's own words if it names none.

    Templates write "入党时间\n（年月日）", "联系电话(手机)", "人员类别:在岗/离退休" or
    "出生日期 如1965.3.8": full-width forms are folded, notes in brackets or after a colon
    dropped, and when the whole isn't one of ours its first word is tried ("姓  名" and
    "入党\n时间" are read whole first).
    """
    text = unicodedata.normalize("NFKC", _text(value))
    text = _BRACKETED.sub(" ", text).partition(":")[0]
    whole = _WHITESPACE.sub("", text).strip("*")
    key = HEADER_ALIASES.get(whole, whole)
    words = text.split()
    if key not in COLUMNS_BY_HEADER and len(words) > 1:
        first = words[0].strip("*")
        first = HEADER_ALIASES.get(first, first)
        if first in COLUMNS_BY_HEADER:
            return first
    return key


def _names_a_column(cells: Sequence[object]) -> bool:
    return any(_header_key(value) in COLUMNS_BY_HEADER for value in cells)


def _continues_header(header: Sequence[object], below: Sequence[object]) -> bool:
    """Whether the row below a header row is the header's second row: it has no 姓名 (merged
    down from above) and holds only our column names or the sub-columns of group titles
    ("学习情况" over 学时、篇数), where a row of data has values under our columns."""
    keys = [_header_key(value) for value in header]
    name_index = keys.index(NAME_COLUMN.header)
    filled = [index for index, value in enumerate(below) if _text(value)]
    if not filled or name_index in filled:
        return False
    return all(
        _header_key(below[index]) in COLUMNS_BY_HEADER
        or index >= len(keys)
        or keys[index] not in COLUMNS_BY_HEADER
        for index in filled
    )


def _stack(upper: Sequence[object], lower: Sequence[object]) -> list[object]:
    """The two rows of a header as one: in each column the lower cell, the more specific,
    unless it is empty (a cell merged down from the upper row keeps its value there)."""
    width = max(len(upper), len(lower))
    upper = [*upper, *[None] * (width - len(upper))]
    lower = [*lower, *[None] * (width - len(lower))]
    return [low if _text(low) else up for up, low in zip(upper, lower, strict=True)]


def _find_header(
    rows: SheetRows,
) -> tuple[int | None, dict[Column, int], list[str], list[RosterError]]:
    """(last header row's number, {column: cell index}, ignored headers, errors).

    The header is the first of the first rows to have a 姓名 column. It may take two rows,
    found by the names in them, not by where they are: the row above belongs to it when it
    names one of our columns (职务 merged down beside a title "基本情况" over 姓名、性别…),
    the row below when _continues_header says so (姓名 merged down, 学时 under 学习情况).
    """
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if NAME_COLUMN.header not in (_header_key(value) for value in cells):
            continue
        header = list(cells)
        if position > 0 and _names_a_column(rows[position - 1][1]):
            header = _stack(rows[position - 1][1], header)
        if position + 1 < len(rows) and _continues_header(header, rows[position + 1][1]):
            number, below = rows[position + 1]
            header = _stack(header, below)
        positions, ignored, errors = {}, [], []
        for index, value in enumerate(header):
            key = _header_key(value)
            column = COLUMNS_BY_HEADER.get(key)
            if column is None:
                if key:
                    ignored.append(" ".join(_text(value).split()))
            elif column in positions:
                errors.append(
                    RosterError(None, "", _("“%(header)s”列出现了两次") % {"header": key})
                )
            else:
                positions[column] = index
        return number, positions, ignored, errors
    message = _("缺少“姓名”列。表格第一行应为列名:%(headers)s") % {
        "headers": "、".join(column.header for column in COLUMNS)
    }
    return None, {}, [], [RosterError(None, "", message)]


def _load_existing(
    unit: Unit, names: set[str], id_numbers: set[str]
) -> tuple[dict[tuple[int, str], list[ExistingMember]], dict[str, ExistingMember]]:
    """Members of the subtree whose names or ID numbers occur in the file: by (unit id,
    name) and by ID number."""
    by_key, by_id_number = defaultdict(list), {}
    fields = ["pk", "unit_id", "name", *DATA_FIELDS]
    id_number_index = fields.index("id_number")
    for values in Member.objects.under(unit).values_list(*fields).iterator(chunk_size=2000):
        id_number = values[id_number_index]
        if values[2] not in names and id_number not in id_numbers:
            continue
        member = dict(zip(fields, values, strict=True))
        if values[2] in names:
            by_key[(values[1], values[2])].append(member)
        if id_number in id_numbers:
            by_id_number[id_number] = member
    return by_key, by_id_number


def _registered_elsewhere(unit: Unit, id_numbers: set[str]) -> dict[str, tuple[str, str]]:
    """(unit name, member name) of each of `id_numbers` held by a member outside the
    subtree: one query, and none when there is nothing to look for."""
    if not id_numbers:
        return {}
    members = (
        Member.objects.exclude(unit__path__startswith=unit.path)
        .exclude(id_number="")
        .values_list("id_number", "unit__name", "name")
    )
    return {
        id_number: (unit_name, name)
        for id_number, unit_name, name in members.iterator(chunk_size=2000)
        if id_number in id_numbers
    }


def _unreadable(plan: RosterPlan) -> RosterPlan:
    plan.errors.append(RosterError(None, "", _("无法读取文件:它可能已损坏,或不是 .xlsx 工作簿。")))
    return plan


def roster_parse(*, unit: Unit, content: bytes) -> RosterPlan:
    """Read and validate a roster file for `unit`; nothing is written."""
    plan = RosterPlan(unit=unit)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        return _unreadable(plan)
    try:
        sheet = workbook.worksheets[0]
        # Files written by some programs carry wrong dimensions; read every row there is.
        sheet.reset_dimensions()
        rows = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    except Exception:  # in read-only mode the sheet itself is only parsed here
        return _unreadable(plan)
    finally:
        workbook.close()
    _validate(plan, rows)
    return plan


def _validate(plan: RosterPlan, rows: SheetRows) -> None:
    unit = plan.unit
    header_row, positions, plan.ignored_headers, plan.errors = _find_header(rows)
    if header_row is None:
        return
    if UNIT_COLUMN not in positions and not unit.is_branch:
        plan.errors.append(
            RosterError(
                None,
                "",
                _("缺少“所在党组织”列:向“%(unit)s”导入时,每名党员都要写明所在的党支部。")
                % {"unit": unit.name},
            )
        )
    if plan.errors:
        return
    plan.columns = [column for column in COLUMNS if column in positions or column is UNIT_COLUMN]
    units = UnitIndex(unit)
    plan.unit_labels = units.labels()

    parsed, unknown_units = [], []
    for number, cells in rows[header_row:]:
        if all(_text(value) == "" for value in cells):
            continue
        values, row_errors, month_only = {}, [], False
        for column, index in positions.items():
            value = cells[index] if index < len(cells) else None
            try:
                if column is UNIT_COLUMN:
                    values["unit_id"] = _parse_unit(unit, units, value)
                    if values["unit_id"] is None:
                        unknown_units.append((number, _text(value)))
                else:
                    values[column.field] = _PARSERS[column.kind](column, value)
                    if column.field == "birth_date":
                        month_only = _gives_year_and_month(value)
            except InvalidCell as invalid:
                row_errors.append(RosterError(number, column.header, str(invalid)))
        if UNIT_COLUMN not in positions:
            values["unit_id"] = unit.pk
        if not values.get("id_number"):
            # A blank 身份证号 says nothing: it never clears a member's recorded one.
            values.pop("id_number", None)
        if not values.get("name") and not any(e.column == NAME_COLUMN.header for e in row_errors):
            row_errors.insert(0, RosterError(number, NAME_COLUMN.header, _("不能为空")))
        plan.errors.extend(row_errors)
        if not row_errors and values["unit_id"] is not None:
            parsed.append((number, values, month_only))
    plan.errors.extend(_unknown_unit_errors(unit, unknown_units))
    _plan_rows(plan, _without_repeats(plan, parsed))
    if not plan.rows and not plan.errors:
        plan.errors.append(RosterError(None, "", _("表格中没有党员数据。")))
    plan.errors.sort(key=lambda error: error.row or 0)


def _without_repeats(plan: RosterPlan, parsed: list[ParsedRow]) -> list[ParsedRow]:
    """The rows that repeat no row above them; each repeat is an error. A row repeats
    another with the same 身份证号, or with the same name in the same unit unless both
    have ID numbers: same-name members are told apart by theirs."""
    first_of_id_number, first_of_key, first_without_id_number = {}, {}, {}
    rows = []
    for number, values, month_only in parsed:
        key = (values["unit_id"], values["name"])
        id_number = values.get("id_number")
        if id_number in first_of_id_number:
            plan.errors.append(
                RosterError(
                    number,
                    ID_NUMBER_COLUMN.header,
                    _("与第%(row)s行的身份证号相同") % {"row": first_of_id_number[id_number]},
                )
            )
            continue
        earlier = first_without_id_number.get(key) if id_number else first_of_key.get(key)
        if earlier:
            plan.errors.append(
                RosterError(
                    number, "", _("与第%(row)s行重复(同一党组织同名党员)") % {"row": earlier}
                )
            )
            continue
        if id_number:
            first_of_id_number[id_number] = number
        else:
            first_without_id_number.setdefault(key, number)
        first_of_key.setdefault(key, number)
        rows.append((number, values, month_only))
    return rows


def _plan_rows(plan: RosterPlan, parsed: list[ParsedRow]) -> None:
    """Match each row with the member it updates, or with none: a new member.

    A row with a 身份证号 is the member registered under it; else the one member of its
    name in its unit whose ID number isn't recorded yet (the ID number is then recorded),
    else a new member. A row without one is the member of its name in its unit, when
    there is only one.
    """
    names = {values["name"] for _number, values, _month in parsed}
    id_numbers = {
        values["id_number"] for _number, values, _month in parsed if "id_number" in values
    }
    by_key, by_id_number = _load_existing(plan.unit, names, id_numbers)
    elsewhere = _registered_elsewhere(plan.unit, id_numbers - by_id_number.keys())
    new_id_numbers = id_numbers - by_id_number.keys() - elsewhere.keys()
    # Rows of each name and unit whose ID number no member has yet.
    unregistered = Counter(
        (values["unit_id"], values["name"])
        for _number, values, _month in parsed
        if values.get("id_number") in new_id_numbers
    )
    for number, values, month_only in parsed:
        key = (values["unit_id"], values["name"])
        id_number = values.get("id_number")
        match = by_id_number.get(id_number)
        if match and (match["unit_id"], match["name"]) != key:
            registered_to = (plan.unit_labels[match["unit_id"]], match["name"])
        else:
            registered_to = elsewhere.get(id_number)
        if registered_to:
            plan.errors.append(
                RosterError(
                    number,
                    ID_NUMBER_COLUMN.header,
                    _(
                        "已登记为“%(unit)s”的党员“%(name)s”的身份证号;"
                        "如是同一人,请先在党员页面修改其姓名或所在党组织"
                    )
                    % {"unit": registered_to[0], "name": registered_to[1]},
                )
            )
            continue
        if not match:
            candidates = by_key.get(key, [])
            if id_number:
                candidates = [member for member in candidates if not member["id_number"]]
            if len(candidates) > 1 or (candidates and id_number and unregistered[key] > 1):
                plan.errors.append(
                    RosterError(number, "", _ambiguous(plan, key, len(candidates), id_number))
                )
                continue
            match = candidates[0] if candidates else None
        id_birth_date = id_number_birth_date(id_number or (match["id_number"] if match else ""))
        birth_date = values.get("birth_date")
        if month_only and id_birth_date and birth_date == id_birth_date.replace(day=1):
            # 出生年月 gives the month; the ID number, the day.
            values["birth_date"] = id_birth_date
        row = _planned_row(number, values, match)
        if id_birth_date and row.member.birth_date and row.member.birth_date != id_birth_date:
            plan.errors.append(
                RosterError(
                    number,
                    ID_NUMBER_COLUMN.header,
                    id_number_birth_date_error(id_birth_date, row.member.birth_date),
                )
            )
            continue
        plan.rows.append(row)


def _ambiguous(plan: RosterPlan, key: tuple[int, str], count: int, id_number: str | None) -> str:
    names = {"unit": plan.unit_labels[key[0]], "count": count, "name": key[1]}
    if id_number:
        return (
            _(
                "“%(unit)s”有%(count)s名叫“%(name)s”的党员还没有登记身份证号,无法确定本行是哪一位;"
                "请先在党员页面填写他们的身份证号"
            )
            % names
        )
    return _("“%(unit)s”已有%(count)s名党员叫“%(name)s”,无法确定更新哪一位") % names


def _parse_unit(unit: Unit, units: UnitIndex, value: object) -> int | None:
    text = _text(value)
    if not text:
        if unit.is_branch:
            return unit.pk
        raise InvalidCell(_("不能为空"))
    return units.find(text)


def _unknown_unit_errors(unit: Unit, unknown_units: list[tuple[int, str]]) -> list[RosterError]:
    """Tell a unit outside the import's subtree from one that doesn't exist, in one query."""
    if not unknown_units:
        return []
    names = {text.replace("/", "/").rpartition("/")[2].strip() for _row, text in unknown_units}
    elsewhere = set(Unit.objects.filter(name__in=names).values_list("name", flat=True))
    errors = []
    for number, text in unknown_units:
        if text.replace("/", "/").rpartition("/")[2].strip() in elsewhere:
            message = _("“%(name)s”不在“%(scope)s”之内,不能导入到这里") % {
                "name": text,
                "scope": unit.name,
            }
        else:
            message = _("找不到“%(name)s”") % {"name": text}
        errors.append(RosterError(number, UNIT_COLUMN.header, message))
    return errors


def _planned_row(
    number: int, values: dict[str, object], existing: dict[str, object] | None
) -> RosterRow:
    if existing is None:
        return RosterRow(number, Member(**values), is_new=True)
    member = Member(**existing)
    changed = frozenset(
        name for name in DATA_FIELDS if name in values and values[name] != existing[name]
    )
    for name in changed:
        setattr(member, name, values[name])
    return RosterRow(number, member, is_new=False, changed=changed)


def roster_validate(*, roster_import: RosterImport) -> RosterPlan:
    """Re-read the stored file of an upload and validate every row against today's data."""
    try:
        with roster_import.file.open("rb") as stored:
            content = stored.read()
    except OSError:
        plan = RosterPlan(unit=roster_import.unit)
        plan.errors.append(RosterError(None, "", _("找不到上传的文件,请重新上传。")))
        return plan
    return roster_parse(unit=roster_import.unit, content=content)


def roster_check_file(*, upload: UploadedFile) -> bool:
    """True when `upload` opens as an .xlsx workbook whose first rows can be read."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            for _row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
                pass
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        return False
    finally:
        upload.seek(0)
    return True


def roster_import_upload(
    *, unit: Unit, uploaded_by: AbstractBaseUser, upload: UploadedFile
) -> RosterImport:
    """Keep an uploaded roster so that the preview and the confirmation read the same file."""
    roster_import = RosterImport(
        unit=unit, uploaded_by=uploaded_by, original_name=upload.name[-255:]
    )
    # The stored name is ours; the user's (often long, Chinese) name is kept in original_name.
    roster_import.file.save("roster.xlsx", upload, save=False)
    roster_import.save()
    return roster_import


def roster_import_apply(
    *, roster_import: RosterImport, user: AbstractBaseUser, without_columns: bool = False
) -> RosterPlan:
    """Apply every row of an upload or none; an upload is applied at most once.

    A file that lacks some columns is applied only `without_columns`: the user ticked
    "导入时不含这些列" below the list of what those members will be stored without.
    """
    with transaction.atomic():
        # Claim the upload first: of two confirmations at once, the second finds it taken.
        applied_at = timezone.now()
        claimed = RosterImport.objects.filter(pk=roster_import.pk, applied_at__isnull=True).update(
            applied_at=applied_at, applied_by=user
        )
        if not claimed:
            raise RosterAlreadyApplied
        plan = roster_validate(roster_import=roster_import)
        if plan.errors:
            raise RosterInvalid(plan)
        if plan.missing_columns and not without_columns:
            raise RosterColumnsMissing(plan)
        Member.objects.bulk_create([row.member for row in plan.rows if row.is_new])
        changed_rows = [row for row in plan.rows if row.changed]
        if changed_rows:
            fields = [name for name in DATA_FIELDS if any(name in r.changed for r in changed_rows)]
            Member.objects.bulk_update([row.member for row in changed_rows], fields)
        # New members count in their units and start their progress at nothing studied;
        # the changed flags decide what writing each changed member owes.
        written = [row.member for row in plan.rows if row.is_new or row.changed]
        members_written(
            member_ids=[member.pk for member in written],
            unit_ids={member.unit_id for member in written},
        )
        roster_import.applied_at = applied_at
        roster_import.applied_by = user
        roster_import.created_count = plan.created_count
        roster_import.updated_count = plan.updated_count
        roster_import.save(update_fields=["created_count", "updated_count"])
    return plan

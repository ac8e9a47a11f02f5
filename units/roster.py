"""党员名册 (roster) import from and export to Excel (.xlsx).

The exported sheet has exactly the import columns, so an office can export a roster, edit
it in Excel and import it back. An import is read and validated as a whole (every error
of every row is reported) and applied in one transaction or not at all. Both directions
are a fixed number of queries however many rows: the subtree's units and members are
loaded once, and members are written with bulk_create / bulk_update.
"""

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from units.models import BRANCH_KINDS, Gender, Member, MemberCategory, RosterImport, Unit
from units.signals import members_changed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# A title such as "城南区党员名册" may sit above the header; look for it this far down.
HEADER_SEARCH_ROWS = 5


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str
    width: int
    description: str = ""


# The headers are the file format, not UI text: an exported file must import anywhere.
COLUMNS = (
    Column("姓名", "name", "text", 10, "必填"),
    Column("所在党组织", "unit", "unit", 26, "党支部或党总支的名称;重名时写“上级党组织/名称”"),
    Column("性别", "gender", "gender", 6, "男 / 女"),
    Column("出生日期", "birth_date", "date", 12, "如 1965-03-08、1965/3/8、1965年3月"),
    Column("入党日期", "joined_on", "date", 12, "同上"),
    Column("职务", "position", "text", 16),
    Column("联系电话", "phone", "text", 15),
    Column("人员类别", "category", "category", 10, "在岗 / 离退休 / 农村 / 社区"),
    Column("党员领导干部", "is_leading_cadre", "flag", 13, "是 / 否(也可填 1/0、Y/N、√/空)"),
    Column("流动党员", "is_mobile", "flag", 10, "是 / 否"),
    Column("年老体弱", "is_infirm", "flag", 10, "是 / 否"),
    Column("有书写能力", "can_write", "flag", 11, "是 / 否"),
)
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
NAME_COLUMN, UNIT_COLUMN = COLUMNS[0], COLUMNS[1]
DATA_COLUMNS = COLUMNS[2:]
DATA_FIELDS = [column.field for column in DATA_COLUMNS]

# Headers other rosters commonly use for the same thing.
HEADER_ALIASES = {
    "所在支部": "所在党组织",
    "所在党支部": "所在党组织",
    "党组织": "所在党组织",
    "党支部": "所在党组织",
    "出生年月": "出生日期",
    "入党时间": "入党日期",
    "入党年月": "入党日期",
    "电话": "联系电话",
    "手机": "联系电话",
    "手机号码": "联系电话",
    "类别": "人员类别",
}

_YES = {"是", "1", "Y", "YES", "TRUE", "√", "✓", "✔"}
_NO = {"否", "0", "N", "NO", "FALSE", "×", "✗", ""}
_CATEGORY_ALIASES = {"离休": MemberCategory.RETIRED, "退休": MemberCategory.RETIRED}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:(?:[-/.月]\s*(\d{1,2})\s*日?)|月)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
# "王  强": two-character names are padded with spaces to line up with three-character ones.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RosterError:
    """One reason the file can't be imported; `row` is the Excel row number."""

    row: int | None
    column: str
    message: str

    def __str__(self):
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
    changed: frozenset = frozenset()


@dataclass
class RosterPlan:
    """What an import would do: the rows to create or update, or the errors that stop it."""

    unit: Unit
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ignored_headers: list = field(default_factory=list)
    unit_labels: dict = field(default_factory=dict)

    @property
    def created_count(self):
        return sum(1 for row in self.rows if row.is_new)

    @property
    def updated_count(self):
        return len(self.rows) - self.created_count

    @property
    def unchanged_count(self):
        return sum(1 for row in self.rows if not row.is_new and not row.changed)

    @property
    def missing_columns(self):
        return [column for column in DATA_COLUMNS if column not in self.columns]

    def preview(self, limit):
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

    def _display(self, column, value):
        if column.kind == "unit":
            return self.unit_labels.get(value, "")
        return _display_value(column, value)


class RosterAlreadyApplied(Exception):
    pass


class RosterInvalid(Exception):
    def __init__(self, plan):
        super().__init__(str(plan.errors[0]) if plan.errors else "")
        self.plan = plan


class _Invalid(Exception):
    """A cell that can't be read; the message says why, in the user's words."""


class _UnitIndex:
    """The units of one subtree, loaded in one query, found by name or "上级党组织/名称"."""

    def __init__(self, root):
        self.units = {}
        self.by_name = defaultdict(list)
        self.by_parent_and_name = defaultdict(list)
        subtree = Unit.objects.subtree_of(root).values_list("pk", "name", "kind", "parent__name")
        for pk, name, kind, parent_name in subtree:
            self.units[pk] = (name, kind, parent_name)
            self.by_name[name].append(pk)
            self.by_parent_and_name[(parent_name, name)].append(pk)

    def label(self, pk):
        """The name an import finds the unit by: its own, or "上级/名称" when it isn't unique."""
        name, _kind, parent_name = self.units[pk]
        if len(self.by_name[name]) > 1 and parent_name:
            return f"{parent_name}/{name}"
        return name

    def labels(self):
        return {pk: self.label(pk) for pk in self.units}

    def find(self, text):
        """The pk of the member unit named `text`, None if the subtree has no such unit."""
        text = text.replace("/", "/")
        candidates = self.by_name.get(text)
        if not candidates and "/" in text:
            parent_name, _slash, name = text.rpartition("/")
            candidates = self.by_parent_and_name.get((parent_name.strip(), name.strip()))
        if not candidates:
            return None
        if len(candidates) > 1:
            pk = candidates[0]
            name, _kind, parent_name = self.units[pk]
            raise _Invalid(
                _("有%(count)s个党组织叫“%(name)s”,请写成“上级党组织/%(name)s”,如“%(example)s”")
                % {"count": len(candidates), "name": name, "example": f"{parent_name}/{name}"}
            )
        pk = candidates[0]
        name, kind, _parent_name = self.units[pk]
        if kind not in BRANCH_KINDS:
            raise _Invalid(_("“%(name)s”不是党支部,党员应编入党支部或党总支") % {"name": name})
        return pk


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_text(column, value):
    text = _text(value)
    if column.field == "name":
        text = _CJK_GAP.sub("", text)
    limit = Member._meta.get_field(column.field).max_length
    if len(text) > limit:
        raise _Invalid(_("不能超过%(limit)s个字") % {"limit": limit})
    return text


def _parse_flag(column, value):
    if isinstance(value, bool):
        return value
    text = _text(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _Invalid(_("应为“是”或“否”"))


def _parse_gender(column, value):
    text = _text(value)
    if not text:
        return ""
    for choice, label in Gender.choices:
        if text == str(label):
            return choice
    raise _Invalid(_("应为“男”或“女”"))


def _parse_category(column, value):
    text = _text(value)
    if text in _CATEGORY_ALIASES:
        return _CATEGORY_ALIASES[text]
    for choice, label in MemberCategory.choices:
        if text == str(label):
            return choice
    labels = "”“".join(str(label) for label in MemberCategory.labels)
    raise _Invalid(_("应为“%(labels)s”之一") % {"labels": labels})


def _parse_date(column, value):
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
    raise _Invalid(_("不是有效日期"))


_PARSERS = {
    "text": _parse_text,
    "flag": _parse_flag,
    "gender": _parse_gender,
    "category": _parse_category,
    "date": _parse_date,
}


def _display_value(column, value):
    if column.kind == "flag":
        return _("是") if value else _("否")
    if column.kind == "gender":
        return str(Gender(value).label) if value else ""
    if column.kind == "category":
        return str(MemberCategory(value).label) if value else ""
    if column.kind == "date":
        return value.isoformat() if value else ""
    return value or ""


def _header_key(value):
    text = _WHITESPACE.sub("", _text(value)).strip("*")
    return HEADER_ALIASES.get(text, text)


def _find_header(rows):
    """(row number, {column: cell index}, ignored headers, errors) of the header row."""
    for number, cells in rows:
        keys = [_header_key(value) for value in cells]
        if NAME_COLUMN.header not in keys:
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        positions, ignored, errors = {}, [], []
        for index, key in enumerate(keys):
            column = COLUMNS_BY_HEADER.get(key)
            if column is None:
                if key:
                    ignored.append(_text(cells[index]))
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


def _load_existing(unit, names):
    """Members of the subtree whose names occur in the file, by (unit id, name)."""
    existing = defaultdict(list)
    fields = ["pk", "unit_id", "name", *DATA_FIELDS]
    for values in Member.objects.under(unit).values_list(*fields).iterator(chunk_size=2000):
        if values[2] in names:
            existing[(values[1], values[2])].append(dict(zip(fields, values, strict=True)))
    return existing


def _unreadable(plan):
    plan.errors.append(RosterError(None, "", _("无法读取文件:它可能已损坏,或不是 .xlsx 工作簿。")))
    return plan


def roster_parse(*, unit, content):
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


def _validate(plan, rows):
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
    units = _UnitIndex(unit)
    plan.unit_labels = units.labels()

    parsed, unknown_units = [], []
    for number, cells in rows[header_row:]:
        if all(_text(value) == "" for value in cells):
            continue
        values, row_errors = {}, []
        for column, index in positions.items():
            value = cells[index] if index < len(cells) else None
            try:
                if column is UNIT_COLUMN:
                    values["unit_id"] = _parse_unit(unit, units, value)
                    if values["unit_id"] is None:
                        unknown_units.append((number, _text(value)))
                else:
                    values[column.field] = _PARSERS[column.kind](column, value)
            except _Invalid as invalid:
                row_errors.append(RosterError(number, column.header, str(invalid)))
        if UNIT_COLUMN not in positions:
            values["unit_id"] = unit.pk
        if not values.get("name") and not any(e.column == NAME_COLUMN.header for e in row_errors):
            row_errors.insert(0, RosterError(number, NAME_COLUMN.header, _("不能为空")))
        plan.errors.extend(row_errors)
        if not row_errors and values["unit_id"] is not None:
            parsed.append((number, values))
    plan.errors.extend(_unknown_unit_errors(unit, unknown_units))

    existing = _load_existing(unit, {values["name"] for _number, values in parsed})
    seen = {}
    for number, values in parsed:
        key = (values["unit_id"], values["name"])
        if key in seen:
            plan.errors.append(
                RosterError(
                    number, "", _("与第%(row)s行重复(同一党组织同名党员)") % {"row": seen[key]}
                )
            )
            continue
        seen[key] = number
        matches = existing.get(key, [])
        if len(matches) > 1:
            plan.errors.append(
                RosterError(
                    number,
                    "",
                    _("“%(unit)s”已有%(count)s名党员叫“%(name)s”,无法确定更新哪一位")
                    % {"unit": plan.unit_labels[key[0]], "count": len(matches), "name": key[1]},
                )
            )
            continue
        plan.rows.append(_planned_row(number, values, matches[0] if matches else None))
    if not plan.rows and not plan.errors:
        plan.errors.append(RosterError(None, "", _("表格中没有党员数据。")))
    plan.errors.sort(key=lambda error: error.row or 0)


def _parse_unit(unit, units, value):
    text = _text(value)
    if not text:
        if unit.is_branch:
            return unit.pk
        raise _Invalid(_("不能为空"))
    return units.find(text)


def _unknown_unit_errors(unit, unknown_units):
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


def _planned_row(number, values, existing):
    if existing is None:
        return RosterRow(number, Member(**values), is_new=True)
    member = Member(**existing)
    changed = frozenset(
        name for name in DATA_FIELDS if name in values and values[name] != existing[name]
    )
    for name in changed:
        setattr(member, name, values[name])
    return RosterRow(number, member, is_new=False, changed=changed)


def roster_validate(*, roster_import):
    """Re-read the stored file of an upload and validate every row against today's data."""
    try:
        with roster_import.file.open("rb") as stored:
            content = stored.read()
    except OSError:
        plan = RosterPlan(unit=roster_import.unit)
        plan.errors.append(RosterError(None, "", _("找不到上传的文件,请重新上传。")))
        return plan
    return roster_parse(unit=roster_import.unit, content=content)


def roster_check_file(upload):
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


def roster_import_upload(*, unit, uploaded_by, upload):
    """Keep an uploaded roster so that the preview and the confirmation read the same file."""
    roster_import = RosterImport(
        unit=unit, uploaded_by=uploaded_by, original_name=upload.name[-255:]
    )
    # The stored name is ours; the user's (often long, Chinese) name is kept in original_name.
    roster_import.file.save("roster.xlsx", upload, save=False)
    roster_import.save()
    return roster_import


def roster_import_apply(*, roster_import, user):
    """Apply every row of an upload or none; an upload is applied at most once."""
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
        Member.objects.bulk_create([row.member for row in plan.rows if row.is_new])
        changed_rows = [row for row in plan.rows if row.changed]
        if changed_rows:
            fields = [name for name in DATA_FIELDS if any(name in r.changed for r in changed_rows)]
            Member.objects.bulk_update([row.member for row in changed_rows], fields)
            # The flags decide what writing each member owes.
            members_changed.send(sender=Member, member_ids=[row.member.pk for row in changed_rows])
        roster_import.applied_at = applied_at
        roster_import.applied_by = user
        roster_import.created_count = plan.created_count
        roster_import.updated_count = plan.updated_count
        roster_import.save(update_fields=["created_count", "updated_count"])
    return plan


def _header_cells(sheet):
    font = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2DCDB")
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = font
        cell.fill = fill
        cells.append(cell)
    return cells


def _text_value(sheet, text):
    if not text:
        return None
    if text.startswith("="):
        # openpyxl writes "=…" as a formula; a name or phone number must stay text.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _row_writer(sheet):
    """A function giving the cells of one exported row, as plain values where possible:
    openpyxl streams those fastest, and writes a date as a yyyy-mm-dd date by itself."""
    labels = {
        "flag": {True: _("是"), False: _("否")},
        "gender": {choice: str(label) for choice, label in Gender.choices},
        "category": {choice: str(label) for choice, label in MemberCategory.choices},
    }
    kinds = [column.kind for column in DATA_COLUMNS]

    def cells(name, unit_label, data):
        row = [_text_value(sheet, name), _text_value(sheet, unit_label)]
        for kind, value in zip(kinds, data, strict=True):
            if kind in labels:
                row.append(labels[kind].get(value))
            elif kind == "date":
                row.append(value)
            else:
                row.append(_text_value(sheet, value))
        return row

    return cells


def _new_sheet(title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet))
    return workbook, sheet


def _save(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_export(*, unit, members):
    """The .xlsx bytes of `members` (all under `unit`), in the columns the import reads.

    Rows are streamed from the database as tuples into a write-only workbook, so a
    district of 60,000 members never has its Member instances in memory.
    """
    labels = _UnitIndex(unit).labels()
    workbook, sheet = _new_sheet(_("党员名册"))
    rows = members.order_by("unit__path", "name", "pk").values_list("name", "unit_id", *DATA_FIELDS)
    cells = _row_writer(sheet)
    for name, unit_id, *data in rows.iterator(chunk_size=2000):
        sheet.append(cells(name, labels[unit_id], data))
    return _save(workbook)


def roster_template(*, unit):
    """An empty roster with the import's headers and one example row."""
    index = _UnitIndex(unit)
    branch = next(
        (pk for pk, (_name, kind, _parent) in index.units.items() if kind in BRANCH_KINDS),
        unit.pk,
    )
    workbook, sheet = _new_sheet(_("党员名册"))
    example = {
        "gender": Gender.MALE,
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

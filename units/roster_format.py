"""The 党员名册 (roster) .xlsx file, as the import reads it and the export writes it: its
columns, and how a cell names a member's unit.

The exported sheet has exactly the import columns, so an office can export a roster, edit
it in Excel and import it back.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from units.models import BRANCH_KINDS, Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str
    width: int
    description: str = ""


# The headers are the file format, not UI text: an exported file must import anywhere.
ID_NUMBER_COLUMN = Column(
    "身份证号",
    "id_number",
    "id_number",
    21,
    "18位,末位可为X;可不填。填了的按身份证号认人,同一党组织的同名党员须填写以区分",
)
COLUMNS = (
    Column("姓名", "name", "text", 10, "必填"),
    Column("所在党组织", "unit", "unit", 26, "党支部或党总支的名称;重名时写“上级党组织/名称”"),
    Column("性别", "gender", "gender", 6, "男 / 女"),
    ID_NUMBER_COLUMN,
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
NAME_COLUMN, UNIT_COLUMN = COLUMNS[0], COLUMNS[1]
DATA_COLUMNS = COLUMNS[2:]
DATA_FIELDS = [column.field for column in DATA_COLUMNS]


class InvalidCell(Exception):
    """A cell that can't be read; the message says why, in the user's words."""


class UnitIndex:
    """The units of one subtree, loaded in one query, found by name or "上级党组织/名称"."""

    def __init__(self, root: Unit) -> None:
        self.units: dict[int, tuple[str, str, str | None]] = {}
        self.by_name: defaultdict[str, list[int]] = defaultdict(list)
        self.by_parent_and_name: defaultdict[tuple[str | None, str], list[int]] = defaultdict(list)
        subtree = Unit.objects.subtree_of(root).values_list("pk", "name", "kind", "parent__name")
        for pk, name, kind, parent_name in subtree:
            self.units[pk] = (name, kind, parent_name)
            self.by_name[name].append(pk)
            self.by_parent_and_name[(parent_name, name)].append(pk)

    def label(self, pk: int) -> str:
        """The name an import finds the unit by: its own, or "上级/名称" when it isn't unique."""
        name, _kind, parent_name = self.units[pk]
        if len(self.by_name[name]) > 1 and parent_name:
            return f"{parent_name}/{name}"
        return name

    def labels(self) -> dict[int, str]:
        return {pk: self.label(pk) for pk in self.units}

    def find(self, text: str) -> int | None:
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
            raise InvalidCell(
                _("有%(count)s个党组织叫“%(name)s”,请写成“上级党组织/%(name)s”,如“%(example)s”")
                % {"count": len(candidates), "name": name, "example": f"{parent_name}/{name}"}
            )
        pk = candidates[0]
        name, kind, _parent_name = self.units[pk]
        if kind not in BRANCH_KINDS:
            raise InvalidCell(_("“%(name)s”不是党支部,党员应编入党支部或党总支") % {"name": name})
        return pk

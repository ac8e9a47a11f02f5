"""The demo district, 城南区委: its tree of units, the 督导组 each 党委/党组/工委 is assigned
to, and the members of every branch (demo.members).

The shape is the usual one of a 2005 district (区): 党委/党组/工委 over 党总支 and 党支部,
a 机关 branch in every bureau, town and street. The villages and communities in HOUSEHOLDS
add up to the district's 12,670 户 ("帮扶和走访慰问困难群众1267户,占全区总户数的10%"),
and the district sends three 督导组.
"""

import itertools
import random
from dataclasses import dataclass

from campaign.models import Stage
from demo.members import (
    CLERK_POSITIONS,
    CULTURE_POSITIONS,
    MEDICAL_POSITIONS,
    POLICE_POSITIONS,
    RESIDENT_POSITIONS,
    TEACHER_POSITIONS,
    VILLAGER_POSITIONS,
    WORKER_POSITIONS,
    branch_members,
    is_office_branch,
)
from units.models import PATH_SEPARATOR, Member, Sector, SupervisionGroup, Unit, UnitKind

ROOT_NAME = "城南区委"
GROUP_NAMES = ("第一督导组", "第二督导组", "第三督导组")


@dataclass(frozen=True)
class GeneralBranch:
    """党总支 and the branches under it."""

    name: str
    branches: tuple[str, ...]


@dataclass(frozen=True)
class TopLevelUnit:
    """党委/党组/工委, the supervision group it is assigned to, and its branches."""

    name: str
    kind: str
    sector: str
    group: int
    staff: tuple[str, ...]
    children: tuple[str | GeneralBranch, ...]


TOP_LEVEL_UNITS = (
    TopLevelUnit(
        "区级机关工委", UnitKind.WORK_COMMITTEE, Sector.GOVERNMENT, 1, CLERK_POSITIONS,
        (
            "区委办公室党支部", "区人大常委会机关党支部", "区政府办公室党支部", "区政协机关党支部",
            "区纪委机关党支部", "区委组织部党支部", "区委宣传部党支部", "区发展计划局党支部",
            "区民政局党支部", "区人事劳动和社会保障局党支部", "区级机关离退休干部党支部",
        ),
    ),
    TopLevelUnit(
        "区财政局党组", UnitKind.LEADING_GROUP, Sector.GOVERNMENT, 1, CLERK_POSITIONS,
        (
            "区财政局机关党支部", "区地方税务局党支部", "区国库集中支付中心党支部",
            "区财政局离退休干部党支部",
        ),
    ),
    TopLevelUnit(
        "区公安分局党委", UnitKind.COMMITTEE, Sector.GOVERNMENT, 1, POLICE_POSITIONS,
        (
            "区公安分局机关党支部", "城关派出所党支部", "新桥派出所党支部", "城南派出所党支部",
            "区刑警大队党支部", "区交警大队党支部",
        ),
    ),
    TopLevelUnit(
        "区教育党委", UnitKind.COMMITTEE, Sector.INSTITUTION, 1, TEACHER_POSITIONS,
        (
            "区教育局机关党支部", "区一中党支部", "区二中党支部", "区实验中学党支部",
            "区实验小学党支部", "城南小学党支部", "区职业高级中学党支部", "区教师进修学校党支部",
            "区教育系统离退休教师党支部",
        ),
    ),
    TopLevelUnit(
        "区卫生党委", UnitKind.COMMITTEE, Sector.INSTITUTION, 2, MEDICAL_POSITIONS,
        (
            "区卫生局机关党支部",
            GeneralBranch(
                "区人民医院党总支",
                (
                    "区人民医院内科党支部", "区人民医院外科党支部", "区人民医院医技党支部",
                    "区人民医院离退休党支部",
                ),
            ),
            "区中医院党支部", "区妇幼保健院党支部", "区疾病预防控制中心党支部",
        ),
    ),
    TopLevelUnit(
        "区文化体育广播电视局党组", UnitKind.LEADING_GROUP, Sector.INSTITUTION, 2,
        CULTURE_POSITIONS,
        (
            "区文化体育广播电视局机关党支部", "区电视台党支部", "区文化馆党支部",
            "区图书馆党支部",
        ),
    ),
    TopLevelUnit(
        "区国资委党委", UnitKind.COMMITTEE, Sector.ENTERPRISE, 2, WORKER_POSITIONS,
        (
            "区国资委机关党支部", "城南自来水公司党支部", "城南公交公司党支部",
            GeneralBranch(
                "区建筑工程公司党总支",
                ("区建筑工程公司第一工程处党支部", "区建筑工程公司第二工程处党支部"),
            ),
            "区粮油贸易公司党支部", "城南化肥厂党支部", "区国有企业离退休职工党支部",
        ),
    ),
    TopLevelUnit(
        "城关镇党委", UnitKind.COMMITTEE, Sector.RURAL, 3, VILLAGER_POSITIONS,
        (
            "城关镇机关党支部", "东关村党支部", "西关村党支部", "南庄村党支部", "北岗村党支部",
            "李家湾村党支部",
            GeneralBranch("河口村党总支", ("河口村第一党支部", "河口村第二党支部")),
        ),
    ),
    TopLevelUnit(
        "新桥乡党委", UnitKind.COMMITTEE, Sector.RURAL, 3, VILLAGER_POSITIONS,
        (
            "新桥乡机关党支部", "新桥村党支部", "王庄村党支部", "柳树屯村党支部",
            "石桥村党支部", "张家店村党支部",
        ),
    ),
    TopLevelUnit(
        "城南街道党工委", UnitKind.WORK_COMMITTEE, Sector.COMMUNITY, 3, RESIDENT_POSITIONS,
        (
            "城南街道机关党支部", "东街社区党支部", "西街社区党支部", "南门社区党支部",
            "文化路社区党支部", "建设路社区党支部", "和平里社区党支部", "新华社区党支部",
            "光明社区党支部",
        ),
    ),
)  # fmt: skip

# 户数 of the villages and communities; together the district's 12,670.
HOUSEHOLDS = {
    "东关村党支部": 512,
    "西关村党支部": 468,
    "南庄村党支部": 356,
    "北岗村党支部": 297,
    "李家湾村党支部": 384,
    "河口村党总支": 673,
    "新桥村党支部": 455,
    "王庄村党支部": 318,
    "柳树屯村党支部": 402,
    "石桥村党支部": 376,
    "张家店村党支部": 289,
    "东街社区党支部": 1286,
    "西街社区党支部": 1067,
    "南门社区党支部": 942,
    "文化路社区党支部": 1135,
    "建设路社区党支部": 858,
    "和平里社区党支部": 1223,
    "新华社区党支部": 794,
    "光明社区党支部": 835,
}


def supervision_groups() -> list[SupervisionGroup]:
    """The district's three 督导组, in order, created where missing."""
    return [
        SupervisionGroup.objects.get_or_create(name=name, defaults={"number": number})[0]
        for number, name in enumerate(GROUP_NAMES, start=1)
    ]


def seed_district(rng: random.Random, *, stage: Stage, scale: int = 1) -> Unit:
    """Create the demo district, every unit in `stage`, and return its root.

    `scale` repeats every branch and 党总支 that many times, for benchmarks.
    """
    root = Unit.objects.create(
        name=ROOT_NAME,
        kind=UnitKind.DISTRICT,
        households=sum(HOUSEHOLDS.values()) * scale,
        stage=stage,
        stage_since=stage.planned_start,
    )
    top_units, branches = _create_units(root, stage, scale)
    _assign_groups(top_units)
    Member.objects.bulk_create(
        itertools.chain.from_iterable(
            branch_members(rng, branch, staff=top.staff) for branch, top in branches
        ),
        batch_size=2000,
    )
    return root


def _create_units(
    root: Unit, stage: Stage, scale: int
) -> tuple[list[Unit], list[tuple[Unit, TopLevelUnit]]]:
    """Insert the tree a level at a time; return the top-level units and the
    (branch, its TopLevelUnit) pairs."""

    def unit(
        name: str, kind: str, parent: Unit, sector: str, households: int | None = None
    ) -> Unit:
        return Unit(
            name=name,
            kind=kind,
            parent=parent,
            sector=sector,
            households=households,
            stage=stage,
            stage_since=stage.planned_start,
        )

    top_units = [
        unit(top.name, top.kind, root, top.sector, _households(top.children, scale))
        for top in TOP_LEVEL_UNITS
    ]
    _insert_level(top_units)
    second_level, third_level, branches = [], [], []
    for top_unit, top in zip(top_units, TOP_LEVEL_UNITS, strict=True):
        for copy, child in itertools.product(range(1, scale + 1), top.children):
            if isinstance(child, GeneralBranch):
                parent = unit(
                    _copy_name(child.name, copy),
                    UnitKind.GENERAL_BRANCH,
                    top_unit,
                    top.sector,
                    HOUSEHOLDS.get(child.name),
                )
                second_level.append(parent)
                names, level = child.branches, third_level
            else:
                parent, names, level = top_unit, (child,), second_level
            for name in names:
                branch = unit(
                    _copy_name(name, copy),
                    UnitKind.BRANCH,
                    parent,
                    _branch_sector(name, top),
                    HOUSEHOLDS.get(name),
                )
                level.append(branch)
                branches.append((branch, top))
    _insert_level(second_level)
    _insert_level(third_level)
    return top_units, branches


def _insert_level(units: list[Unit]) -> None:
    """bulk_create skips Unit.save(), which sets the materialized path; it needs the pk
    the insert returns, so it is written by a second, bulk update."""
    Unit.objects.bulk_create(units, batch_size=1000)
    for unit in units:
        unit.path = f"{unit.parent.path}{unit.pk}{PATH_SEPARATOR}"
        unit.depth = unit.path.count(PATH_SEPARATOR) - 2
    Unit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)


def _households(children: tuple[str | GeneralBranch, ...], scale: int) -> int | None:
    names = [c.name if isinstance(c, GeneralBranch) else c for c in children]
    total = sum(HOUSEHOLDS.get(name, 0) for name in names) * scale
    return total or None


def _copy_name(name: str, copy: int) -> str:
    return name if copy == 1 else f"{name}({copy})"


def _branch_sector(name: str, top: TopLevelUnit) -> str:
    return Sector.GOVERNMENT if is_office_branch(name) else top.sector


def _assign_groups(top_units: list[Unit]) -> None:
    groups = supervision_groups()
    for top_unit, top in zip(top_units, TOP_LEVEL_UNITS, strict=True):
        groups[top.group - 1].units.add(top_unit)

"""Seed the demo district: 城南区委, its units, members, the first campaign and one user per role.

Where the numbers come from:
- the speech (seed/000_4bb9f7afd94a9fa1.txt): "帮扶和走访慰问困难群众1267户,占全区总户数的10%",
  so the villages and communities in HOUSEHOLDS add up to the district's 12,670 户; the first
  batch (第一批, for 机关和事业单位) with its three stages and the three steps of stage 1; the
  district's three 督导组.
- the usual shape of a 2005 district (区): 党委/党组/工委 over 党总支 and 党支部, a 机关 branch
  in every bureau, town and street, branch sizes and shares in PROFILES. Women were about a
  fifth of party members (more in schools and hospitals, fewer in villages); the 党员领导干部
  (about 6%) are the leadership of 机关, 事业单位 and state enterprises; mobile members are
  mostly villagers working away; infirm members and those who cannot write are mostly old.

Everything random comes from random.Random(2005): the district is the same on every machine.
`--scale N` repeats every branch and 党总支 N times, for benchmarks.
"""

import datetime
import itertools
import random
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaign.models import Batch, Stage, Step
from campaign.services.topics import study_plan_create
from demo.ledgers import seed_other_ledgers
from demo.study import seed_study_ledger
from demo.transitions import seed_transitions
from units.models import (
    PATH_SEPARATOR,
    Gender,
    Member,
    MemberCategory,
    Role,
    RoleAssignment,
    Sector,
    SupervisionGroup,
    Unit,
    UnitKind,
)

ROOT_NAME = "城南区委"
RANDOM_SEED = 2005

CAMPAIGN = {
    "name": "第一批",
    "targets": "机关和事业单位",
    "starts_on": datetime.date(2005, 1, 20),
    "ends_on": datetime.date(2005, 6, 30),
}
STAGES = (
    ("学习动员", datetime.date(2005, 1, 20), datetime.date(2005, 3, 25)),
    ("分析评议", datetime.date(2005, 3, 26), datetime.date(2005, 5, 10)),
    ("整改提高", datetime.date(2005, 5, 11), datetime.date(2005, 6, 30)),
)
STAGE_ONE_STEPS = (
    ("思想发动", datetime.date(2005, 1, 20), datetime.date(2005, 1, 31)),
    ("学习培训", datetime.date(2005, 2, 1), datetime.date(2005, 3, 10)),
    ("大讨论", datetime.date(2005, 2, 15), datetime.date(2005, 3, 25)),
)
GROUP_NAMES = ("第一督导组", "第二督导组", "第三督导组")
# The demo runs the 2005 timetable as if it had started this many days ago, so that a
# session held today falls inside stage 1 and can be signed in to live.
DEMO_DAYS_UNDER_WAY = 35


def demo_date(day_in_2005):
    """The 2005 timetable's date moved so that the campaign is under way today."""
    offset = (
        timezone.localdate() - datetime.timedelta(days=DEMO_DAYS_UNDER_WAY) - CAMPAIGN["starts_on"]
    )
    return day_in_2005 + offset


# Positions of the ordinary members, by the kind of workplace.
CLERK_POSITIONS = ("科员", "科员", "科员", "办事员", "副主任科员", "主任科员", "股长", "副股长")
POLICE_POSITIONS = ("民警", "民警", "民警", "社区民警", "刑侦民警", "户籍民警", "内勤", "警长")
TEACHER_POSITIONS = ("教师", "教师", "教师", "班主任", "班主任", "教研组长", "年级组长", "会计")
MEDICAL_POSITIONS = ("医师", "医师", "主治医师", "副主任医师", "护士", "护师", "护士长", "药剂师")
CULTURE_POSITIONS = ("编辑", "记者", "播音员", "馆员", "助理馆员", "文艺辅导员", "干部")
WORKER_POSITIONS = ("职工", "职工", "技术员", "工程师", "车间主任", "班组长", "会计", "驾驶员")
VILLAGER_POSITIONS = ("村民", "村民", "村民", "村民", "村民小组长", "种植户", "养殖户", "个体户")
RESIDENT_POSITIONS = ("居民", "居民", "个体经营户", "下岗职工", "楼院长", "社区志愿者")
RETIRED_POSITIONS = {
    Sector.GOVERNMENT: "退休干部",
    Sector.INSTITUTION: "退休干部",
    Sector.ENTERPRISE: "退休职工",
    Sector.RURAL: "退休职工",
    Sector.COMMUNITY: "退休职工",
}
# 离休 (rather than 退休) is for those who joined the revolution before the PRC was founded.
FOUNDING_DAY = datetime.date(1949, 10, 1)
BRANCH_SECRETARY = "党支部书记"

# The head of the unit a branch belongs to, from what the branch's name says the unit is
# ("区一中" → 校长); the first keyword found wins, so the more specific ones come first.
HEAD_TITLES = (
    ("派出所", "所长"),
    ("大队", "大队长"),
    ("镇机关", "镇长"),
    ("乡机关", "乡长"),
    ("人大", "主任"),
    ("政协", "主席"),
    ("纪委", "书记"),
    ("工程处", "主任"),
    ("办公室", "主任"),
    ("中心", "主任"),
    ("科", "主任"),
    ("院", "院长"),
    ("学", "校长"),
    ("中", "校长"),
    ("台", "台长"),
    ("馆", "馆长"),
    ("公司", "经理"),
    ("厂", "厂长"),
    ("局", "局长"),
    ("部", "部长"),
)


@dataclass(frozen=True)
class GeneralBranch:
    """党总支 and the branches under it."""

    name: str
    branches: tuple


@dataclass(frozen=True)
class TopLevelUnit:
    """党委/党组/工委, the supervision group it is assigned to, and its branches."""

    name: str
    kind: str
    sector: str
    group: int
    staff: tuple
    children: tuple


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


@dataclass(frozen=True)
class Profile:
    """What the members of one kind of branch look like."""

    size: tuple  # members per branch (min, max)
    cadres: tuple  # 党员领导干部 per branch (min, max)
    female: float
    retired: float  # 离退休 members who kept their membership in the branch
    mobile: float
    born: tuple  # birth years of the members not retired
    posts: tuple = ()  # held by the members after the 党支部书记


WORKING_BORN = (1946, 1982)
RETIRED_BORN = (1920, 1948)
# Old villagers stay in their village's branch: there is no retirement from the land.
VILLAGE_BORN = (1925, 1982)
PROFILES = {
    Sector.GOVERNMENT: Profile((6, 16), (1, 3), 0.22, 0.05, 0.01, WORKING_BORN),
    Sector.INSTITUTION: Profile((10, 28), (1, 2), 0.42, 0.08, 0.01, WORKING_BORN),
    Sector.ENTERPRISE: Profile((10, 28), (1, 2), 0.18, 0.10, 0.04, WORKING_BORN),
    Sector.RURAL: Profile(
        (20, 40), (0, 0), 0.12, 0.04, 0.25, VILLAGE_BORN, ("村委会主任", "村会计")
    ),
    Sector.COMMUNITY: Profile((15, 35), (0, 0), 0.35, 0.45, 0.10, WORKING_BORN, ("居委会主任",)),
}
RETIRED_BRANCH_PROFILE = Profile((15, 30), (0, 0), 0.20, 1.0, 0.0, RETIRED_BORN)
# Branch secretaries, leading cadres and village/community heads are in their prime; a
# retired branch is run by its younger retirees.
POST_BORN = (1950, 1970)
RETIRED_POST_BORN = (1936, 1946)
MOBILE_AGE_LIMIT = 55
SECTOR_CATEGORIES = {Sector.RURAL: MemberCategory.RURAL, Sector.COMMUNITY: MemberCategory.COMMUNITY}
AGES_ON = CAMPAIGN["starts_on"]

# The hundred commonest surnames, commonest first; weighted so that 王, 李 and 张 together
# come out at about a fifth, as in the population.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = tuple(itertools.accumulate(1 / (rank + 3) for rank in range(len(SURNAMES))))
GIVEN_NAME_CHARACTERS = {
    Gender.MALE: "伟强军平刚明辉健国华建文斌波勇杰涛超林峰磊东海春志永庆宝成德光新兴家荣"
    "福贵生祥金忠俊亮利清飞鹏宏晓红卫",
    Gender.FEMALE: "秀英华玉兰芳丽敏静霞燕娟红梅琴云凤萍艳玲桂珍莉洁雪慧芬淑惠晓春丹颖琳",
}
# Names parents gave in the 1950s–70s, which a district's membership is full of.
ERA_GIVEN_NAMES = {
    Gender.MALE: ("建国", "国庆", "建军", "卫东", "卫国", "红军", "援朝", "跃进", "向东", "振华"),
    Gender.FEMALE: ("秀英", "桂英", "玉兰", "秀兰", "淑珍", "桂兰", "凤英", "红梅", "丽华", "卫红"),
}
# Mobile numbers in 2005 were 13x; the 15x ranges had only just opened.
PHONE_PREFIXES = ("135", "136", "137", "138", "139", "130", "131", "133", "158", "159")


@dataclass(frozen=True)
class DemoUser:
    """A login of the demo district. `member` picks the Member record the user is, in the
    user's branch: a secretary is the branch's 党支部书记, member1 one of its leading cadres."""

    username: str
    name: str = ""
    role: str = ""
    unit: str = ""
    group: int = 0
    member: dict = field(default_factory=dict)
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("office", "周文斌", role=Role.OFFICE, unit=ROOT_NAME),
    DemoUser("supervisor1", "吴振华", group=1),
    DemoUser("supervisor2", "冯淑珍", group=2),
    DemoUser("supervisor3", "韩德明", group=3),
    DemoUser("leader1", "孙立新", role=Role.LEADER, unit="区教育党委"),
    DemoUser(
        "secretary1",
        role=Role.SECRETARY,
        unit="区一中党支部",
        member={"position": BRANCH_SECRETARY},
    ),
    DemoUser(
        "secretary2",
        role=Role.SECRETARY,
        unit="区人民医院内科党支部",
        member={"position": BRANCH_SECRETARY},
    ),
    DemoUser("member1", unit="区一中党支部", member={"is_leading_cadre": True}),
    DemoUser("outsider", "钱志远"),
    DemoUser("admin", "陆晓峰", is_admin=True),
)


class Command(BaseCommand):
    help = "生成演示区(城南区委):党组织、党员、第一批教育活动、督导组和各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有党组织时什么也不做(make run 使用)。",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="党支部和党员数量的倍数,用于性能测试(默认 1)。",
        )

    def handle(self, *args, if_empty, scale, **options):
        if scale < 1:
            raise CommandError("--scale 应为正整数。")
        started = time.monotonic()
        with transaction.atomic():
            root = Unit.objects.filter(parent=None, name=ROOT_NAME).first()
            # A real district's database gets no demo district beside it; a demo database
            # still has its logins refreshed and printed (make run shows them every time).
            if if_empty and root is None and Unit.objects.exists():
                self.stdout.write("数据库中已有党组织,未生成演示数据。")
                return
            created = root is None
            if created:
                root = seed_district(random.Random(RANDOM_SEED), scale=scale)
            logins = ensure_demo_users(root)
            if created:
                # The ledgers are kept and reviewed by the branches' leaders in the demo.
                recorder = get_user_model().objects.get(username="leader1")
                sessions = seed_study_ledger(
                    root=root, rng=random.Random(RANDOM_SEED), recorder=recorder
                )
                seed_transitions()
                seed_other_ledgers(
                    root=root,
                    batch=Batch.objects.current(),
                    rng=random.Random(RANDOM_SEED),
                    recorder=recorder,
                )
        self._report(root, logins, created=created, seconds=time.monotonic() - started)
        if created:
            self.stdout.write(f"学习台账:各支部已登记集中学习共 {sessions} 次。")

    def _report(self, root, logins, *, created, seconds):
        units = Unit.objects.subtree_of(root)
        if created:
            self.stdout.write(f"已生成演示区“{root.name}”,用时 {seconds:.1f} 秒。")
        else:
            self.stdout.write(f"演示区“{root.name}”已存在,未改动;已重设演示账号的密码。")
        self.stdout.write(
            f"党组织 {units.count()} 个:"
            f"党委/党组/工委 {units.filter(depth=1).count()} 个,"
            f"党总支 {units.filter(kind=UnitKind.GENERAL_BRANCH).count()} 个,"
            f"党支部 {units.branches().count()} 个;"
            f"党员 {Member.objects.under(root).count()} 名。"
        )
        self.stdout.write(f"演示账号(密码:{settings.DEMO_PASSWORD}):")
        for username, name, duty in logins:
            self.stdout.write(f"  {username:<12} {name:<4} {duty}")


def seed_district(rng, *, scale=1):
    """Create the demo district and return its root."""
    stage = _create_batch()
    root = Unit.objects.create(
        name=ROOT_NAME,
        kind=UnitKind.DISTRICT,
        households=sum(HOUSEHOLDS.values()) * scale,
        stage=stage,
        stage_since=stage.planned_start,
    )
    top_units, branches = _create_units(root, stage, scale)
    _create_groups(top_units)
    Member.objects.bulk_create(
        itertools.chain.from_iterable(
            _branch_members(rng, branch, top) for branch, top in branches
        ),
        batch_size=2000,
    )
    return root


def _create_batch():
    batch, _ = Batch.objects.get_or_create(
        name=CAMPAIGN["name"],
        defaults={
            **CAMPAIGN,
            "starts_on": demo_date(CAMPAIGN["starts_on"]),
            "ends_on": demo_date(CAMPAIGN["ends_on"]),
            "is_current": True,
        },
    )
    stages = []
    for number, (name, start, end) in enumerate(STAGES, start=1):
        stage, _ = Stage.objects.get_or_create(
            batch=batch,
            number=number,
            defaults={
                "name": name,
                "planned_start": demo_date(start),
                "planned_end": demo_date(end),
            },
        )
        stages.append(stage)
    for number, (name, start, end) in enumerate(STAGE_ONE_STEPS, start=1):
        Step.objects.get_or_create(
            stage=stages[0],
            number=number,
            defaults={
                "name": name,
                "planned_start": demo_date(start),
                "planned_end": demo_date(end),
            },
        )
    study_plan_create(batch=batch)
    return stages[0]


def _create_units(root, stage, scale):
    """Insert the tree a level at a time; return the top-level units and the
    (branch, its TopLevelUnit) pairs."""

    def unit(name, kind, parent, sector, households=None):
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


def _insert_level(units):
    """bulk_create skips Unit.save(), which sets the materialized path; it needs the pk
    the insert returns, so it is written by a second, bulk update."""
    Unit.objects.bulk_create(units, batch_size=1000)
    for unit in units:
        unit.path = f"{unit.parent.path}{unit.pk}{PATH_SEPARATOR}"
        unit.depth = unit.path.count(PATH_SEPARATOR) - 2
    Unit.objects.bulk_update(units, ["path", "depth"], batch_size=1000)


def _households(children, scale):
    names = [c.name if isinstance(c, GeneralBranch) else c for c in children]
    total = sum(HOUSEHOLDS.get(name, 0) for name in names) * scale
    return total or None


def _copy_name(name, copy):
    return name if copy == 1 else f"{name}({copy})"


def _branch_sector(name, top):
    return Sector.GOVERNMENT if _is_office_branch(name) else top.sector


def _is_office_branch(name):
    # A town's, street's or bureau's own office (机关) is a 党政机关 and staffed by clerks,
    # whatever the sector it leads.
    return "机关" in name


def _is_retired_branch(name):
    return "离退休" in name


def _head_title(branch_name):
    unit_name = branch_name.partition("党支部")[0]
    return next((title for key, title in HEAD_TITLES if key in unit_name), "主任")


def _create_groups(top_units):
    groups = [
        SupervisionGroup.objects.get_or_create(name=name, defaults={"number": number})[0]
        for number, name in enumerate(GROUP_NAMES, start=1)
    ]
    for top_unit, top in zip(top_units, TOP_LEVEL_UNITS, strict=True):
        groups[top.group - 1].units.add(top_unit)


def _branch_members(rng, branch, top):
    """The branch's members: its 党支部书记 first, then the unit's leading cadres or the
    village/community posts, then the others."""
    retired_branch = _is_retired_branch(branch.name)
    profile = RETIRED_BRANCH_PROFILE if retired_branch else PROFILES[branch.sector]
    staff = CLERK_POSITIONS if _is_office_branch(branch.name) else top.staff
    title = _head_title(branch.name)
    cadres = [title, f"副{title}", f"副{title}"][: rng.randint(*profile.cadres)]
    posts = [BRANCH_SECRETARY, *cadres, *profile.posts]
    size = max(rng.randint(*profile.size), len(posts) + 3)
    taken = set()
    members = []
    for index in range(size):
        post = posts[index] if index < len(posts) else ""
        retired = retired_branch or (not post and rng.random() < profile.retired)
        members.append(
            _member(
                rng,
                branch,
                profile,
                taken=taken,
                post=post,
                is_leading_cadre=post in cadres,
                retired=retired,
                staff=staff,
            )
        )
    return members


def _member(rng, branch, profile, *, taken, post, is_leading_cadre, retired, staff):
    gender = Gender.FEMALE if rng.random() < profile.female else Gender.MALE
    birth_date = _random_date(rng, *_birth_years(profile, retired=retired, post=post))
    joined_on = _random_date(rng, birth_date.year + 18, min(birth_date.year + 40, AGES_ON.year - 1))
    age = AGES_ON.year - birth_date.year
    # Those who leave to work elsewhere are the young; whoever holds a post stays.
    is_mobile = not (retired or post) and age < MOBILE_AGE_LIMIT and rng.random() < profile.mobile
    if retired:
        category = MemberCategory.RETIRED
    else:
        category = SECTOR_CATEGORIES.get(branch.sector, MemberCategory.IN_SERVICE)
    return Member(
        name=_person_name(rng, gender, birth_date.year, taken),
        unit=branch,
        gender=gender,
        birth_date=birth_date,
        joined_on=joined_on,
        position=post or _position(rng, branch, staff, retired, is_mobile, joined_on),
        phone=_phone(rng, age),
        category=category,
        is_leading_cadre=is_leading_cadre,
        is_mobile=is_mobile,
        is_infirm=not (is_mobile or post) and _is_infirm(rng, age, retired),
        can_write=_can_write(rng, age, branch.sector == Sector.RURAL),
    )


def _birth_years(profile, *, retired, post):
    if retired:
        return RETIRED_POST_BORN if post else RETIRED_BORN
    return POST_BORN if post else profile.born


def _position(rng, branch, staff, retired, is_mobile, joined_on):
    if retired:
        return "离休干部" if joined_on < FOUNDING_DAY else RETIRED_POSITIONS[branch.sector]
    if is_mobile and branch.sector in (Sector.RURAL, Sector.COMMUNITY):
        return "外出务工"
    return rng.choice(staff)


def _is_infirm(rng, age, retired):
    if age >= 75:
        return rng.random() < 0.35
    if retired or age >= 65:
        return rng.random() < 0.10
    return False


def _can_write(rng, age, rural):
    # Schooling came late to the countryside: it is old villagers who cannot write notes.
    if rural:
        return rng.random() >= (0.30 if age >= 60 else 0.03)
    return rng.random() >= (0.15 if age >= 80 else 0.0)


def _person_name(rng, gender, born, taken):
    """A name not yet used in the branch (the same name twice on one roster confuses the
    sign-in)."""
    while True:
        surname = rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
        if 1949 <= born <= 1976 and rng.random() < 0.15:
            given = rng.choice(ERA_GIVEN_NAMES[gender])
        elif rng.random() < 0.3:
            given = rng.choice(GIVEN_NAME_CHARACTERS[gender])
        else:
            given = "".join(rng.sample(GIVEN_NAME_CHARACTERS[gender], 2))
        name = surname + given
        if name not in taken:
            taken.add(name)
            return name


def _phone(rng, age):
    if age >= 65 and rng.random() < 0.4:
        return ""
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}"


def _random_date(rng, first_year, last_year):
    first = datetime.date(first_year, 1, 1).toordinal()
    last = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def ensure_demo_users(root):
    """Create or update the demo logins; return (username, name, duty) for the summary.

    The password is set on every run so that a changed DEMO_PASSWORD takes effect. It is
    hashed once: every demo login shares the (public) demo password anyway, and hashing it
    ten times would make up most of the command's run time.
    """
    password = make_password(settings.DEMO_PASSWORD)
    units = Unit.objects.subtree_of(root)
    groups = {
        name: SupervisionGroup.objects.get_or_create(name=name, defaults={"number": number})[0]
        for number, name in enumerate(GROUP_NAMES, start=1)
    }
    logins = []
    for spec in DEMO_USERS:
        user, _ = get_user_model().objects.get_or_create(username=spec.username)
        unit = units.get(name=spec.unit) if spec.unit else None
        member = _link_member(user, unit, spec.member) if spec.member else None
        name = member.name if member else spec.name
        user.last_name, user.first_name = name[0], name[1:]
        user.password = password
        user.is_staff = user.is_superuser = spec.is_admin
        user.save()
        if spec.role:
            RoleAssignment.objects.get_or_create(user=user, role=spec.role, unit=unit)
        if spec.group:
            groups[GROUP_NAMES[spec.group - 1]].members.add(user)
        logins.append((spec.username, name, _duty(spec, unit, member, groups)))
    return logins


def _link_member(user, unit, criteria):
    member = Member.objects.filter(user=user).first()
    if member is None:
        member = Member.objects.filter(unit=unit, user=None, **criteria).order_by("pk").first()
        if member is None:
            raise CommandError(f"{unit.name}中没有可以关联到 {user.username} 的党员。")
        member.user = user
        member.save(update_fields=["user"])
    return member


def _duty(spec, unit, member, groups):
    if spec.is_admin:
        return "系统管理员"
    if spec.group:
        group = groups[GROUP_NAMES[spec.group - 1]]
        return f"{group.name}:" + "、".join(
            group.units.order_by("pk").values_list("name", flat=True)
        )
    if spec.role:
        return f"{Role(spec.role).label} · {unit.name}"
    if member:
        cadre = ",党员领导干部" if member.is_leading_cadre else ""
        return f"党员 · {unit.name}({member.position}{cadre})"
    return "无角色"

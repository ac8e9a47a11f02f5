"""The members of the demo district's branches, made up the way a 2005 district's were.

Branch sizes and shares are in PROFILES. Women were about a fifth of party members (more
in schools and hospitals, fewer in villages); the 党员领导干部 (about 6%) are the
leadership of 机关, 事业单位 and state enterprises; mobile members are mostly villagers
working away; infirm members and those who cannot write are mostly old. Each branch has
its 党支部书记 first, then its leading cadres or the village/community posts, then the
others. Every draw comes from the random.Random it is given.
"""

import datetime
import itertools
import random
from dataclasses import dataclass

from demo.batch import BATCH
from units.models import Gender, Member, MemberCategory, Sector, Unit

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
class Profile:
    """What the members of one kind of branch look like."""

    size: tuple[int, int]  # members per branch (min, max)
    cadres: tuple[int, int]  # 党员领导干部 per branch (min, max)
    female: float
    retired: float  # 离退休 members who kept their membership in the branch
    mobile: float
    born: tuple[int, int]  # birth years of the members not retired
    posts: tuple[str, ...] = ()  # held by the members after the 党支部书记


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
AGES_ON = BATCH["starts_on"]

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


def is_office_branch(name: str) -> bool:
    # A town's, street's or bureau's own office (机关) is a 党政机关 and staffed by clerks,
    # whatever the sector it leads.
    return "机关" in name


def _is_retired_branch(name: str) -> bool:
    return "离退休" in name


def _head_title(branch_name: str) -> str:
    unit_name = branch_name.partition("党支部")[0]
    return next((title for key, title in HEAD_TITLES if key in unit_name), "主任")


def branch_members(rng: random.Random, branch: Unit, *, staff: tuple[str, ...]) -> list[Member]:
    """The branch's members, unsaved: its 党支部书记 first, then the unit's leading cadres or
    the village/community posts, then the others, who hold the `staff` positions of the
    branch's 党委/党组/工委 (a 机关 branch's hold a clerk's)."""
    retired_branch = _is_retired_branch(branch.name)
    profile = RETIRED_BRANCH_PROFILE if retired_branch else PROFILES[branch.sector]
    staff = CLERK_POSITIONS if is_office_branch(branch.name) else staff
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


def _member(
    rng: random.Random,
    branch: Unit,
    profile: Profile,
    *,
    taken: set[str],
    post: str,
    is_leading_cadre: bool,
    retired: bool,
    staff: tuple[str, ...],
) -> Member:
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


def _birth_years(profile: Profile, *, retired: bool, post: str) -> tuple[int, int]:
    if retired:
        return RETIRED_POST_BORN if post else RETIRED_BORN
    return POST_BORN if post else profile.born


def _position(
    rng: random.Random,
    branch: Unit,
    staff: tuple[str, ...],
    retired: bool,
    is_mobile: bool,
    joined_on: datetime.date,
) -> str:
    if retired:
        return "离休干部" if joined_on < FOUNDING_DAY else RETIRED_POSITIONS[branch.sector]
    if is_mobile and branch.sector in (Sector.RURAL, Sector.COMMUNITY):
        return "外出务工"
    return rng.choice(staff)


def _is_infirm(rng: random.Random, age: int, retired: bool) -> bool:
    if age >= 75:
        return rng.random() < 0.35
    if retired or age >= 65:
        return rng.random() < 0.10
    return False


def _can_write(rng: random.Random, age: int, rural: bool) -> bool:
    # Schooling came late to the countryside: it is old villagers who cannot write notes.
    if rural:
        return rng.random() >= (0.30 if age >= 60 else 0.03)
    return rng.random() >= (0.15 if age >= 80 else 0.0)


def _person_name(rng: random.Random, gender: str, born: int, taken: set[str]) -> str:
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


def _phone(rng: random.Random, age: int) -> str:
    if age >= 65 and rng.random() < 0.4:
        return ""
    return f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**8):08d}"


def _random_date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    first = datetime.date(first_year, 1, 1).toordinal()
    last = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))

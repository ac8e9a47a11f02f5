"""The demo district's other ledgers: 二三五 activities, 五卡, rectification, integrity,
leaders' lectures, publicity, 大讨论 — uneven across units, as the speech found them
("部分单位的宣传橱窗、宣传栏里至今还没有先进性教育活动的内容……有一些单位基本没行动").
Written in bulk for `seed_demo` only; real data goes through the services.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from campaign.models import Batch
from ledgers.models import (
    ActivityKind,
    CardRecord,
    CardType,
    DiscussionGroup,
    DiscussionRequirement,
    IntegrityRecord,
    LeaderLecture,
    LectureKind,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
    PublicityCheck,
    PublicityItem,
    RectificationCategory,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
)
from units.models import TOP_LEVEL_KINDS, Member, Unit
from units.subtree import stored_sums_rebuild

CARD_TYPES = ["党员联系卡", "民情日记卡", "便民服务卡", "承诺践诺卡", "群众评议卡"]
PROBLEMS = [
    ("办事窗口群众排队时间长,“门难进、脸难看、事难办”", RectificationCategory.CONDUCT),
    ("下岗职工再就业培训跟不上", RectificationCategory.LIVELIHOOD),
    ("困难群众低保审核周期长", RectificationCategory.LIVELIHOOD),
    ("招商项目审批环节多、时间长", RectificationCategory.DEVELOPMENT),
    ("部分干部下基层调研少,情况不清", RectificationCategory.CONDUCT),
]
ACTIVITY_TEXT = {
    ActivityKind.AMONG_PEOPLE: "走访慰问困难群众,征求对党组织和党员的意见",
    ActivityKind.GRASSROOTS: "深入联系点调研,帮助解决实际困难",
    ActivityKind.SEND_WARMTH: "春节前为困难家庭送去慰问金和生活用品",
    ActivityKind.SEND_TECHNOLOGY: "组织技术人员下乡开展种养殖技术指导",
    ActivityKind.SEND_HEALTH: "组织医务人员进社区义诊",
}


def seed_other_ledgers(
    *, root: Unit, batch: Batch, rng: random.Random, recorder: AbstractBaseUser
) -> int:
    """Fill the ledgers under `root`; return the number of 二三五 activities."""
    today = timezone.localdate()
    started = batch.starts_on
    span = max((today - started).days, 1)
    batch.practice_plan_due = started + datetime.timedelta(days=min(20, span))
    batch.save(update_fields=["practice_plan_due"])
    PracticeBaseline.objects.get_or_create(
        batch=batch,
        defaults={
            "year": today.year - 1,
            # Below this year's demo figures by different shares, so that each "比上年增长"
            # of the briefing is visibly its own figure's (one growth for all read as a
            # figure printed twice).
            "households": 1700,
            "funds": Decimal("160.0"),
            "person_times": 2300,
            "deeds": 1850,
        },
    )
    card_types = [
        CardType.objects.get_or_create(batch=batch, name=name, defaults={"number": n})[0]
        for n, name in enumerate(CARD_TYPES, start=1)
    ]

    def some_day() -> datetime.date:
        return started + datetime.timedelta(days=rng.randint(0, span))

    units = list(Unit.objects.subtree_of(root).exclude(pk=root.pk).order_by("pk"))
    plans, activities, cards, items, integrity, publicity, requirements = ([] for _ in range(7))
    for unit in units:
        active = rng.random()
        if unit.kind in TOP_LEVEL_KINDS and active > 0.15:
            filed = batch.practice_plan_due + datetime.timedelta(days=rng.choice([-8, -3, -1, 2]))
            plans.append(
                PracticePlan(
                    batch=batch,
                    unit=unit,
                    content="围绕“两深入”“创三满意”“五送”,结合本单位职能制定活动计划。",
                    submitted_by=recorder,
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(min(filed, today), datetime.time(10))
                    ),
                    is_late=filed > batch.practice_plan_due,
                )
            )
        if not unit.is_branch:
            continue
        # A fifth of the branches have done nothing yet ("有一些单位基本没行动").
        for _ in range(0 if active < 0.2 else rng.randint(1, 3)):
            kind = rng.choice(list(ACTIVITY_TEXT))
            households = rng.randint(3, 30)
            activities.append(
                PracticeActivity(
                    unit=unit,
                    held_on=some_day(),
                    kind=kind,
                    participants="支部党员",
                    description=ACTIVITY_TEXT[kind],
                    households=households,
                    poor_households=rng.randint(0, households // 2),
                    funds=Decimal(rng.randint(2, 40)) / 10,
                    person_times=rng.randint(5, 40),
                    deeds=rng.randint(2, 50),
                    recorded_by=recorder,
                )
            )
        if active > 0.3:
            card = rng.choice(card_types)
            issued = rng.randint(10, 60)
            cards.append(
                CardRecord(
                    unit=unit,
                    card_type=card,
                    recorded_on=some_day(),
                    issued=issued,
                    returned=rng.randint(0, issued),
                    recorded_by=recorder,
                )
            )
        for _ in range(rng.randint(0, 3)):
            problem, category = rng.choice(PROBLEMS)
            status = rng.choice(list(RectificationStatus))
            deadline = today + datetime.timedelta(days=rng.randint(-10, 30))
            items.append(
                RectificationItem(
                    unit=unit,
                    problem=problem,
                    source=rng.choice(list(RectificationSource)),
                    category=category,
                    measure="明确责任人,限期整改,向群众公开整改结果",
                    responsible="支部书记",
                    deadline=deadline,
                    status=status,
                    public_explanation="涉及多部门协调,已列入明年工作计划,向群众作了解释"
                    if status == RectificationStatus.NOT_YET
                    else "",
                    rectified_on=some_day() if status == RectificationStatus.RECTIFIED else None,
                    created_by=recorder,
                )
            )
        if active > 0.6:
            integrity.append(
                IntegrityRecord(
                    unit=unit,
                    recorded_on=some_day(),
                    refused_banquets=rng.randint(0, 3),
                    refused_vouchers=rng.randint(0, 2),
                    refused_vouchers_value=Decimal(rng.choice([0, 200, 300, 500])),
                    refused_gifts_value=Decimal(rng.choice([0, 500, 1000, 2000])),
                    recorded_by=recorder,
                )
            )
        done = [item for item in PublicityItem if rng.random() < active]
        publicity += [
            PublicityCheck(
                unit=unit,
                item=item,
                done_on=some_day(),
                evidence="已拍照存档",
                recorded_by=recorder,
            )
            for item in done
        ]
        if active > 0.4:
            group = rng.choice([DiscussionGroup.IN_SERVICE, DiscussionGroup.RETIRED])
            requirements.append(
                DiscussionRequirement(
                    unit=unit,
                    group=group,
                    text="爱岗敬业,无私奉献,岗位建功业,本职创一流"
                    if group == DiscussionGroup.IN_SERVICE
                    else "发挥余热,老有所学,老有所为",
                    is_adopted=active > 0.7,
                    written_by=recorder,
                )
            )
    PracticePlan.objects.bulk_create(plans)
    PracticeActivity.objects.bulk_create(activities, batch_size=1000)
    CardRecord.objects.bulk_create(cards, batch_size=1000)
    RectificationItem.objects.bulk_create(items, batch_size=1000)
    IntegrityRecord.objects.bulk_create(integrity, batch_size=1000)
    PublicityCheck.objects.bulk_create(publicity, batch_size=1000)
    DiscussionRequirement.objects.bulk_create(requirements, batch_size=1000)
    # Written in bulk, past the receivers: the dashboards' stored sums are counted once.
    stored_sums_rebuild()

    cadres = list(Member.objects.under(root).filter(is_leading_cadre=True).select_related("unit"))
    LeaderLecture.objects.bulk_create(
        [
            LeaderLecture(
                lecturer=cadre,
                unit=cadre.unit,
                kind=rng.choice(list(LectureKind)),
                given_on=some_day(),
                topic=rng.choice(["保持共产党员先进性,从我做起", "当前经济社会发展形势"]),
                audience=rng.randint(10, 60),
                recorded_by=recorder,
            )
            for cadre in cadres
            if rng.random() < 0.5
        ],
        batch_size=1000,
    )
    return len(activities)

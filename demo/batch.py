"""The demo's batch: 第一批, for 机关和事业单位, with its three stages, the three steps of
stage 1 and its study plan, on the speech's 2005 timetable ("我区第一批先进性教育活动的对象
都是机关和事业单位的党员"; the first stage's steps are 思想发动, 学习培训 and 大讨论).

The timetable is moved so that the batch has been under way for five weeks today: a
session held today falls inside stage 1 and can be signed in to live.
"""

import datetime

from django.utils import timezone

from campaign.models import Batch, Stage, Step
from campaign.services.topics import study_plan_create

BATCH = {
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
DEMO_DAYS_UNDER_WAY = 35


def demo_date(day_in_2005: datetime.date) -> datetime.date:
    """The 2005 timetable's date moved so that the batch is under way today."""
    offset = (
        timezone.localdate() - datetime.timedelta(days=DEMO_DAYS_UNDER_WAY) - BATCH["starts_on"]
    )
    return day_in_2005 + offset


def seed_batch() -> Stage:
    """Create the batch, its stages, the steps of stage 1 and its study plan where they are
    missing; return stage 1, which every demo unit starts in."""
    batch, _ = Batch.objects.get_or_create(
        name=BATCH["name"],
        defaults={
            **BATCH,
            "starts_on": demo_date(BATCH["starts_on"]),
            "ends_on": demo_date(BATCH["ends_on"]),
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

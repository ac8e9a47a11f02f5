"""The stored sums of the 边学边改 and 二三五 ledgers (ledgers.models.sums): how each
unit's own rows are counted from the ledger, registered with units.subtree in
ledgers.apps so that every write, `manage.py rollups_rebuild` and its `--check` keep
them."""

from django.db.models import Count, Q, Sum

from ledgers.models import (
    NO_DEADLINE,
    OpenProblems,
    PracticeActivity,
    PracticeDay,
    PracticePlan,
    RectificationItem,
    SubtreeOpenProblems,
    SubtreePlansFiled,
    SubtreePracticeDay,
    UnitPlansFiled,
)
from ledgers.selectors.rectification import OPEN_STATUSES
from units.models import UnitKind
from units.subtree import SubtreeSum

PRACTICE_FIELDS = ("activities", "households", "funds", "person_times", "deeds")


def _open_problems(unit_ids: list[int]) -> dict:
    rows = (
        RectificationItem.objects.filter(unit_id__in=unit_ids, status__in=OPEN_STATUSES)
        .values("unit_id", "deadline")
        .annotate(items=Count("pk"))
        .order_by()
    )
    found: dict = {}
    for row in rows:
        key = (row["unit_id"], (row["deadline"] or NO_DEADLINE,))
        found[key] = {"items": found.get(key, {}).get("items", 0) + row["items"]}
    return found


def _practice_days(unit_ids: list[int]) -> dict:
    rows = (
        PracticeActivity.objects.filter(unit_id__in=unit_ids)
        .values("unit_id", "held_on")
        .annotate(
            activities=Count("pk"),
            households=Sum("households"),
            funds=Sum("funds"),
            person_times=Sum("person_times"),
            deeds=Sum("deeds"),
        )
        .order_by()
    )
    return {
        (row["unit_id"], (row["held_on"],)): {name: row[name] or 0 for name in PRACTICE_FIELDS}
        for row in rows
    }


OPEN_PROBLEMS = SubtreeSum(
    OpenProblems, SubtreeOpenProblems, ("items",), key=("deadline",), recount=_open_problems
)
PRACTICE_DAYS = SubtreeSum(
    PracticeDay, SubtreePracticeDay, PRACTICE_FIELDS, key=("held_on",), recount=_practice_days
)


def _plans_filed(unit_ids: list[int]) -> dict:
    # The 区委 files none ("各单位、各级党组织" below it do: units_expected_to_file); a
    # plan of its would not make up for a unit's missing one.
    rows = (
        PracticePlan.objects.filter(unit_id__in=unit_ids)
        .exclude(unit__kind=UnitKind.DISTRICT)
        .values("unit_id", "batch_id")
        .annotate(plans=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .order_by()
    )
    return {
        (row["unit_id"], (row["batch_id"],)): {"plans": row["plans"], "late": row["late"]}
        for row in rows
    }


PLANS_FILED = SubtreeSum(
    UnitPlansFiled, SubtreePlansFiled, ("plans", "late"), key=("batch_id",), recount=_plans_filed
)

"""The stored sums of the 边学边改 and 二三五 ledgers (ledgers.models.sums): how each
unit's own rows are counted from the ledger, registered with units.subtree in
ledgers.apps so that every write, `manage.py rollups_rebuild` and its `--check` keep
them."""

from django.db.models import Count, Sum

from ledgers.models import (
    NO_DEADLINE,
    OpenProblems,
    PracticeActivity,
    PracticeDay,
    RectificationItem,
    SubtreeOpenProblems,
    SubtreePracticeDay,
)
from ledgers.selectors.rectification import OPEN_STATUSES
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

"""manage.py trips_recount [--dry-run]: what every returned trip owes, counted again from
the sessions its branch held while the cadre was away ("党员干部外出返回后,必须采取有效措施
进行补课").

Trips returned before the make-up followed the sessions missed owe a flat 1 学时 even
when the branch held none; sessions entered late were never added. This runs
ledgers.services.trips.trip_makeup_recount over each of them: a make-up still owed
follows the sessions or, owing nothing, is removed; one recorded done stays as recorded.
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.db import transaction

from ledgers.models import TripRequest, TripState
from ledgers.services.trips import RecountOutcome, trip_makeup_recount


class Command(BaseCommand):
    help = (
        "按外出期间支部实际开展的集中学习,重新核算所有已返回外出的补课;"
        "加 --dry-run 只列出会有哪些变化,不作更改。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出会有哪些变化,不修改任何数据。"
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write("试运行:以下是将会作出的更改,这次没有修改任何数据。")
        counts = Counter()
        with transaction.atomic():
            trips = TripRequest.objects.filter(state=TripState.RETURNED).order_by(
                "returned_on", "pk"
            )
            for trip in trips:
                recount = trip_makeup_recount(trip=trip)
                counts[recount.outcome] += 1
                if recount.outcome != RecountOutcome.UNCHANGED:
                    self.stdout.write(f"{recount.outcome.label}:{recount}")
            if dry_run:
                # The very same recount, its writes and notices rolled back.
                transaction.set_rollback(True)
        prefix = "试运行:" if dry_run else ""
        self.stdout.write(
            f"{prefix}共核算已返回的外出{counts.total()}次:"
            f"新增补课{counts[RecountOutcome.CREATED]}次,"
            f"调整{counts[RecountOutcome.CHANGED]}次,"
            f"取消{counts[RecountOutcome.REMOVED]}次。"
        )
        told = counts[RecountOutcome.DONE_OWES_MORE] + counts[RecountOutcome.KEPT_CORRECTED]
        if told:
            self.stdout.write(f"另有{told}次没有修改,请支部核实(见上)。")

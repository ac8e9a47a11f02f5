"""`manage.py seed_demo`: the demo district 城南区委 (demo.district), the first batch
(demo.batch), one login per role (demo.users) and, in a new district, the ledgers its
branches have kept so far (demo.study, demo.transitions, demo.ledgers).

Everything random comes from random.Random(2005): the district is the same on every machine.
`--scale N` repeats every branch and 党总支 N times, for benchmarks; `--if-empty` leaves a
database that holds another district alone. A demo district already there is left as it is,
and its logins are reset and printed again.
"""

import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from campaign.models import Batch
from demo.batch import seed_batch
from demo.district import ROOT_NAME, seed_district
from demo.ledgers import seed_other_ledgers
from demo.study import seed_study_ledger
from demo.transitions import seed_transitions
from demo.users import ensure_demo_users
from units.models import Member, Unit, UnitKind

RANDOM_SEED = 2005


class Command(BaseCommand):
    help = "生成演示区(城南区委):党组织、党员、第一批教育活动、督导组和各角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args: str, if_empty: bool, scale: int, **options: object) -> None:
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
                stage = seed_batch()
                root = seed_district(random.Random(RANDOM_SEED), stage=stage, scale=scale)
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

    def _report(
        self, root: Unit, logins: list[tuple[str, str, str]], *, created: bool, seconds: float
    ) -> None:
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

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from study.models import MemberProgress
from study.services.progress import rollups_rebuild
from units.subtree import REGISTERED


def _stored():
    """What is stored, and the fields that say which row is which: every member's
    progress, then each registered sum's own and subtree rows (units.subtree)."""
    stored = [(MemberProgress, ("member_id",))]
    for spec in REGISTERED:
        key = ("unit_id", *spec.key)
        stored += [(spec.own, key), (spec.subtree, key)]
    return stored


def _rows(model, key):
    """The stored rows by key, leaving out rows of nothing but zeros: every page reads a
    missing row as zeros, so the two are the same figures."""
    names = [
        f.attname for f in model._meta.concrete_fields if f.attname not in ("updated_at", "id")
    ]
    rows = {}
    for row in model.objects.values(*names).iterator(chunk_size=5000):
        if any(value for name, value in row.items() if name not in key):
            rows[tuple(row[k] for k in key)] = row
    return rows


class Command(BaseCommand):
    help = (
        "从花名册和学习台账重新计算所有存储的统计:各党组织党员数、每名党员的学习进度、"
        "各党组织的学习进度合计、必读篇目学习情况、整改问题和二三五活动,以及各党组织连同下级的合计。"
        "加 --check 只核对、不改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对存储的统计与重新计算的结果是否一致,不写入;不一致时以非零状态退出。",
        )

    def handle(self, *args, check, **options):
        with transaction.atomic():
            stored = _stored()
            before = {model: _rows(model, key) for model, key in stored}
            rollups_rebuild()
            differing = {}
            for model, key in stored:
                after = _rows(model, key)
                keys = set(before[model]) | set(after)
                differing[model] = sum(before[model].get(k) != after.get(k) for k in keys)
            if check:
                # Compared inside the transaction and rolled back: nothing is written.
                transaction.set_rollback(True)
        report = "\n".join(
            f"{model._meta.verbose_name}:{differing[model]} 条不一致" for model, _key in stored
        )
        total = sum(differing.values())
        if check and total:
            raise CommandError(f"有 {total} 条存储的统计与重新计算的结果不一致。\n{report}")
        self.stdout.write(report)
        if check:
            self.stdout.write("存储的统计与重新计算的结果一致。")
        else:
            self.stdout.write(f"已重新计算,更正 {total} 条。")

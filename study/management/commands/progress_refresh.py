from django.core.management.base import BaseCommand

from study.services.progress import progress_refresh
from units.models import Member


class Command(BaseCommand):
    help = "从学习台账重新计算全部党员的学习进度(导入数据或修复后使用)。"

    def handle(self, *args, **options):
        member_ids = Member.objects.values_list("pk", flat=True).iterator(chunk_size=5000)
        progress_refresh(member_ids=member_ids)
        self.stdout.write(f"已重新计算 {Member.objects.count()} 名党员的学习进度。")

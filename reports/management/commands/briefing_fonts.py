from django.core.management.base import BaseCommand

from reports.fonts import FACES, briefing_fonts_build, fonts_dir


class Command(BaseCommand):
    help = (
        "把简报用的宋体、黑体、楷体裁成 GB 2312 字符集的小字体(reports.fonts),"
        "每台生成简报的机器部署时运行一次;已有的跳过。"
    )

    def handle(self, *args, **options):
        written, missing = briefing_fonts_build()
        for face in written:
            self.stdout.write(f"已生成 {fonts_dir() / face.file_name}")
        for face in missing:
            self.stderr.write(f"本机没有字体“{face.source}”:简报将直接使用完整字体。")
        if not written and not missing:
            self.stdout.write(f"{len(FACES)} 个字体都已在 {fonts_dir()}。")

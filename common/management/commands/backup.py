from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup_create, backup_default_name


class Command(BaseCommand):
    help = (
        "把数据库和媒体目录(MEDIA_ROOT)备份到一个 .tar.gz 文件(common.backup),"
        "附清单:各表行数、各文件的 sha256。用 `manage.py restore` 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="备份文件的路径(默认:当前目录下的 xjx-backup-年月日-时分秒.tar.gz)",
        )

    def handle(self, *args, **options):
        output = options["output"] or Path(backup_default_name())
        try:
            manifest = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        size = sum(file["size"] for file in manifest["media"].values())
        self.stdout.write(
            f"已备份到 {output}:数据库 {len(manifest['tables'])} 张表 {rows} 行,"
            f"媒体文件 {len(manifest['media'])} 个 {size} 字节。"
        )
        missing = manifest["missing_media"]
        if missing:
            self.stderr.write(
                f"注意:数据库记录的 {len(missing)} 个文件不在媒体目录里"
                f"(清单 missing_media 列出),如 {missing[0]}。"
            )

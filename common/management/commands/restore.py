from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 `manage.py backup` 的备份文件恢复到空数据库和空媒体目录(MEDIA_ROOT),"
        "再按清单核对各表行数和各文件的 sha256;有不一致时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件(.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库已有数据时清空后恢复;媒体目录已有文件时覆盖同名文件(其余文件保留)",
        )

    def handle(self, *args, **options):
        try:
            restored = backup_restore(archive_path=options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        rows = sum(manifest["tables"].values())
        size = sum(file["size"] for file in manifest["media"].values())
        self.stdout.write(
            f"已恢复 {manifest['taken_at']} 的备份:数据库 {len(manifest['tables'])} 张表 "
            f"{rows} 行,媒体文件 {len(manifest['media'])} 个 {size} 字节。"
        )
        if manifest["missing_media"]:
            self.stderr.write(
                f"注意:备份时数据库记录的 {len(manifest['missing_media'])} 个文件就已不在"
                "媒体目录里(清单 missing_media)。"
            )
        if restored.pending_migrations:
            self.stdout.write(
                f"数据库比代码旧:还有 {restored.pending_migrations} 个迁移未应用,"
                "请运行 manage.py migrate。"
            )
        if restored.mismatches:
            for line in restored.mismatches:
                self.stderr.write(line)
            raise CommandError(f"核对不一致:{len(restored.mismatches)} 处。")
        self.stdout.write("核对一致:各表行数和各文件的 sha256 都与备份清单相同。")

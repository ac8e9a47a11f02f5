"""备份与恢复: the database and MEDIA_ROOT in one archive, restored together.

A restored database without its media answers 404 for every finished briefing and can't
make it again (issue 12), so one archive holds both, with a manifest to check them by:

    manifest.json       engine, time, migrations, rows per table, size and sha256 per file
    database.dump       PostgreSQL: pg_dump --format=custom
    database.sqlite3    SQLite: a copy made with SQLite's backup API
    media/...           MEDIA_ROOT's files

The database is copied first, as one snapshot, and the rows are counted in that same
snapshot; the media folder is read afterwards. A file is written in full before the row
that names it is saved (FileField.save), so every file a row of the snapshot names was
complete before the snapshot began. Files that appear later belong to rows the snapshot
doesn't hold: harmless extras. A file deleted in between (e.g. an activity's photo whose
record was deleted and committed, ledgers.services.practice) would be missing from the
archive: the manifest lists every file a row names that the archive lacks.
"""

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

MANIFEST = "manifest.json"
DATABASE_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that can't go on; the message says why, in Chinese."""


@dataclasses.dataclass
class Restored:
    manifest: dict
    # One line per table or file that differs from the manifest; empty when all agree.
    mismatches: list[str]
    # Migrations of this code that the restored database has not applied.
    pending_migrations: int


def backup_default_name() -> str:
    return f"xjx-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` and return its manifest."""
    output = Path(output).absolute()
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if not output.parent.is_dir():
        raise BackupError(f"目录 {output.parent} 不存在。")
    if output.is_relative_to(media_root):
        # The next backup would hold this one, and a restore would put it among the media.
        raise BackupError(f"备份文件不能放在媒体目录 {media_root} 里。")
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(f"只能备份 PostgreSQL 或 SQLite 数据库,不能备份 {connection.vendor}。")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".xjx-backup-") as work:
        database = Path(work) / DATABASE_MEMBER[connection.vendor]
        taken_at = timezone.localtime()
        if connection.vendor == "postgresql":
            facts = _postgresql_snapshot(database)
        else:
            facts = _sqlite_snapshot(database)
        manifest = {
            "engine": connection.vendor,
            "taken_at": taken_at.isoformat(timespec="seconds"),
            "migrations": facts["migrations"],
            "tables": facts["tables"],
        }
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(database, arcname=database.name)
            manifest["media"] = _add_media(archive, media_root)
            manifest["missing_media"] = sorted(facts["files"] - manifest["media"].keys())
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(taken_at.timestamp())
            archive.addfile(info, io.BytesIO(data))
        # It holds the members' personal data: readable by its owner only.
        partial.chmod(0o600)
        # Only a whole archive gets the name: a backup that failed leaves nothing behind.
        os.replace(partial, output)
    return manifest


def _postgresql_snapshot(path: Path) -> dict:
    """pg_dump and the counts see one snapshot: this transaction exports it and pg_dump
    imports it (--snapshot), so the counts are exactly the dump's rows."""
    snapshot = connection.copy()
    try:
        with snapshot.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            _pg_run(
                "pg_dump",
                connection.settings_dict,
                "--format=custom",
                f"--snapshot={snapshot_id}",
                f"--file={path}",
            )
            facts = _snapshot_facts(cursor)
            cursor.execute("COMMIT")
    finally:
        snapshot.close()
    return facts


def _sqlite_snapshot(path: Path) -> dict:
    """SQLite's backup API copies the database in one step, i.e. one read transaction, on a
    connection of its own (never the live file copied, which may be mid-write or have
    pages still in its WAL); the counts are then read from the copy."""
    source = connection.get_new_connection(connection.get_connection_params())
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
        return _snapshot_facts(copy.cursor())
    finally:
        source.close()
        copy.close()


def _snapshot_facts(cursor) -> dict:
    """Rows per table, applied migrations per app, and the media files rows name."""
    quote = connection.ops.quote_name
    tables = {}
    for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        tables[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    files = set()
    for model in apps.get_models():
        table = model._meta.db_table
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.FileField) and table in tables:
                cursor.execute(
                    f"SELECT {quote(field.column)} FROM {quote(table)} "
                    f"WHERE {quote(field.column)} <> ''"
                )
                files.update(name for (name,) in cursor.fetchall() if name)
    return {"tables": tables, "migrations": migrations, "files": files}


class _Hashing:
    """A file read through this is hashed as tarfile copies it: each file is read once."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_media(archive: tarfile.TarFile, media_root: Path) -> dict:
    media = {}
    for path in _media_files(media_root):
        name = path.relative_to(media_root).as_posix()
        try:
            file = path.open("rb")
        except FileNotFoundError:
            # Deleted since the walk; if a row of the snapshot names it, missing_media says so.
            continue
        with file:
            # The size is taken now; a file still being written is archived as far as it
            # was, and its hash is of exactly those bytes.
            info = archive.gettarinfo(fileobj=file, arcname=MEDIA_PREFIX + name)
            hashing = _Hashing(file)
            archive.addfile(info, hashing)
        media[name] = {"size": info.size, "sha256": hashing.sha256.hexdigest()}
    return media


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    found = []
    for folder, _dirs, names in os.walk(media_root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return sorted(found)


def backup_restore(*, archive_path: Path, force: bool = False) -> Restored:
    """Restore the archive into the configured database and MEDIA_ROOT, both empty unless
    `force`, then check both against the manifest. Nothing is touched before both are
    found empty."""
    media_root = Path(settings.MEDIA_ROOT).absolute()
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = _read_manifest(archive)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"备份来自 {manifest['engine']} 数据库,而本机配置的是 {connection.vendor}:"
                "请用同一种数据库恢复。"
            )
        if not force:
            _ensure_empty_database()
            _ensure_empty_media(media_root)
        try:
            database = archive.getmember(DATABASE_MEMBER[connection.vendor])
        except KeyError:
            raise BackupError("备份文件里没有数据库。") from None
        if connection.vendor == "postgresql":
            _postgresql_restore(archive, database)
        else:
            _sqlite_restore(archive, database)
        written = set()
        for member in archive.getmembers():
            if member.name.startswith(MEDIA_PREFIX):
                name = _media_name(member)
                _extract(archive, member, media_root / name)
                written.add(name)
    mismatches = _check_tables(manifest["tables"]) + _check_media(
        manifest["media"], written, media_root
    )
    return Restored(
        manifest=manifest, mismatches=mismatches, pending_migrations=_pending_migrations()
    )


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        return json.load(archive.extractfile(MANIFEST))
    except KeyError:
        raise BackupError("这不是本系统的备份文件:没有 manifest.json。") from None


def _ensure_empty_database():
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        full = []
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                full.append(table)
    if full:
        raise BackupError(
            f"目标数据库已有数据:{len(full)} 张表有数据(如 {full[0]})。"
            "请恢复到新建的空数据库,或加 --force 清空后恢复。"
        )


def _ensure_empty_media(media_root: Path):
    files = _media_files(media_root)
    if files:
        raise BackupError(
            f"媒体目录 {media_root} 里已有 {len(files)} 个文件(如 "
            f"{files[0].relative_to(media_root)}):请换一个空目录,或加 --force 覆盖同名文件。"
        )


def _media_name(member: tarfile.TarInfo) -> str:
    name = PurePosixPath(member.name.removeprefix(MEDIA_PREFIX))
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(f"备份文件里有不安全的路径:{member.name}")
    return name.as_posix()


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(member) as source, path.open("wb") as target:
        while chunk := source.read(CHUNK):
            target.write(chunk)
        target.flush()
        os.fsync(target.fileno())


def _postgresql_restore(archive: tarfile.TarFile, member: tarfile.TarInfo):
    quote = connection.ops.quote_name
    with tempfile.TemporaryDirectory(prefix="xjx-restore-") as work:
        # Out of the archive first: a damaged archive fails here, before anything is dropped.
        dump = Path(work) / member.name
        _extract(archive, member, dump)
        with connection.cursor() as cursor:
            # Tables left by `migrate`, or all a forced restore replaces, go, so that
            # pg_restore creates every table afresh; their sequences go with them.
            tables = connection.introspection.table_names(cursor, include_views=False)
            if tables:
                cursor.execute(f"DROP TABLE {', '.join(quote(t) for t in tables)} CASCADE")
        connection.close()
        # One transaction: all of it or nothing, and a commit per statement saved (a third
        # of the time).
        _pg_run(
            "pg_restore",
            connection.settings_dict,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(dump),
        )


def _sqlite_restore(archive: tarfile.TarFile, member: tarfile.TarInfo):
    target = Path(connection.settings_dict["NAME"])
    # Written beside the target, then renamed over it: the file is whole or not there.
    placed = target.with_name(f".{target.name}.restoring")
    _extract(archive, member, placed)
    connection.close()
    # A WAL left beside the old file would be replayed into the new one.
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    os.replace(placed, target)


def _pg_run(program: str, settings_dict: dict, *options: str):
    """Run pg_dump or pg_restore on the configured database. The password goes in
    PGPASSWORD, never on the command line where `ps` shows it."""
    _, env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    args = [program]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    if settings_dict.get("NAME"):
        args.append(f"--dbname={settings_dict['NAME']}")
    result = subprocess.run(
        [*args, *options],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"{program} 失败(退出码 {result.returncode}):{result.stderr.strip()}")


def _check_tables(expected: dict) -> list[str]:
    quote = connection.ops.quote_name
    present = set(connection.introspection.table_names(include_views=False))
    mismatches = []
    with connection.cursor() as cursor:
        for table, rows in expected.items():
            if table not in present:
                mismatches.append(f"表 {table}:备份有 {rows} 行,恢复后没有这张表")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            (count,) = cursor.fetchone()
            if count != rows:
                mismatches.append(f"表 {table}:备份有 {rows} 行,恢复后 {count} 行")
    return mismatches


def _check_media(expected: dict, written: set, media_root: Path) -> list[str]:
    """Every file of the manifest read back from the disk, as the app will read it."""
    mismatches = []
    for name, want in expected.items():
        path = media_root / name
        if not path.is_file():
            mismatches.append(f"文件 {name}:恢复后不存在")
            continue
        sha256 = hashlib.sha256()
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                sha256.update(chunk)
        if sha256.hexdigest() != want["sha256"] or path.stat().st_size != want["size"]:
            mismatches.append(f"文件 {name}:内容与备份清单不符(sha256 不一致)")
    for name in sorted(written - expected.keys()):
        mismatches.append(f"文件 {name}:在备份文件里,却不在清单上")
    return mismatches


def _pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))

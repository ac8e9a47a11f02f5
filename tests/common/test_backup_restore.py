"""`manage.py backup` and `manage.py restore` (common.backup): the database and MEDIA_ROOT go
into one archive and come back together, checked against its manifest (issue 12).

The backup runs here, on the suite's test database; pg_dump is another process and sees
committed rows only, hence transaction=True. The restore runs in a process of its own, as
an administrator runs it, pointed by DATABASE_URL and TEST_MEDIA_ROOT at an empty target of
the suite's engine: on SQLite a new file, on PostgreSQL a scratch database made and dropped
here (never the test database).
"""

import dataclasses
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, connections

from reports.models import Briefing, BriefingState
from tests.conftest import require_service

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass
class Target:
    url: str
    settings_dict: dict


@pytest.fixture(autouse=True)
def postgresql_tools():
    if connection.vendor == "postgresql":
        require_service(
            shutil.which("pg_dump") and shutil.which("pg_restore"),
            "postgresql-client (pg_dump, pg_restore)",
        )


@pytest.fixture
def target(tmp_path):
    """An empty database to restore into."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield Target(f"sqlite:///{path}", {**connection.settings_dict, "NAME": str(path)})
        return
    name = f"xjx_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        given = connection.settings_dict
        user = quote(given["USER"]) + (f":{quote(given['PASSWORD'])}" if given["PASSWORD"] else "")
        yield Target(
            f"postgres://{user}@{given['HOST']}:{given['PORT']}/{name}", {**given, "NAME": name}
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def finished(district, media):
    """Two finished briefings with their PDFs, as reports.services.briefings leaves them."""
    made = []
    for issue, unit in [(1, district.root), (2, district.education)]:
        briefing = Briefing.objects.create(
            batch=district.batch,
            unit=unit,
            issue_number=issue,
            period_start=datetime.date(2005, 1, 20),
            period_end=datetime.date(2005, 1, 26),
            state=BriefingState.DONE,
            progress=100,
            requested_by=district.users["office"],
        )
        briefing.file.save(
            f"jianbao-{issue}.pdf", ContentFile(f"%PDF-1.7\n% issue {issue}\n".encode())
        )
        made.append(briefing)
    return made


def _backup(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", output=path, stdout=out, stderr=err)
    with tarfile.open(path) as archive:
        return json.load(archive.extractfile("manifest.json")), err.getvalue()


def _restore(archive, target, media_root, *args):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_TESTRUNUID"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *args],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": target.url,
            "TEST_MEDIA_ROOT": str(media_root),
            "PYTHONIOENCODING": "utf-8",
        },
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )


def _rows(settings_dict=None):
    """Rows per table of the suite's database, or of the one `settings_dict` names."""
    database = connection if settings_dict is None else type(connections["default"])(settings_dict)
    try:
        with database.cursor() as cursor:
            rows = {}
            for table in database.introspection.table_names(cursor, include_views=False):
                cursor.execute(f"SELECT COUNT(*) FROM {database.ops.quote_name(table)}")
                rows[table] = cursor.fetchone()[0]
            return rows
    finally:
        if database is not connection:
            database.close()


def _execute(settings_dict, sql):
    database = type(connections["default"])(settings_dict)
    try:
        with database.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        database.close()


def test_it_restores_the_database_and_the_media(finished, media, target, tmp_path):
    manifest, warnings = _backup(tmp_path / "backup.tar.gz")
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == _rows()
    assert manifest["tables"]["reports_briefing"] == 2
    assert "0001_initial" in manifest["migrations"]["reports"]
    assert manifest["taken_at"].endswith("+08:00")
    assert sorted(manifest["media"]) == sorted(briefing.file.name for briefing in finished)
    assert manifest["missing_media"] == [] and warnings == ""

    restored_media = tmp_path / "restored-media"
    result = _restore(tmp_path / "backup.tar.gz", target, restored_media)

    assert result.returncode == 0, result.stderr
    assert "核对一致" in result.stdout
    assert _rows(target.settings_dict) == manifest["tables"]
    names = _execute(target.settings_dict, "SELECT file FROM reports_briefing ORDER BY file")
    assert [name for (name,) in names] == sorted(manifest["media"])
    for (name,) in names:
        assert (restored_media / name).read_bytes() == (media / name).read_bytes()


def test_it_refuses_a_database_with_rows_unless_forced(finished, target, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    _backup(archive)
    _execute(target.settings_dict, "CREATE TABLE leftover (kept integer)")
    _execute(target.settings_dict, "INSERT INTO leftover VALUES (1)")

    refused = _restore(archive, target, tmp_path / "restored-media")

    assert refused.returncode != 0
    assert "目标数据库已有数据" in refused.stderr and "leftover" in refused.stderr
    assert _rows(target.settings_dict) == {"leftover": 1}
    assert not (tmp_path / "restored-media").exists()

    forced = _restore(archive, target, tmp_path / "restored-media", "--force")

    assert forced.returncode == 0, forced.stderr
    assert _rows(target.settings_dict) == _rows()


def test_it_refuses_a_media_folder_with_files(finished, target, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    _backup(archive)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "photo.jpg").write_bytes(b"\xff\xd8")

    refused = _restore(archive, target, tmp_path / "used")

    assert refused.returncode != 0
    assert "媒体目录" in refused.stderr and "photo.jpg" in refused.stderr
    assert _rows(target.settings_dict).get("reports_briefing") is None
    assert [path.name for path in (tmp_path / "used").rglob("*")] == ["photo.jpg"]


def test_it_fails_when_a_file_differs_from_the_manifest(finished, target, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    _backup(archive)
    changed = f"media/{finished[0].file.name}"
    with tarfile.open(archive) as original:
        members = [
            (member, original.extractfile(member).read()) for member in original.getmembers()
        ]
    with tarfile.open(archive, "w:gz") as tampered:
        for member, data in members:
            if member.name == changed:
                data = b"%PDF-1.7\n% not the briefing that was made\n"
                member.size = len(data)
            tampered.addfile(member, io.BytesIO(data))

    result = _restore(archive, target, tmp_path / "restored-media")

    assert result.returncode != 0
    assert finished[0].file.name in result.stderr
    assert "核对不一致:1 处" in result.stderr


def test_the_manifest_lists_files_rows_name_but_the_media_folder_lacks(finished, media, tmp_path):
    (media / finished[1].file.name).unlink()

    manifest, warnings = _backup(tmp_path / "backup.tar.gz")

    assert manifest["missing_media"] == [finished[1].file.name]
    assert list(manifest["media"]) == [finished[0].file.name]
    assert "1 个文件不在媒体目录里" in warnings

"""A scratch database made and seeded by old main's own code, and what a test compares of it.

Nothing here uses Django's connection: the database is not the test database, so it is
reached through manage.py in a subprocess or a plain DB-API connection.
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent

# Django's own bookkeeping: it is expected to differ between the layouts.
UNCOMPARED_TABLES = {"django_migrations"}
# Kept row by row, since their rows are expected to change (content types move app) or
# to be added to (post_migrate adds content types and permissions for the current models).
KEPT_TABLES = {"django_content_type", "auth_permission"}

# One row in each ledger table the demo seed leaves empty, so that "every row survives"
# covers every moved table, and a foreign key between two moved tables, and one admin log
# entry pointing at a moved model's content type. Old main's code never changes, so these
# old model names stay right.
ROWS_THE_SEED_LEAVES_OUT = """
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaign.models import (
    ActivityAttachment, Briefing, Campaign, DiscussionSession, LedgerCorrection,
    PracticeActivity, RectificationChange, RectificationItem, SurveyResponse, TripRequest,
)
from study.models import MakeUp, Reading, SelfStudy
from units.models import Member, Unit

office = get_user_model().objects.get(username="office")
unit = Unit.objects.filter(parent__isnull=False).order_by("pk").first()
today = timezone.localdate()
activity = PracticeActivity.objects.order_by("pk").first()
ActivityAttachment.objects.create(
    activity=activity, file="activities/2005/03/photo.jpg", original_name="活动照片.jpg",
    content_type="image/jpeg", size=1234, uploaded_by=office,
)
briefing = Briefing.objects.create(
    campaign=Campaign.objects.get(), unit=Unit.objects.get(parent__isnull=True),
    issue_number=99, period_start=today, period_end=today, state="done", progress=100,
    file="briefings/2005/03/99.pdf", requested_by=office,
)
DiscussionSession.objects.create(
    unit=unit, held_on=today, participants="全体党员", summary="讨论先进性具体要求",
    recorded_by=office,
)
LedgerCorrection.objects.create(
    unit=activity.unit, ledger="activity", record_id=activity.pk, record=str(activity)[:200],
    action="changed", changes={"人数": ["10", "12"]}, reason="登记有误", changed_by=office,
)
RectificationChange.objects.create(
    item=RectificationItem.objects.order_by("pk").first(), changed_by=office,
    changes={"整改情况": ["待整改", "整改中"]},
)
SurveyResponse.objects.create(
    unit=unit, office_rating=4, organisation_rating=3, members_rating=4, opinion="满意",
    device_day="0" * 64,
)
TripRequest.objects.create(
    traveller=Member.objects.filter(is_leading_cadre=True).order_by("pk").first(),
    kind="abroad", destination="香港", purpose="签订项目", leaves_on=today, returns_on=today,
    state="approved", requested_by=office, decided_by=office, decided_at=timezone.now(),
    makeup=MakeUp.objects.order_by("pk").first(),
)
SelfStudy.objects.order_by("pk").first().readings.add(Reading.objects.order_by("pk").first())
LogEntry.objects.log_action(
    user_id=office.pk, content_type_id=ContentType.objects.get_for_model(Briefing).pk,
    object_id=briefing.pk, object_repr=str(briefing), action_flag=CHANGE,
)
"""


def export(commit, dest):
    """Old main's files at `commit` into `dest`; the reason as a string if git can't."""
    try:
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True)
    except FileNotFoundError:
        return "git is not installed"
    if archive.returncode != 0:
        return f"git archive {commit} in {ROOT}: {archive.stderr.decode(errors='replace')}"
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return None


@dataclasses.dataclass
class Database:
    url: str
    connect: object


@contextlib.contextmanager
def scratch_database(tmp_path, settings_database):
    """A database of its own, on the engine the suite runs on; dropped afterwards."""
    if "postgresql" not in settings_database["ENGINE"]:
        path = tmp_path / "old_layout.sqlite3"
        yield Database(f"sqlite:///{path}", lambda: sqlite3.connect(path))
        return
    # Several runs share the server (xdist workers, other checkouts): never a fixed name.
    name = f"xjx_upgrade_{uuid.uuid4().hex[:10]}"
    server = {
        "host": settings_database.get("HOST") or "127.0.0.1",
        "port": settings_database.get("PORT") or 5432,
        "user": settings_database.get("USER") or "postgres",
    }
    if settings_database.get("PASSWORD"):
        server["password"] = settings_database["PASSWORD"]
    credentials = quote(server["user"]) + (
        f":{quote(server['password'])}" if "password" in server else ""
    )
    url = f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Database(url, lambda: psycopg.connect(dbname=name, **server))
    finally:
        # FORCE: a manage.py killed by its timeout may still hold a connection.
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def manage_env(database, media_root):
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database.url,
        "DEBUG": "true",
        "MEDIA_ROOT": str(media_root),
        # Neither tree gets bytecode written into it by this test.
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }


def manage(tree, *args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} (in {tree}) exited with {result.returncode}:\n"
            f"{result.stderr[-6000:]}\n{result.stdout[-2000:]}",
            pytrace=False,
        )
    return result


@dataclasses.dataclass(frozen=True)
class Table:
    columns: frozenset
    count: int
    sha256: str


@dataclasses.dataclass
class Snapshot:
    tables: dict  # name → Table
    rows: dict  # name in KEPT_TABLES → {id: {column: value}}
    foreign_keys: set  # (table, column, referenced table, referenced column)
    sequences: dict  # table → the last id handed out
    orphans: list  # rows whose parent is missing (SQLite; PostgreSQL enforces it itself)

    @property
    def content_types(self):
        """id → (app_label, model)."""
        return {
            pk: (row["app_label"], row["model"])
            for pk, row in self.rows["django_content_type"].items()
        }

    @property
    def permissions(self):
        """id → {column: value}."""
        return self.rows["auth_permission"]


def _json_default(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _table(columns, rows, added=()):
    # Each row by its column names, the rows sorted: neither the order the database returns
    # rows in nor the order of the columns (SQLite rebuilds a table to alter a column, and
    # puts it last) matters; a renamed column is compared under its new name.
    lines = sorted(
        json.dumps(
            {
                column: value
                for column, value in zip(columns, row, strict=True)
                if column not in added
            },
            default=_json_default,
            ensure_ascii=False,
            sort_keys=True,
        )
        for row in rows
    )
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return Table(frozenset(columns) - frozenset(added), len(lines), digest)


def _by_id(columns, rows):
    return {row[columns.index("id")]: dict(zip(columns, row, strict=True)) for row in rows}


def snapshot(database, renamed_columns=None, added_columns=None):
    """Every table's columns, count and contents; `renamed_columns` ({table: {old column:
    new column}}) names the columns of those tables as they are to be compared, and
    `added_columns` ({table: {column}}) leaves out columns a migration added to a table."""
    connection = database.connect()
    try:
        if isinstance(connection, sqlite3.Connection):
            return _snapshot_sqlite(connection, renamed_columns or {}, added_columns or {})
        return _snapshot_postgresql(connection, renamed_columns or {}, added_columns or {})
    finally:
        connection.close()


def _snapshot_sqlite(connection, renamed_columns, added_columns):
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
            " ESCAPE '\\' ORDER BY name"
        )
        if name not in UNCOMPARED_TABLES
    ]
    tables, rows, foreign_keys = {}, {}, set()
    for name in names:
        # table_xinfo lists generated columns too, as SELECT * returns them.
        columns = [column[1] for column in connection.execute(f'PRAGMA table_xinfo("{name}")')]
        data = connection.execute(f'SELECT * FROM "{name}"').fetchall()
        renamed = renamed_columns.get(name, {})
        tables[name] = _table(
            [renamed.get(column, column) for column in columns],
            data,
            added_columns.get(name, ()),
        )
        if name in KEPT_TABLES:
            rows[name] = _by_id(columns, data)
        for key in connection.execute(f'PRAGMA foreign_key_list("{name}")'):
            foreign_keys.add((name, key[3], key[2], key[4]))
    sequences = dict(connection.execute("SELECT name, seq FROM sqlite_sequence"))
    sequences = {name: seq for name, seq in sequences.items() if name not in UNCOMPARED_TABLES}
    orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    return Snapshot(tables, rows, foreign_keys, sequences, orphans)


FOREIGN_KEYS_SQL = """
SELECT child.relname, child_column.attname, parent.relname, parent_column.attname
FROM pg_constraint AS c
JOIN pg_class AS child ON child.oid = c.conrelid
JOIN pg_namespace AS ns ON ns.oid = child.relnamespace
JOIN pg_class AS parent ON parent.oid = c.confrelid
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child_attnum, parent_attnum)
JOIN pg_attribute AS child_column
    ON child_column.attrelid = c.conrelid AND child_column.attnum = k.child_attnum
JOIN pg_attribute AS parent_column
    ON parent_column.attrelid = c.confrelid AND parent_column.attnum = k.parent_attnum
WHERE c.contype = 'f' AND ns.nspname = 'public'
"""

# The sequence behind each table's id (serial or identity), by what owns it.
SEQUENCES_SQL = """
SELECT owner.relname, s.last_value
FROM pg_sequences AS s
JOIN pg_namespace AS ns ON ns.nspname = s.schemaname
JOIN pg_class AS seq ON seq.relname = s.sequencename AND seq.relnamespace = ns.oid
JOIN pg_depend AS d
    ON d.objid = seq.oid AND d.classid = 'pg_class'::regclass
    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class AS owner ON owner.oid = d.refobjid
WHERE s.schemaname = 'public'
"""


def _snapshot_postgresql(connection, renamed_columns, added_columns):
    names = [
        name
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        if name not in UNCOMPARED_TABLES
    ]
    tables, rows = {}, {}
    for name in names:
        columns = [
            column
            for (column,) in connection.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                [name],
            )
        ]
        data = connection.execute(
            sql.SQL("SELECT * FROM {}").format(sql.Identifier(name))
        ).fetchall()
        renamed = renamed_columns.get(name, {})
        tables[name] = _table(
            [renamed.get(column, column) for column in columns],
            data,
            added_columns.get(name, ()),
        )
        if name in KEPT_TABLES:
            rows[name] = _by_id(columns, data)
    foreign_keys = set(connection.execute(FOREIGN_KEYS_SQL).fetchall())
    sequences = {
        name: last_value
        for name, last_value in connection.execute(SEQUENCES_SQL)
        if name not in UNCOMPARED_TABLES
    }
    return Snapshot(tables, rows, foreign_keys, sequences, orphans=[])

"""A real Celery worker over Redis makes a briefing end to end, as in production.

The worker is a separate process, so it must see the rows this test commits: that needs
the test database on PostgreSQL (an in-memory SQLite test database is this process's
alone). Under CI the suite runs on PostgreSQL with Redis, and this test must run there.
"""

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from reports.models import Briefing, BriefingState
from reports.services.briefings import briefing_request
from tests.conftest import require_service

REDIS_URL = "redis://127.0.0.1:6379/15"
# A queue of this run's own: another suite running beside this one (another checkout, or
# `make test` twice) must neither take this run's briefing nor hand it one.
QUEUE = f"xjx-test-{settings.RUN_ID}"
WAIT_SECONDS = 60

pytestmark = pytest.mark.django_db(transaction=True)


def redis_reachable():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def forget_broker_connections():
    """Even eager tasks take a producer from a pool made for the broker of the time: close
    kombu's shared pools and drop the app's references, so the next task uses the new one."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker():
    """This process sends tasks to Redis instead of running them."""
    import redis

    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process sees the test database only on PostgreSQL "
            "(run with DATABASE_URL=postgres://…); on SQLite the in-process mode is tested"
        )
    require_service(redis_reachable(), "Redis on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).delete(QUEUE)
    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=QUEUE)
    forget_broker_connections()
    yield
    app.conf.update(saved)
    forget_broker_connections()


@pytest.fixture
def worker(broker, tmp_path):
    """A Celery worker in its own process, on the test database; its output in a file."""
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "TEST_MEDIA_ROOT": str(media),
        "MEDIA_ROOT": str(media),
        "CONN_MAX_AGE": "0",
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                QUEUE,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=info",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, media, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_over_redis_makes_the_briefing(district, worker, settings):
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")
    process, media, log_path = worker
    settings.MEDIA_ROOT = str(media)

    briefing = briefing_request(
        user=district.users["office"],
        unit=district.root,
        issue_number=12,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
    )

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        briefing.refresh_from_db()
        if briefing.state in (BriefingState.DONE, BriefingState.FAILED):
            break
        log = Path(log_path).read_text(errors="replace")
        assert process.poll() is None, f"the worker exited:\n{log}"
        assert time.monotonic() < deadline, f"still {briefing.state} after 60 s:\n{log}"
        time.sleep(0.5)

    assert briefing.state == BriefingState.DONE, briefing.error
    assert briefing.progress == 100
    path = media / briefing.file.name
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=30
    ).stdout.decode()
    text = re.sub(r"\s+", "", text)  # "第 1 期" or "第1期": the layout decides
    assert "先进性教育活动简报" in text
    assert "第12期" in text
    assert Briefing.objects.get(pk=briefing.pk).finished_at is not None

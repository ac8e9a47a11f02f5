"""Real processes for the tests of faults (issue 12): a Redis of the test's own, stopped and
started again by the test, and Celery workers it starts and kills.

Never the machine's shared Redis on 6379: each test runs `redis-server` on a free port. The
workers are tests/reports/fault_worker.py: the app's worker with shorter timings and a log
of its renders.
"""

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import kombu.pools
import pytest
import redis
from django.conf import settings

from tests.conftest import require_service


def free_port():
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of one test, on a port of its own, that the test may stop and start."""

    def __init__(self, directory):
        require_service(shutil.which("redis-server"), "redis-server (apt-get install redis)")
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        return redis.Redis(port=self.port, socket_connect_timeout=2)

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while True:
            assert self.process.poll() is None, "redis-server exited"
            try:
                if self.client().ping():
                    return
            except redis.RedisError:
                pass
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def forget_broker_connections(app):
    """Close kombu's shared pools and drop the app's references to them, so the next send
    connects to the broker configured now."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def forget_result_backend(app):
    with contextlib.suppress(AttributeError):
        del app._local.backend


@contextlib.contextmanager
def sending_to(app, redis_server, queue):
    """This process sends jobs to `redis_server`, not in-process, configured as production
    is (CELERY_BROKER_URL set): the result backend defaults to the broker."""
    keys = ("task_always_eager", "broker_url", "result_backend", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url=redis_server.url,
        result_backend=redis_server.url,
        task_default_queue=queue,
    )
    forget_broker_connections(app)
    forget_result_backend(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        forget_broker_connections(app)
        forget_result_backend(app)


def waiting_messages(redis_server, queue):
    """The jobs waiting in the queue, as (task name, args), oldest first."""
    found = []
    for raw in reversed(redis_server.client().lrange(queue, 0, -1)):
        message = json.loads(raw)
        args = json.loads(base64.b64decode(message["body"]))[0]
        found.append((message["headers"]["task"], args))
    return found


class Worker:
    """A Celery worker process on the test's database and Redis; its output in a file."""

    def __init__(self, *, redis_server, queue, directory, name, pool="solo", slow_first_pdf=0):
        from tests.reports.test_briefing_worker import database_url

        self.log_path = directory / f"{name}.log"
        self.render_log = directory / "renders.log"
        self.media = directory / "media"
        self.media.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_server.url,
            "CELERY_RESULT_BACKEND": redis_server.url,
            "TEST_MEDIA_ROOT": str(self.media),
            "CONN_MAX_AGE": "0",
            "FAULT_RENDER_LOG": str(self.render_log),
            "FAULT_SLOW_FIRST_PDF": str(slow_first_pdf),
        }
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.reports.fault_worker"]
                + [f"--pool={pool}", "--concurrency=1", "-Q", queue, f"--hostname={name}@%h"]
                + ["--without-heartbeat", "--without-gossip", "--without-mingle"]
                + ["--loglevel=info"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def renders(self):
        """The process ids that started a PDF render, in order."""
        if not self.render_log.exists():
            return []
        return [int(line) for line in self.render_log.read_text().split()]

    def assert_alive(self):
        assert self.process.poll() is None, f"the worker exited:\n{self.log()}"

    def kill(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_until(condition, *, seconds, what, workers=()):
    """Poll `condition` until it holds; fail with the workers' output after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        for worker in workers:
            worker.assert_alive()
        if time.monotonic() > deadline:
            logs = "\n".join(worker.log() for worker in workers)
            pytest.fail(f"{what}: not after {seconds} s\n{logs}")
        time.sleep(0.1)

"""A worker killed with SIGKILL in the middle of a briefing's PDF (issue 12): the briefing is
finished by itself, exactly once, and a second delivery while the first is at work does not
render it again.

Real processes: a redis-server and Celery workers of the test's own, with the job's timings
shortened (tests/reports/processes.py: heartbeat every 0.5 s, stale after 2 s, Redis gives
an unacknowledged message back after 3 s; in production 10 s, 60 s and 5 minutes). The
workers must see the rows this test commits, which needs the test database on PostgreSQL;
under CI the suite runs there too.
"""

import datetime
import os
import signal
import time

import pytest
from django.db import connection

from config.celery import app
from reports.models import BriefingState
from reports.services.briefings import briefing_generate, briefing_request
from tests.reports.processes import Worker, sending_to, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "briefings-under-test"
# The first render of a test sleeps this long first: the test kills it meanwhile.
SLOW = 60
WAIT = 60


@pytest.fixture
def broker(redis_server, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "a worker process sees the test database only on PostgreSQL "
            "(run with DATABASE_URL=postgres://…)"
        )
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with sending_to(app, redis_server, QUEUE):
        yield redis_server


@pytest.fixture
def workers(broker, tmp_path):
    """start(name, **options) → a worker on the test's Redis; all are stopped at the end."""
    started = []

    def start(name, **options):
        worker = Worker(redis_server=broker, queue=QUEUE, directory=tmp_path, name=name, **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def ask(district):
    return briefing_request(
        user=district.users["office"],
        unit=district.root,
        issue_number=7,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
    )


def finished(briefing):
    def check():
        briefing.refresh_from_db()
        return briefing.state in (BriefingState.DONE, BriefingState.FAILED)

    return check


def assert_made_once(briefing, worker, broker, *, attempts):
    assert briefing.state == BriefingState.DONE, briefing.error
    assert (briefing.progress, briefing.attempts) == (100, attempts)
    pdfs = list(worker.media.rglob("*.pdf"))
    assert [path.relative_to(worker.media).as_posix() for path in pdfs] == [briefing.file.name]
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    redis = broker.client()
    # Nothing left to deliver, nothing held by a dead worker.
    assert redis.llen(QUEUE) == 0
    assert redis.hlen("unacked") == 0


def test_a_briefing_whose_worker_is_killed_mid_render_is_finished_by_the_next_worker(
    district, broker, workers
):
    first = workers("first", slow_first_pdf=SLOW)
    briefing = ask(district)
    wait_until(first.renders, seconds=WAIT, what="the first worker renders", workers=[first])
    briefing.refresh_from_db()
    assert (briefing.state, briefing.progress) == (BriefingState.RUNNING, 60)

    first.kill()
    killed_at = time.monotonic()
    second = workers("second")
    wait_until(finished(briefing), seconds=WAIT, what="the briefing is made", workers=[second])
    seconds = time.monotonic() - killed_at

    assert_made_once(briefing, second, broker, attempts=2)
    killed, taken_over = first.renders()
    assert taken_over != killed
    print(f"\nkilled worker → briefing done by the next one in {seconds:.1f} s")


def test_a_render_killed_under_a_running_worker_is_taken_over_without_a_restart(
    district, broker, workers
):
    """The out-of-memory killer's way: the pool's child dies, the worker lives on and gives
    the message straight back (reject_on_worker_lost)."""
    worker = workers("prefork", pool="prefork", slow_first_pdf=SLOW)
    briefing = ask(district)
    wait_until(worker.renders, seconds=WAIT, what="the child renders", workers=[worker])

    (child,) = worker.renders()
    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_until(finished(briefing), seconds=WAIT, what="the briefing is made", workers=[worker])
    seconds = time.monotonic() - killed_at

    assert_made_once(briefing, worker, broker, attempts=2)
    assert len(worker.renders()) == 2
    print(f"\nkilled pool child → briefing done in {seconds:.1f} s")


def test_a_second_delivery_while_the_first_is_at_work_does_not_render_again(
    district, broker, workers
):
    first = workers("first", slow_first_pdf=5)
    briefing = ask(district)
    wait_until(first.renders, seconds=WAIT, what="the first worker renders", workers=[first])
    second = workers("second")
    # A second copy of the message (a retry, a redelivery, the sweep) while the first
    # worker is alive and rendering: its heartbeat keeps the second one waiting.
    briefing_generate.delay(briefing.pk)

    wait_until(
        finished(briefing), seconds=WAIT, what="the briefing is made", workers=[first, second]
    )
    wait_until(
        lambda: f"briefing {briefing.pk} is done: nothing to do" in second.log(),
        seconds=WAIT,
        what="the second delivery stands down",
        workers=[second],
    )

    assert_made_once(briefing, first, broker, attempts=1)
    assert len(first.renders()) == 1

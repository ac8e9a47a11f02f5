"""Fixtures of the reports' fault tests (tests/reports/processes.py)."""

import pytest

from tests.reports.processes import RedisServer


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own, running; the test may stop and start it."""
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()

"""The embedded default, SQLite in a file, with several writers at once: survey answers
posted from many threads all land, none is told "database is locked" (WAL, a busy timeout
and IMMEDIATE transactions; config/settings.py).

The suite's own SQLite database is in memory and one connection's, so the writers run in a
process of their own on a database file of the test's: `python -m` this module with the
file's path migrates it, posts from the threads and prints what each was answered.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS = 8
POSTS = 6


def test_concurrent_survey_answers_on_a_sqlite_file_all_land(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_TESTRUNUID"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.common.test_sqlite_concurrency", str(database)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "database is locked" not in result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["journal_mode"] == "wal"
    assert outcome["statuses"] == {"302": THREADS * POSTS}
    assert outcome["answers"] == outcome["opinions"] == THREADS * POSTS


def _post_from_threads(database: str) -> dict:
    """Migrate the file, then THREADS threads each post POSTS answers with an opinion
    (an answer and an opinion waiting in the unit's inbox each), all starting together."""
    import threading
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from ledgers.models import SurveyOpinion, SurveyResponse
    from ledgers.services.rectification import survey_token
    from units.models import Unit, UnitKind

    assert connection.settings_dict["NAME"] == database
    call_command("migrate", verbosity=0)
    unit = Unit.objects.create(name="区一中党支部", kind=UnitKind.BRANCH)
    url = reverse("ledgers:survey", args=[survey_token(unit)])
    start = threading.Barrier(THREADS)

    def post(thread: int) -> list[int]:
        client = Client(raise_request_exception=False)
        start.wait(timeout=30)
        statuses = []
        for n in range(POSTS):
            # A phone of its own and an address of its own: neither the once-a-day rule
            # nor the limit per address stands in the way.
            client.cookies.clear()
            response = client.post(
                url,
                {
                    "office_rating": "4",
                    "organisation_rating": "3",
                    "members_rating": "2",
                    "opinion": f"意见 {thread}-{n}",
                },
                REMOTE_ADDR=f"10.0.{thread}.{n}",
            )
            statuses.append(response.status_code)
        connection.close()
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = Counter(str(s) for batch in pool.map(post, range(THREADS)) for s in batch)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    return {
        "statuses": dict(statuses),
        "answers": SurveyResponse.objects.count(),
        "opinions": SurveyOpinion.objects.count(),
        "journal_mode": journal_mode,
    }


if __name__ == "__main__":
    print(json.dumps(_post_from_threads(sys.argv[1])))

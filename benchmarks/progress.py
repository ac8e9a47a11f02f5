"""How long the progress pages take on a whole district, and how many queries they make.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/b.sqlite3 .venv/bin/python -m benchmarks.progress --scale 20

On an empty database it migrates and runs `seed_demo --scale N`, which writes a study
ledger in bulk (sessions with sign-ins, make-ups, self-study, writings and reviews, uneven
across branches) and refreshes every member's progress; a district without a ledger gets
one the same way (`study.demo.seed_study_ledger`). A database that already holds sessions
is timed as it is, so a second run only measures.

Each page is fetched through the Django test client, logged in as the district office.
Besides the time and the number of queries, every SELECT a page made is run again to count
the rows it returned: no page may fetch more rows in one query than its largest list (a
branch's members, a unit's children, the 20 laggards) — the proof that a district's
figures are added up in the database, not by loading its members into Python.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
import unicodedata

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from demo.study import seed_study_ledger  # noqa: E402
from study.models import Attendance, StudySession  # noqa: E402
from study.views.progress import ROWS_PER_PAGE  # noqa: E402
from units.models import Member, SupervisionGroup, Unit, UnitKind  # noqa: E402
from units.permissions import scope_for  # noqa: E402

RANDOM_SEED = 2005
RUNS = 5


def _pad(text, width):
    """Left-align `text` in `width` terminal columns; Chinese characters take two."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 0)


def log(message):
    print(message, flush=True)


# The district and its ledger ------------------------------------------------------------


def prepare(scale):
    """Migrate; seed the demo district with its study ledger if the database is empty,
    or write the ledger alone for a district that has none yet."""
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    if not Unit.objects.exists():
        call_command("seed_demo", scale=scale, stdout=io.StringIO())
        log(f"seed_demo --scale {scale} (units, members, study ledger, progress): "
            f"{time.monotonic() - started:.1f} s")  # fmt: skip
    elif not StudySession.objects.exists():
        with transaction.atomic():
            seed_study_ledger(
                root=Unit.objects.get(parent=None),
                rng=random.Random(RANDOM_SEED),
                recorder=get_user_model().objects.get(username="leader1"),
            )
        log(f"study ledger and progress written: {time.monotonic() - started:.1f} s")
    # Fresh tables have no planner statistics; a live database has them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # DEBUG keeps the last 9,000 queries: after seeding the log is full, and a full log
    # does not grow, so CaptureQueriesContext would count none of a page's queries.
    connection.queries_log.clear()


# Timing ---------------------------------------------------------------------------------


def rows_returned(queries):
    """Run every SELECT again and count the rows each one returns."""
    counts = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(sql)
            counts.append(len(cursor.fetchall()))
    return counts


def measure(client, url):
    timings = []
    client.get(url)  # warm the caches, as a page viewed twice would be
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, queries.captured_queries


def pages():
    """(label, url, the longest list the page may fetch) for the pages timed."""
    root = Unit.objects.get(parent=None)
    committee = (
        Unit.objects.filter(depth=1)
        .annotate(children_count=Count("children"))
        .order_by("-children_count", "pk")
        .first()
    )
    branch = (
        Unit.objects.filter(kind=UnitKind.BRANCH, study_sessions__isnull=False)
        .annotate(members_count=Count("members", distinct=True))
        .order_by("-members_count", "pk")
        .first()
    )
    largest_branch = (
        Member.objects.values("unit_id").annotate(n=Count("pk")).order_by("-n").first()["n"]
    )
    group = SupervisionGroup.objects.order_by("number").first()
    member = branch.members.order_by("pk").first()
    # A branch's members, the 20 laggards, or a page of child units: the database ranks a
    # unit's children and hands over the 50 a page shows, however many there are.
    lists = max(largest_branch, 20, ROWS_PER_PAGE)
    return [
        ("区委 (district)", reverse("study:unit_progress", args=[root.pk]), lists),
        (f"{committee.name} (committee)", reverse("study:unit_progress", args=[committee.pk]),
         lists),
        (f"{branch.name} (branch)", reverse("study:unit_progress", args=[branch.pk]), lists),
        (f"{group.name} (group)", reverse("study:group_progress", args=[group.pk]), lists),
        (f"{member.name} (member)", reverse("study:member_progress", args=[member.pk]), lists),
        (f"{branch.name} ledger.xlsx", reverse("study:ledger_export", args=[branch.pk]),
         None),
    ]  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (default 1)")
    args = parser.parse_args(argv)
    prepare(args.scale)
    members = Member.objects.count()
    log(
        f"{connection.vendor}: {Unit.objects.filter(kind=UnitKind.BRANCH).count()} branches, "
        f"{members} members, {StudySession.objects.count()} sessions, "
        f"{Attendance.objects.count()} sign-ins"
    )
    office = get_user_model().objects.get(username="office")
    client = Client(HTTP_HOST="localhost")
    client.force_login(office)
    scope_for(office)
    log(f"{_pad('page', 40)} {'queries':>7} {'min ms':>8} {'median ms':>10} {'max rows':>9}")
    failures = []
    for label, url, row_limit in pages():
        timings, queries = measure(client, url)
        rows = rows_returned(queries)
        log(
            f"{_pad(label, 40)} {len(queries):>7} {min(timings):>8.1f} "
            f"{statistics.median(timings):>10.1f} {max(rows):>9}"
        )
        if row_limit is not None and max(rows) > row_limit:
            failures.append(f"{label}: a query returned {max(rows)} rows (limit {row_limit})")
    if failures:
        log("\n".join(failures))
        return 1
    log(f"No query returned more rows than the page lists (of {members} members).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long a 简报 takes on a whole district: collecting its figures (ours) apart from
WeasyPrint laying out the same HTML (theirs).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/b.sqlite3 .venv/bin/python -m benchmarks.briefing --scale 20

On an empty database it migrates and runs `seed_demo --scale N` (the demo district with
its study ledger and the other ledgers, every branch repeated N times); a database that
already holds a district is only measured. Nothing is written: the briefings timed are
not saved.

For the district, the supervision group with the most units and the largest 党委, it
reports the queries `briefing_collect` makes, the most rows any of them returned (each
SELECT is run again to count them), the time to collect, to fill the template, and for
WeasyPrint to make the PDF, and the PDF's pages. It fails if a query returns more rows
than the briefing lists — figures added up in Python rather than in the database.
"""

import argparse
import io
import logging
import os
import re
import shutil
import statistics
import subprocess
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks.progress import _pad, log, rows_returned  # noqa: E402
from campaign.models import Batch, Stage  # noqa: E402
from reports.briefing_document import briefing_html, briefing_pdf  # noqa: E402
from reports.models import Briefing  # noqa: E402
from reports.selectors.briefing import briefing_collect  # noqa: E402
from units.models import Member, SupervisionGroup, Unit  # noqa: E402

COLLECT_RUNS = 5
PDF_RUNS = 3


def prepare(scale):
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", scale=scale, stdout=io.StringIO())
        log(f"seed_demo --scale {scale}: {time.monotonic() - started:.1f} s")
    # Fresh tables have no planner statistics; a live database has them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def scopes(batch):
    """(label, unsaved briefing, the most rows one query may return)."""
    period = {
        "batch": batch,
        "issue_number": 1,
        "period_start": batch.starts_on,
        "period_end": min(timezone.localdate(), batch.ends_on),
    }
    # branch_stages groups the branches by (row unit, stage, done): a handful per row.
    per_row = Stage.objects.filter(batch=batch).count() + 2
    root = Unit.objects.get(parent=None)
    group = SupervisionGroup.objects.annotate(n=Count("units")).order_by("-n", "pk").first()
    committee = (
        Unit.objects.filter(depth=1).annotate(n=Count("children")).order_by("-n", "pk").first()
    )
    result = [(f"全区 ({root.name})", Briefing(unit=root, **period), root.children.count())]
    if group is not None:
        result.append((f"督导组 ({group.name})", Briefing(group=group, **period), group.n))
    if committee is not None:
        result.append((f"党委 ({committee.name})", Briefing(unit=committee, **period), committee.n))
    return [(label, briefing, max(rows, 1) * per_row) for label, briefing, rows in result]


def _pages(pdf):
    if not shutil.which("pdfinfo"):
        return "?"
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    return re.search(rb"Pages:\s+(\d+)", info.stdout).group(1).decode()


def _ms(timings):
    return f"{min(timings):8.0f} {statistics.median(timings):8.0f}"


def measure(briefing):
    briefing_collect(briefing)  # warm the caches, as a second briefing would find them
    collect = []
    for _run in range(COLLECT_RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            data = briefing_collect(briefing)
            collect.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    html = briefing_html(data, briefing)
    template = [(time.perf_counter() - started) * 1000]
    pdf_timings = []
    for _run in range(PDF_RUNS):
        started = time.perf_counter()
        pdf = briefing_pdf(html)
        pdf_timings.append((time.perf_counter() - started) * 1000)
    return {
        "queries": len(queries),
        "most_rows": max(rows_returned(queries.captured_queries), default=0),
        "collect": collect,
        "template": template,
        "pdf": pdf_timings,
        "pages": _pages(pdf),
        "kb": len(pdf) / 1024,
    }


def main():
    # WeasyPrint logs each step of every PDF at INFO; the table says it better.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="seed_demo --scale (empty DB)")
    args = parser.parse_args()
    prepare(args.scale)
    batch = Batch.objects.current()
    log(f"{connection.vendor}: {Unit.objects.count()} units, {Member.objects.count()} members")
    log(
        f"{_pad('scope', 34)} queries  rows  collect ms (min  median)  template ms"
        f"  WeasyPrint ms (min  median)  pages"
    )
    too_many = []
    for label, briefing, limit in scopes(batch):
        result = measure(briefing)
        log(
            f"{_pad(label, 34)} {result['queries']:7d} {result['most_rows']:5d}"
            f"  {_ms(result['collect'])}            {result['template'][0]:8.0f}"
            f"     {_ms(result['pdf'])}           {result['pages']:>5}"
        )
        if result["most_rows"] > limit:
            too_many.append(f"{label}: a query returned {result['most_rows']} rows (> {limit})")
    if too_many:
        raise SystemExit("\n".join(too_many))


if __name__ == "__main__":
    main()

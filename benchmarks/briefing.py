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

Then, against the same WeasyPrint in the same run, a plain page: the briefing's own
stylesheet (font, margins, page numbers) over as many pages of running Chinese prose,
opening with a line in each of the briefing's other faces (its bold title, 黑体 and 楷体
headings) so that both documents load and embed the same fonts — a plain page "of the
same font" — rendered in turn with the briefing so that a busy machine slows both alike.
It reports the milliseconds a page of each, their ratio, the ratio against prose in the
body face alone (the reference before 2026-12-06, which leaves the three other faces'
loading on the briefing's side), and the peak resident memory of a fresh process —
Django and WeasyPrint loaded, as in the worker — rendering each.
"""

import argparse
import io
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
PDF_RUNS = 5

# The plain page's prose: a paragraph of the kind a briefing's body is made of.
PLAIN_PARAGRAPH = (
    "各级党组织按照中央的统一部署,把学习贯穿于先进性教育活动的全过程,认真组织党员学习"
    "规定的必读篇目,采取集中学习与个人自学相结合、专题辅导与交流讨论相结合的方式,确保"
    "规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇。"
)
# The body's grid (templates/reports/briefings/document.html): 22 lines of 28 characters.
PLAIN_LINES, PLAIN_CHARACTERS = 22, 28


def prepare(scale):
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", scale=scale, stdout=io.StringIO())
        log(f"seed_demo --scale {scale}: {time.monotonic() - started:.1f} s")
    # Fresh tables have no planner statistics; a live database has them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # DEBUG keeps the last 9,000 queries: after seeding the log is full, and a full log
    # does not grow, so CaptureQueriesContext would count none of a page's queries.
    connection.queries_log.clear()


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


# One line in each face the briefing sets besides the body's (the title's bold 宋体, 黑体,
# 楷体): a plain document "of the same font" loads and embeds the same faces.
SAME_FACES = "<h1>关于学习教育活动进展情况的简报</h1><h2>一、总体情况</h2><h3>(一)学习情况</h3>"


def plain_html(briefing_html_text, paragraphs, *, same_faces=True):
    """Running prose under the briefing's own <head>: its font, margins and page numbers,
    none of its tables or figures; with `same_faces`, a line in each of its other faces
    first, so that both documents load and embed the same fonts."""
    head = briefing_html_text[: briefing_html_text.index("<body>")]
    lines = SAME_FACES if same_faces else ""
    return f"{head}<body>{lines}{f'<p>{PLAIN_PARAGRAPH}</p>' * paragraphs}</body></html>"


def plain_like(briefing_html_text, pages, *, same_faces=True):
    """The plain document of `pages` pages (as near as whole paragraphs come)."""
    # First guess from the grid: the indent of two characters, the last line part filled.
    lines = -(-(len(PLAIN_PARAGRAPH) + 2) // PLAIN_CHARACTERS)
    paragraphs = max(pages * PLAIN_LINES // lines, 1)
    for _attempt in range(3):
        html = plain_html(briefing_html_text, paragraphs, same_faces=same_faces)
        made = int(_pages(briefing_pdf(html)))
        if made == pages:
            break
        paragraphs = max(round(paragraphs * pages / made), 1)
    return html


def _timed_pdf(html):
    started = time.perf_counter()
    pdf = briefing_pdf(html)
    return (time.perf_counter() - started) * 1000, pdf


def peak_memory(html):
    """The resident memory in MB of a fresh process rendering `html`: at its peak before
    the render (Django and WeasyPrint loaded) and at its peak after."""
    with tempfile.NamedTemporaryFile("w", suffix=".html", encoding="utf-8") as file:
        file.write(html)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.briefing", "--peak-memory", file.name],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            check=True,
            text=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _peak_rss():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and
    # exec, so a child of this (large) process would report the parent's peak.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_memory_child(path):
    import weasyprint  # noqa: F401 — loaded before "before", as a worker has it

    with open(path, encoding="utf-8") as file:
        html = file.read()
    before = _peak_rss()
    briefing_pdf(html)
    print(json.dumps([round(before), round(_peak_rss())]))


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
    # Once to learn the pages (and load the fonts), then in turn with the plain document of
    # as many pages.
    pdf = briefing_pdf(html)
    pages = _pages(pdf)
    plain = plain_like(html, int(pages)) if pages != "?" else plain_html(html, 40)
    body_only = (
        plain_like(html, int(pages), same_faces=False)
        if pages != "?"
        else plain_html(html, 40, same_faces=False)
    )
    pdf_timings, plain_timings, body_timings = [], [], []
    for _run in range(PDF_RUNS):
        pdf_timings.append(_timed_pdf(html)[0])
        timing, plain_pdf = _timed_pdf(plain)
        plain_timings.append(timing)
        timing, body_pdf = _timed_pdf(body_only)
        body_timings.append(timing)
    return {
        "queries": len(queries),
        "most_rows": max(rows_returned(queries.captured_queries), default=0),
        "collect": collect,
        "template": template,
        "pdf": pdf_timings,
        "pages": pages,
        "kb": len(pdf) / 1024,
        "plain": plain_timings,
        "plain_pages": _pages(plain_pdf),
        "body_only": body_timings,
        "body_only_pages": _pages(body_pdf),
        "memory": peak_memory(html),
        "plain_memory": peak_memory(plain),
    }


def _per_page(timings, pages):
    if pages == "?":
        return f"{'?':>8} {'?':>8}"
    return f"{min(timings) / int(pages):8.1f} {statistics.median(timings) / int(pages):8.1f}"


def _ratio(result, plain="plain"):
    """The briefing's page against a plain one, each at its fastest."""
    if "?" in (result["pages"], result[f"{plain}_pages"]):
        return "?"
    briefing = min(result["pdf"]) / int(result["pages"])
    page = min(result[plain]) / int(result[f"{plain}_pages"])
    return f"{briefing / page:.2f}"


def _pages_report(label, result):
    memory, plain_memory = result["memory"], result["plain_memory"]
    return (
        f"{_pad(label, 34)} {result['pages']:>5}  {_per_page(result['pdf'], result['pages'])}"
        f"       {result['plain_pages']:>5}  {_per_page(result['plain'], result['plain_pages'])}"
        f"  {_ratio(result):>5}  {_ratio(result, 'body_only'):>9}"
        f"   {memory[0]:4d} → {memory[1]:4d}   {plain_memory[1]:4d}"
    )


def main():
    # WeasyPrint logs each step of every PDF at INFO; the table says it better.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="seed_demo --scale (empty DB)")
    parser.add_argument("--peak-memory", metavar="HTML", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_memory:
        _peak_memory_child(args.peak_memory)
        return
    prepare(args.scale)
    batch = Batch.objects.current()
    log(f"{connection.vendor}: {Unit.objects.count()} units, {Member.objects.count()} members")
    log(
        f"{_pad('scope', 34)} queries  rows  collect ms (min  median)  template ms"
        f"  WeasyPrint ms (min  median)  pages"
    )
    too_many = []
    results = []
    for label, briefing, limit in scopes(batch):
        result = measure(briefing)
        results.append((label, result))
        log(
            f"{_pad(label, 34)} {result['queries']:7d} {result['most_rows']:5d}"
            f"  {_ms(result['collect'])}            {result['template'][0]:8.0f}"
            f"     {_ms(result['pdf'])}           {result['pages']:>5}"
        )
        if result["most_rows"] > limit:
            too_many.append(f"{label}: a query returned {result['most_rows']} rows (> {limit})")
    log("")
    log(
        f"{_pad('scope', 34)} pages  ms/page (min  median)  plain pages"
        f"  ms/page (min  median)  ratio  body only  peak MB (before → after)  plain"
    )
    for label, result in results:
        log(_pages_report(label, result))
    if too_many:
        raise SystemExit("\n".join(too_many))


if __name__ == "__main__":
    main()

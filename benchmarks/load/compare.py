"""Two districts side by side, one client: `python -m benchmarks.load.compare --small URL
--large URL` (two PostgreSQL databases seeded by `seed_demo`, e.g. scale 1 and scale 190).

Issue 10 asks that no page be more than 1.5 times slower in a large district than at scale
1. Two runs of `benchmarks.load` an hour apart carry the machine's drift between them into
that ratio: on 2026-12-07 the bare page — the same code at any size — took 4.5 ms in one run
and 5.7 ms in the next, so every page seemed 27 % slower at scale 190 before it did any work.
Here each district has its own gunicorn (same workers, same settings, both running), and one
client goes round after round of every page, on one server and then the other, the order
swapped each round: both districts' samples are taken over the same minutes, and the ratio
is the page's. Each page's CPU (web workers and the database's backends, benchmarks.load
.procstat) is measured around each request alone, as in the load benchmark.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from locust.stats import RequestStats

from benchmarks.load import procstat
from benchmarks.load.__main__ import (
    OneClient,
    load_plan,
    log,
    markdown_table,
    stop_on_sigterm,
    timed_round,
    warm_up,
)
from benchmarks.load.server import Gunicorn, collect_static, server_environment

SIDES = ("small", "large")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load.compare",
        description="Every page of two districts, one client, their rounds interleaved.",
    )
    parser.add_argument("--small", required=True, help="PostgreSQL URL of the small district")
    parser.add_argument("--large", required=True, help="PostgreSQL URL of the large district")
    parser.add_argument(
        "--requests", type=int, default=40, help="rounds of every page on each (default 40)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="warm-up rounds (default 2)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    return parser.parse_args(argv)


class Side:
    """One district: its server, its plan of pages and accounts, its client and figures."""

    def __init__(self, name, database_url, scratch):
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"--{name}: a PostgreSQL database URL")
        self.name = name
        self.database = urlsplit(database_url).path.lstrip("/")
        self.env = server_environment(os.environ, Path(scratch) / "static")
        self.env["DATABASE_URL"] = database_url
        self.server = None
        self.log_path = Path(scratch) / f"gunicorn-{name}.log"
        self.stats, self.exact, self.spent = RequestStats(), {}, {}
        self.plan = self.client = self.meter = None

    def start(self, workers):
        log(f"{self.name}: looking up the pages and accounts of {self.database} …")
        self.plan = load_plan(self.env)
        for note in self.plan["notes"]:
            log(f"  {note}")
        self.server = Gunicorn(self.env, workers, self.log_path)
        self.server.start()
        self.server.wait_ready()
        self.meter = procstat.CpuMeter(self.server.process.pid, self.database)
        self.client = OneClient(self.server.url, self.plan, self.stats, self.exact)
        self.spent = {page["name"]: {} for page in self.plan["pages"]}

    def warm_up(self, rounds, concurrency):
        warm_up(self.client, self.plan, rounds, concurrency)

    def one_round(self):
        timed_round(self.client, self.plan, self.meter, self.spent)

    def figures(self, rounds):
        """{page name: (p50 ms, CPU ms of web + database per request)}."""
        medians = {name: statistics.median(times) for (name, _m), times in self.exact.items()}
        return {
            name: (
                medians[name],
                (spent.get("web", 0.0) + spent.get("db", 0.0)) * 1000 / rounds,
            )
            for name, spent in self.spent.items()
        }

    def errors(self):
        return sum(entry.num_failures for entry in self.stats.entries.values())


def _describe(side):
    district = side.plan["district"]
    return (
        f"- {side.name}: `{side.database}`, {district['units']} units, {district['members']}"
        f" members, {district['sessions']} sessions; 党委 = {district['党委']}"
    )


def report(sides, rounds):
    small, large = (side.figures(rounds) for side in sides)
    bare = sides[0].plan["bare"]["name"]
    rows, worst = [], ("", 0.0, 0.0)
    for page in sides[0].plan["pages"]:
        name = page["name"]
        if name not in large:
            continue
        (p50_s, cpu_s), (p50_l, cpu_l) = small[name], large[name]
        rows.append(
            [
                name,
                f"{p50_s:.1f}",
                f"{p50_l:.1f}",
                f"{p50_l / p50_s:.2f}",
                f"{cpu_s:.1f}",
                f"{cpu_l:.1f}",
                f"{cpu_l / cpu_s:.2f}" if cpu_s else "–",
                f"{p50_s / small[bare][0]:.1f}",
                f"{p50_l / large[bare][0]:.1f}",
            ]
        )
        if name != bare and p50_l / p50_s > worst[1]:
            worst = (name, p50_l / p50_s, cpu_l / cpu_s if cpu_s else 0.0)
    header = [
        "page",
        "p50 ms, small",
        "p50 ms, large",
        "large / small",
        "CPU ms, small",
        "CPU ms, large",
        "large / small, CPU",
        "× bare, small",
        "× bare, large",
    ]
    lines = [
        "# Two districts side by side, one client",
        "",
        *(_describe(side) for side in sides),
        f"- {rounds} rounds of every page on each, interleaved (the order swapped each round),"
        " after the warm-up; gunicorn with "
        f"{sides[0].server.workers} sync workers per district, DEBUG off.",
        "",
        markdown_table(header, rows),
        "",
        "p50 ms: the median of the unrounded times. CPU ms: per request, the gunicorn workers'"
        " and the database backends' together. × bare: p50 / the bare page's p50 of the same"
        " district.",
        "",
        f"- Slowest to grow: {worst[0]}, {worst[1]:.2f} in p50 and {worst[2]:.2f} in CPU.",
        f"- Errors: {sum(side.errors() for side in sides)}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="load-compare-") as scratch:
        sides = [
            Side(name, url, scratch)
            for name, url in zip(SIDES, (args.small, args.large), strict=True)
        ]
        log(f"Collecting static files into {scratch}/static …")
        collect_static(sides[0].env)
        try:
            for side in sides:
                side.start(args.workers)
            for side in sides:
                side.warm_up(args.warmup, 2 * args.workers)
            log(f"{len(sides[0].plan['pages'])} pages × {args.requests} rounds on each …")
            for number in range(args.requests):
                for side in sides if number % 2 == 0 else reversed(sides):
                    side.one_round()
            text = report(sides, args.requests)
            errors = sum(side.errors() for side in sides)
        finally:
            log("Stopping gunicorn …")
            for side in sides:
                if side.server is not None:
                    side.server.stop()
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        log(f"Written to {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("Interrupted.")
        sys.exit(130)

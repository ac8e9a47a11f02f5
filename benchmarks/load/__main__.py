"""The load benchmark's runner: `python -m benchmarks.load --users 30 --seconds 60`.

See benchmarks/load/__init__.py for what it does and what each figure means.

Importing locust patches the standard library for gevent (sockets, subprocess, sleep), so
the runner's own waits let the users' greenlets run. Django is never imported here: the
plan is looked up in a subprocess (benchmarks/load/plan.py).
"""

import argparse
import datetime
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import gevent
import gevent.pool
import greenlet
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.event import EventHook
from locust.stats import RequestStats

from benchmarks.load import locustfile, procstat
from benchmarks.load.server import PROJECT, Gunicorn, collect_static, server_environment

RSS_LIMIT_MB = 150
SAMPLE_EVERY = 0.5  # seconds between samples of the database backends' CPU
LOGIN_TIMEOUT = 120  # seconds for all the users of a run to log in


def log(message=""):
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description="Load benchmark of the app under gunicorn."
    )
    parser.add_argument("--users", type=int, default=30, help="concurrent users (default 30)")
    parser.add_argument(
        "--seconds", type=float, default=60, help="length of the mixed run (default 60)"
    )
    parser.add_argument(
        "--bare-seconds",
        type=float,
        default=15,
        help="length of the bare page's run, same users (default 15)",
    )
    parser.add_argument(
        "--requests", type=int, default=30, help="one client: rounds of every page (default 30)"
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="one client: warm-up rounds (default 2)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="PostgreSQL database (default: $DATABASE_URL)",
    )
    return parser.parse_args(argv)


def load_plan(env):
    """The pages and accounts (benchmarks.load.plan), from a subprocess: Django's database
    connections stay out of this gevent-patched process."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.load.plan"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmarks.load.plan failed:\n{result.stderr}")
    return json.loads(result.stdout)


# The one-client phase -----------------------------------------------------------------------


def recording_hook(stats, exact):
    """A request event that logs into `stats`, except requests sent with record=False
    (logins, the warm-up, the page a saved roster redirects to). `exact` keeps each page's
    times unrounded: locust's percentiles round to whole milliseconds, and the bare page
    takes 3 to 4, so a ratio of rounded medians moves by a third with the rounding."""

    def on_request(request_type, name, response_time, response_length, **kwargs):
        if not (kwargs.get("context") or {}).get("record", True):
            return
        exact.setdefault((name, request_type), []).append(response_time)
        stats.log_request(request_type, name, response_time, response_length)
        if kwargs.get("exception"):
            stats.log_error(request_type, name, kwargs["exception"])

    hook = EventHook()
    hook.add_listener(on_request)
    return hook


class OneClient:
    """One logged-in session per account, each request sent alone."""

    def __init__(self, url, plan, stats, exact):
        self.plan = plan
        self.rng = random.Random(2005)
        hook = recording_hook(stats, exact)
        self.sessions = {}
        for page in plan["pages"]:
            user = page["user"]
            if user not in self.sessions:
                self.sessions[user] = FastHttpSession(url, hook, user=None)
                if user and not locustfile.log_in(self.sessions[user], user, plan["password"]):
                    raise SystemExit(f"{user} could not log in with the demo password")
        self.roster_forms = {}

    def request(self, page, record=True):
        session = self.sessions[page["user"]]
        if page["method"] != "POST":
            locustfile.fetch(session, page["name"], page["url"], record=record)
            return
        if page["url"] not in self.roster_forms:
            self.reopen(page)
        data = locustfile.roster_submission(self.roster_forms[page["url"]], self.rng)
        locustfile.fetch(
            session, page["name"], page["url"], method="POST", expect=302, data=data, record=record
        )

    def reopen(self, page):
        """After a POST, the page the roster redirects to, as the browser fetches it: not
        recorded (it is the roster GET, measured on its own), and not in the CPU window;
        it gives the form of the next save."""
        session = self.sessions[page["user"]]
        opened = locustfile.fetch(session, "roster GET", page["url"], record=False)
        form = locustfile.roster_form(opened.text)
        if form is None:
            raise SystemExit(f"no roster to save on {page['url']} ({opened.status_code})")
        self.roster_forms[page["url"]] = form


def warm_up(client, plan, rounds, concurrency):
    """Not recorded: several requests at once, so that every worker compiles its templates
    and opens its database connection before the timing starts."""
    pool = gevent.pool.Pool(concurrency)
    for _round in range(rounds):
        for page in plan["pages"]:
            if page["method"] == "POST":
                client.request(page, record=False)
                client.reopen(page)
            else:
                pool.map(lambda _i, p=page: client.request(p, record=False), range(concurrency))


def timed_round(client, plan, meter, spent):
    """Every page once, one request at a time, each page's CPU seconds (procstat keys)
    measured around its request alone and added to `spent[page name]`."""
    for page in plan["pages"]:
        before = meter.sample()
        client.request(page)
        for key, seconds in procstat.difference(meter.sample(), before).items():
            spent[page["name"]][key] = spent[page["name"]].get(key, 0.0) + seconds
        if page["method"] == "POST":
            client.reopen(page)


def one_client(url, plan, meter, requests, warmup, concurrency):
    """Every page `requests` times, one request at a time, in rounds of every page; returns
    the stats and each page's CPU ms per request, measured around each request alone."""
    stats = RequestStats()
    exact = {}
    client = OneClient(url, plan, stats, exact)
    warm_up(client, plan, warmup, concurrency)
    # Round after round of every page, not each page's requests in a row: a shared machine
    # speeds up and slows down over a run, and each page, the bare one included, then
    # takes its samples across the same minutes, so that its ratio to the bare page
    # measures the page and not the minute it was timed in.
    spent = {page["name"]: {} for page in plan["pages"]}
    for _round in range(requests):
        timed_round(client, plan, meter, spent)
    cpu = {
        name: {key: seconds * 1000 / requests for key, seconds in page_spent.items()}
        for name, page_spent in spent.items()
    }
    medians = {name: statistics.median(times) for (name, _method), times in exact.items()}
    return stats, cpu, medians


# The concurrent runs --------------------------------------------------------------------------


@dataclass
class Run:
    stats: RequestStats
    seconds: float
    cpu: dict  # seconds, per procstat.CpuMeter key
    generator_cpu: float  # seconds of CPU this process used: locust itself
    users: dict  # user class name -> users

    @property
    def requests(self):
        return self.stats.total.num_requests

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_ms_per_request(self, key):
        return self.cpu[key] * 1000 / self.requests if self.requests else 0.0


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        gevent.sleep(0.1)


def run_users(url, user_classes, users, seconds, meter, logs_in):
    """`users` users of `user_classes` for `seconds`, counted from when all are logged in
    and set off together."""
    env = Environment(user_classes=user_classes, host=url)
    runner = env.create_local_runner()
    try:
        locustfile.LOGINS.update(done=0, failed=0)
        locustfile.START.clear()
        runner.start(users, spawn_rate=users)
        wait_until(lambda: runner.user_count >= users, LOGIN_TIMEOUT, "the users to start")
        if logs_in:
            wait_until(
                lambda: locustfile.LOGINS["done"] + locustfile.LOGINS["failed"] >= users,
                LOGIN_TIMEOUT,
                "the users to log in",
            )
            if locustfile.LOGINS["failed"]:
                raise SystemExit(f"{locustfile.LOGINS['failed']} users could not log in")
        users_by_class = dict(runner.user_classes_count)
        # Nothing is in flight: every user waits at the starting line (locustfile.START).
        env.stats.reset_all()
        cpu_before = meter.sample()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.monotonic()
        locustfile.START.set()
        while time.monotonic() - started < seconds:
            gevent.sleep(min(SAMPLE_EVERY, seconds - (time.monotonic() - started)))
            meter.sample()  # keeps the time of backends that exit (see procstat)
        runner.stop()
        elapsed = time.monotonic() - started
        cpu_after = meter.sample()
        usage_after = resource.getrusage(resource.RUSAGE_SELF)
    finally:
        locustfile.START.set()
        runner.quit()
    generator = (usage_after.ru_utime + usage_after.ru_stime) - (
        usage_before.ru_utime + usage_before.ru_stime
    )
    cpu = procstat.difference(cpu_after, cpu_before)
    return Run(env.stats, elapsed, cpu, generator, users_by_class)


# The report ---------------------------------------------------------------------------------


def width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def markdown_table(header, rows, text_columns=1):
    """A markdown table padded to line up in a terminal (Chinese characters are wide); the
    first `text_columns` columns are aligned left, the figures right."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells, right_from):
        padded = []
        for i, cell in enumerate(cells):
            gap = " " * (widths[i] - width(cell))
            padded.append(gap + cell if i >= right_from else cell + gap)
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ("-" if i < text_columns else ":") for i, w in enumerate(widths)
    )
    return "\n".join(
        [
            line(header, right_from=len(header)),
            rule + "|",
            *(line(row, right_from=text_columns) for row in rows),
        ]
    )


def percentiles(entry):
    return [entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99)]


def ratio(value, bare):
    return f"{value / bare:.1f}" if bare else "–"


def one_client_table(plan, stats, cpu, medians):
    bare = plan["bare"]["name"]
    bare_cpu = cpu[bare]["web"] + cpu[bare]["db"]
    rows = []
    for page in plan["pages"]:
        entry = stats.get(page["name"], page["method"])
        _p50, p95, p99 = percentiles(entry)
        busy = entry.total_response_time / 1000
        page_cpu = cpu[page["name"]]["web"] + cpu[page["name"]]["db"]
        rows.append(
            [
                page["name"],
                page["user"] or "(anonymous)",
                f"{medians[page['name']]:.1f}",
                p95,
                p99,
                ratio(medians[page["name"]], medians[bare]),
                ratio(page_cpu, bare_cpu),
                f"{entry.num_requests / busy:.1f}" if busy else "–",
                entry.num_failures,
                f"{cpu[page['name']]['web']:.1f}",
                f"{cpu[page['name']]['db']:.1f}",
            ]
        )
    header = ["page", "user", "p50 ms", "p95", "p99", "× bare", "CPU × bare", "req/s", "errors"]
    return markdown_table([*header, "web CPU ms", "DB CPU ms"], rows, text_columns=2)


def mixed_table(plan, mixed, bare):
    bare_entry = bare.stats.get(plan["bare"]["name"], "GET")
    bare_p50 = bare_entry.get_response_time_percentile(0.5)
    # In the one-client table's order; anything else the users requested after it.
    order = {page["name"]: i for i, page in enumerate(plan["pages"])}
    entries = sorted(
        (entry for entry in mixed.stats.entries.values() if entry.num_requests),
        key=lambda entry: (order.get(entry.name, len(order)), entry.name, entry.method),
    )
    rows = []

    def row(label, entry, run):
        p50, p95, p99 = percentiles(entry)
        rate = entry.num_requests / run.seconds
        return [label, p50, p95, p99, ratio(p50, bare_p50), f"{rate:.1f}", entry.num_failures]

    rows.append(row(f"{plan['bare']['name']} (alone)", bare_entry, bare))
    rows += [row(entry.name, entry, mixed) for entry in entries]
    rows.append(row("all pages (mixed)", mixed.stats.total, mixed))
    return markdown_table(["page", "p50 ms", "p95", "p99", "× bare", "req/s", "errors"], rows)


def error_lines(stats):
    return [
        f"- {error.occurrences}× {error.method} {error.name}: {error.error}"
        for error in sorted(stats.errors.values(), key=lambda e: -e.occurrences)[:15]
    ]


def build_report(args, plan, phase_one, bare, mixed, rss):
    stats, cpu, medians = phase_one
    district = plan["district"]
    errors = stats.total.num_failures + bare.stats.total.num_failures
    errors += mixed.stats.total.num_failures
    lines = [
        f"# Load benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"Database `{urlsplit(args.database_url).path.lstrip('/')}`: {district['units']} units, "
        f"{district['members']} members, {district['sessions']} sessions. "
        f"gunicorn, {args.workers} sync workers, DEBUG off; {os.cpu_count()} cores.",
        f"区委 = {district['区委']}; 党委 = {district['党委']}; "
        f"branch = {district['branch']}; group = {district['group']}.",
        *(f"- {note}" for note in plan["notes"]),
        "",
        f"## One client: {args.requests} rounds of every page, after {args.warmup} "
        f"warm-up round{'' if args.warmup == 1 else 's'}",
        "",
        one_client_table(plan, stats, cpu, medians),
        "",
        "p50 ms: the median of the unrounded times (p95 and p99 are locust's, in whole ms). "
        "× bare: p50 / the bare page's p50. CPU × bare: (web + DB CPU ms) / the bare page's. "
        "req/s: what one client gets (1 / mean time). "
        "CPU ms: per request, of the gunicorn workers (web) and the database's backends (DB).",
        "",
        f"## {args.users} concurrent users: mixed for {mixed.seconds:.0f} s, "
        f"the bare page alone for {bare.seconds:.0f} s",
        "",
        mixed_table(plan, mixed, bare),
        "",
        "× bare: p50 / the bare page's p50 in its own run with as many users.",
        "",
        "- Users: " + ", ".join(f"{count} {name}" for name, count in mixed.users.items()) + ".",
        f"- Throughput: {mixed.rate:.1f} req/s mixed = "
        f"{100 * mixed.rate / bare.rate if bare.rate else 0:.0f} % of the bare page's "
        f"{bare.rate:.1f} req/s.",
        f"- Errors: {errors} (0 expected): one client {stats.total.num_failures}, "
        f"bare run {bare.stats.total.num_failures}, mixed run {mixed.stats.total.num_failures}.",
        f"- CPU ms per request, mixed: web {mixed.cpu_ms_per_request('web'):.1f}, "
        f"DB {mixed.cpu_ms_per_request('db'):.1f} (all PostgreSQL processes "
        f"{mixed.cpu_ms_per_request('postgres_all'):.1f}); bare page: web "
        f"{bare.cpu_ms_per_request('web'):.1f}, DB {bare.cpu_ms_per_request('db'):.1f}.",
        f"- Server CPU, mixed run: {(mixed.cpu['web'] + mixed.cpu['db']) / mixed.seconds:.2f} "
        f"of {os.cpu_count()} cores; the load generator (locust) used "
        f"{100 * mixed.generator_cpu / mixed.seconds:.0f} % of one core.",
        f"- Worker RSS at the end: {', '.join(f'{mb:.0f}' for mb in rss.values())} MB "
        f"(limit {RSS_LIMIT_MB} MB: "
        f"{'over' if any(mb > RSS_LIMIT_MB for mb in rss.values()) else 'ok'}).",
    ]
    failed = error_lines(stats) + error_lines(bare.stats) + error_lines(mixed.stats)
    if failed:
        lines += ["", "Errors:", *failed]
    return "\n".join(lines) + "\n", errors


# Main ---------------------------------------------------------------------------------------


def stop_on_sigterm():
    """SIGTERM ends the run like Ctrl-C does: through the `finally` that stops gunicorn."""
    main = greenlet.getcurrent()
    gevent.signal_handler(signal.SIGTERM, lambda: main.throw(SystemExit(128 + signal.SIGTERM)))


def main(argv=None):
    args = parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("set DATABASE_URL (or --database-url) to a PostgreSQL database")
    database = urlsplit(args.database_url).path.lstrip("/")
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="load-benchmark-") as scratch:
        env = server_environment(os.environ, Path(scratch) / "static")
        env["DATABASE_URL"] = args.database_url
        log(f"Collecting static files into {scratch}/static …")
        collect_static(env)
        log("Looking up the pages and accounts (benchmarks.load.plan) …")
        plan = load_plan(env)
        locustfile.configure(plan)
        for note in plan["notes"]:
            log(f"  {note}")
        server = Gunicorn(env, args.workers, Path(scratch) / "gunicorn.log")
        try:
            log(f"Starting gunicorn on {server.url} with {args.workers} workers …")
            server.start()
            server.wait_ready()
            meter = procstat.CpuMeter(server.process.pid, database)
            log(f"One client: {len(plan['pages'])} pages × {args.requests} requests …")
            phase_one = one_client(
                server.url, plan, meter, args.requests, args.warmup, 2 * args.workers
            )
            log(f"Bare page: {args.users} users for {args.bare_seconds:.0f} s …")
            bare = run_users(
                server.url, [locustfile.BarePage], args.users, args.bare_seconds, meter, False
            )
            log(f"Mixed: {args.users} users for {args.seconds:.0f} s (after logging in) …")
            mixed = run_users(server.url, locustfile.MIXED, args.users, args.seconds, meter, True)
            rss = {pid: procstat.rss_mb(pid) or 0.0 for pid in server.worker_pids()}
            report, errors = build_report(args, plan, phase_one, bare, mixed, rss)
            if errors:
                report += f"\ngunicorn's log, last lines:\n\n```\n{server.log(40)}\n```\n"
        finally:
            log("Stopping gunicorn …")
            server.stop()
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
        log(f"Written to {args.out}")
    over = any(mb > RSS_LIMIT_MB for mb in rss.values())
    return 1 if errors or over else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The server has been stopped on the way out (see main's `finally`).
        log("Interrupted.")
        sys.exit(130)

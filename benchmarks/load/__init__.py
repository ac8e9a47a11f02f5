"""Load benchmark: the app under gunicorn, driven by locust, on 127.0.0.1 only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench1 \\
        .venv/bin/python -m benchmarks.load --users 30 --seconds 60 --out /tmp/load.md

The database must be migrated and seeded (`manage.py migrate`, `manage.py seed_demo`); it
is written to (see "Writes" below), so use a benchmark database. The run takes about
`--seconds` + `--bare-seconds` + a minute; on a busy machine, shorter runs while trying
things: `--users 5 --seconds 10 --bare-seconds 5 --requests 5 --warmup 1`.

What the runner does (benchmarks/load/__main__.py):

1. collects the static files into a temporary STATIC_ROOT (with DEBUG off every page's
   `{% static %}` needs whitenoise's manifest);
2. looks up the pages and accounts in the database (benchmarks/load/plan.py, in a
   subprocess): the district, the 党委 with the most child units, each secretary's branch,
   the supervision groups, the leader's 党委, a member with a login; and creates a
   session for each secretary to save the roster of (see "Writes" below);
3. starts `gunicorn config.wsgi -w 3 -b 127.0.0.1:<free port>` with DEBUG=false, a
   throwaway SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and the caller's DATABASE_URL (and plain
   HTTP: no redirect to HTTPS, cookies not Secure); it stops it at the end, on Ctrl-C and
   on SIGTERM, and the kernel stops it if the runner is killed;
4. one client: `--requests` rounds of every page (the bare page among them), one
   request at a time, so that every page is timed across the same minutes; after
   `--warmup` rounds not counted (several requests at once, so that every worker has
   compiled its templates and opened its database connection);
5. the bare page alone: `--users` anonymous users fetching the login form for
   `--bare-seconds`;
6. mixed: `--users` users of the personas in benchmarks/load/locustfile.py — secretaries
   saving a session's roster and reading their branch's progress, members their own
   record, leaders, supervisors and the office their dashboards and pages — for
   `--seconds`, counted from when all have logged in (logins are not measured);
7. reads each worker's memory, prints the report (and writes it to `--out`), and exits 1
   if any request failed or a worker is over 150 MB.

The users send their next request as soon as the last one is answered: the concurrent
runs measure what the server can serve, not a day's traffic.

The figures:

- p50 / p95 / p99 ms: locust's percentiles of the response time (locust rounds times over
  100 ms to 10 ms and over 1 s to 100 ms);
- × bare: the page's p50 divided by the bare page's p50 (GET /login/: Django's login
  form, no query), both measured in the same run on the same server — what the page costs
  in units of "a request through the whole stack that does nothing", which moves less
  with the machine than milliseconds do. In the one-client table both come from phase 4;
  in the concurrent table from runs with the same number of users;
- req/s: one client: 1 / the mean response time; concurrent: requests / seconds;
- errors: requests that did not answer exactly what they should — 200 for a page, 302 for
  a saved roster; a redirect to the login form is an error;
- throughput share: the mixed run's req/s as a % of the bare page's with as many users;
- web / DB CPU ms: CPU time per request of the gunicorn workers and of the PostgreSQL
  backends connected to the benchmark's database, from /proc (benchmarks/load/procstat.py).
  One client: measured around each request alone; concurrent: the run's total over its
  requests. The steadiest figure on a shared machine: wall-clock times grow when other
  programs take the cores, CPU time hardly does. "all PostgreSQL processes" adds every
  other database's backends and PostgreSQL's own processes: equal to DB when nobody else
  uses the server;
- server CPU: web + DB CPU seconds over the run's seconds, in cores: near the machine's
  cores, the server was saturated; the load generator's own share is shown beside it
  (locust runs on the same cores);
- worker RSS: resident memory of each gunicorn worker at the end (limit 150 MB).

Writes: each run deletes the previous runs' sessions "负载测试" of the secretaries'
branches (with their sign-ins, corrections and make-ups), recomputes those members'
progress and creates a fresh one an hour old per secretary; each roster POST then saves
that roster with one member's status changed (present, late, absent, on leave), so the
first save signs everyone in and the later ones are corrections, logged, with make-ups
and the members' progress kept in step. A fresh session per run keeps runs comparable:
the roster page lists every correction, and a session reused run after run would get
slower each time.
"""

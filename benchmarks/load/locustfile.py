"""The personas of the load benchmark, for locust.

Each persona logs in as a real user of the demo district (GET /login/, then POST the form
with its CSRF token) and opens the pages that user opens, with no pause between requests,
so the mixed phase measures how much the server can serve, not a working day's traffic:

- Secretary: saves the sign-in roster of a session of their branch (POST, answered by a
  redirect to the roster, which is fetched as a browser would), reads the branch's progress;
- Member: their own record and their home page;
- Leader: their 党委's dashboard, unit page and progress;
- Supervisor: their group's dashboard, page and progress;
- Office: the district's home, dashboards, unit pages, progress and lists.

`BarePage` is the yardstick: an anonymous user fetching the login form, the cheapest page.

The accounts and URLs come from benchmarks.load.plan, set by the runner
(`python -m benchmarks.load`) through `configure()`. To run this file with locust's own
command line against a server already running (with SECURE_SSL_REDIRECT, SESSION_COOKIE_
SECURE and CSRF_COOKIE_SECURE false, as the runner sets them), write the plan first:

    DATABASE_URL=... .venv/bin/python -m benchmarks.load.plan > /tmp/plan.json
    LOAD_PLAN=/tmp/plan.json .venv/bin/locust -f benchmarks/load/locustfile.py --headless \\
        --host http://127.0.0.1:8000 -u 30 -r 30 -t 60s Secretary Member Leader Supervisor Office

(locust's own statistics then include the logins, which the runner leaves out.)

A page counts as an error unless it answers exactly the expected status: 200 for a page
(a redirect to the login page is an error, not a success), 302 for a saved roster.
"""

import itertools
import json
import os
import random
import re
from urllib.parse import urlencode

from gevent.event import Event
from locust import FastHttpUser, constant, task
from locust.exception import StopUser

PLAN = {}
# How many users have logged in, or failed to.
LOGINS = {"done": 0, "failed": 0}
# The starting line: the runner clears it before the users start and sets it once all have
# logged in and it has reset the statistics. Without it, requests queued behind the burst
# of logins (each hashes a password: the costliest request there is) would finish inside
# the measured window with seconds of waiting in their times. Set for locust's own CLI.
START = Event()
START.set()
_accounts = {}

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The roster's radio buttons: name="status-<member pk>" ... value="<status>" [checked]
ROSTER_RADIO = re.compile(r'<input type="radio"[^>]*name="status-(\d+)"[^>]*value="(\w+)"([^>]*)>')
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
# The statuses a secretary changes one member to, on each save.
ROSTER_CHANGES = ("present", "present", "late", "absent", "leave")


def configure(plan):
    PLAN.clear()
    PLAN.update(plan)
    _accounts.clear()


if os.environ.get("LOAD_PLAN"):
    with open(os.environ["LOAD_PLAN"], encoding="utf-8") as plan_file:
        configure(json.load(plan_file))


def next_account(persona):
    """The persona's accounts in turn, so that users spread over them."""
    if persona not in _accounts:
        _accounts[persona] = itertools.cycle(PLAN["personas"][persona])
    return next(_accounts[persona])


# Requests ---------------------------------------------------------------------------------


def fetch(client, name, url, *, method="GET", expect=200, data=None, record=True):
    """One request, an error unless it answers `expect`. Redirects are not followed: a
    page that sends the user to the login form has failed. With record=False the request
    is left out of the statistics (see benchmarks.load.__main__)."""
    headers = FORM_HEADERS if data is not None else None
    with client.request(
        method,
        url,
        name=name,
        data=data,
        headers=headers,
        allow_redirects=False,
        catch_response=True,
        context={"record": record},
    ) as response:
        if response.status_code != expect:
            where = response.headers.get("Location", "") if response.headers else ""
            response.failure(f"status {response.status_code}, expected {expect} {where}".strip())
    return response


def log_in(client, username, password):
    form = fetch(client, "login form", "/login/", record=False)
    token = CSRF_INPUT.search(form.text or "")
    if token is None:
        return False
    data = urlencode(
        {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    )
    answer = fetch(client, "login", "/login/", method="POST", expect=302, data=data, record=False)
    return answer.status_code == 302


def roster_form(html):
    """(CSRF token, {member pk: status checked or ""}) of a roster page, or None when the
    page has no roster to save."""
    token = CSRF_INPUT.search(html or "")
    statuses = {}
    for member, status, rest in ROSTER_RADIO.findall(html or ""):
        statuses.setdefault(member, "")
        if "checked" in rest:
            statuses[member] = status
    if token is None or not statuses:
        return None
    return token.group(1), statuses


def roster_submission(form, rng):
    """The form a secretary sends: everyone as signed in before (出席 where nobody chose
    yet, the "全部出席" button), and one member changed, so each save writes something."""
    token, statuses = form
    chosen = {member: status or "present" for member, status in statuses.items()}
    changed = rng.choice(sorted(chosen))
    chosen[changed] = rng.choice(ROSTER_CHANGES)
    fields = [("csrfmiddlewaretoken", token)]
    fields += [(f"status-{member}", status) for member, status in chosen.items()]
    return urlencode(fields)


# Personas ---------------------------------------------------------------------------------


class Persona(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    persona = ""

    def on_start(self):
        self.account = next_account(self.persona)
        self.pages = {page["name"]: page for page in self.account["pages"]}
        if not log_in(self.client, self.account["user"], PLAN["password"]):
            LOGINS["failed"] += 1
            raise StopUser()
        LOGINS["done"] += 1
        START.wait()

    def open(self, page):
        return fetch(self.client, page["name"], page["url"])


class Reader(Persona):
    """A user who opens their pages in any order."""

    abstract = True

    @task
    def read(self):
        self.open(random.choice(self.account["pages"]))


class Office(Reader):
    persona = "office"
    weight = 2


class Leader(Reader):
    persona = "leader"
    weight = 1


class Supervisor(Reader):
    persona = "supervisor"
    weight = 1


class Member(Reader):
    persona = "member"
    weight = 3


class Secretary(Persona):
    persona = "secretary"
    weight = 3

    def on_start(self):
        super().on_start()
        self.roster = self.open(self.pages["roster GET"])

    @task
    def save_roster(self):
        form = roster_form(self.roster.text)
        if form is None:
            # The roster page had failed, or shows no form (its edit window has closed):
            # open it again; that request says which.
            self.roster = self.open(self.pages["roster GET"])
            return
        page = self.pages["roster POST"]
        data = roster_submission(form, random)
        fetch(self.client, page["name"], page["url"], method="POST", expect=302, data=data)
        # The browser follows the redirect to the roster, which shows "签到已保存".
        self.roster = self.open(self.pages["roster GET"])

    @task
    def read_progress(self):
        self.open(self.pages["progress branch"])


class BarePage(FastHttpUser):
    """The yardstick: the login form, anonymous."""

    wait_time = constant(0)

    def on_start(self):
        START.wait()

    @task
    def bare(self):
        page = PLAN["bare"]
        fetch(self.client, page["name"], page["url"])


MIXED = [Secretary, Member, Leader, Supervisor, Office]

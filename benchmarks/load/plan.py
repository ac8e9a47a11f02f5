"""What the load benchmark requests, looked up in the database it will run against.

    DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.load.plan > plan.json

Prints JSON: the demo password, the pages of the one-client phase (each with the account
that opens it) and, per persona, the accounts and pages of the mixed phase. The runner
calls it in a subprocess, with the server's environment, so that Django's database
connections stay out of the process where locust's gevent patches the sockets.

The district root, the 党委 with the most child units, the secretaries' branches, the
supervision groups and the leader's unit are found by their roles, not by pk, so the plan
fits any district seeded by `seed_demo`. Each secretary saves the roster of a session
created for the run, "负载测试", an hour old (the seeded sessions are past the days a
roster can be corrected); the previous runs' sessions of that title are deleted first,
with their sign-ins, and the members' progress recomputed.
"""

import datetime
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from study.models import SessionKind, StudySession  # noqa: E402
from study.services import sessions as session_services  # noqa: E402
from units.models import Member, Role, RoleAssignment, SupervisionGroup, Unit  # noqa: E402

# The bare page: Django's login form, the cheapest HTML the app serves (no query).
BARE = {"name": "bare: /login/", "user": None, "url": "/login/", "method": "GET"}
BENCHMARK_SESSION_TITLE = "负载测试"
MAX_ACCOUNTS_PER_ROLE = 3


def unapplied_migrations():
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def users_with_role(role):
    """(username, unit) of each user holding `role`, the highest unit of each."""
    found = {}
    assignments = (
        RoleAssignment.objects.filter(role=role)
        .select_related("user", "unit")
        .order_by("user__username", "unit__depth", "unit__path")
    )
    for assignment in assignments:
        found.setdefault(assignment.user.username, assignment.unit)
    return list(found.items())[:MAX_ACCOUNTS_PER_ROLE]


def fresh_roster_session(branch, user, notes):
    """A new session of `branch` for the secretary to save the roster of: each run starts
    from a roster nobody has saved yet. Reusing one would let its log of corrections
    (shown under the roster) grow from run to run, and the roster page slow down with it.
    The previous runs' sessions stay: their corrections are history (common.history), which
    is never deleted, and one more session in a branch changes no page measured here."""
    # An hour ago, as a secretary registers the meeting just held; the service checks the
    # date against the current batch.
    session = session_services.session_create(
        unit=branch,
        user=user,
        kind=SessionKind.STUDY,
        title=BENCHMARK_SESSION_TITLE,
        starts_at=timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1),
        hours=2,
    )
    earlier = StudySession.objects.filter(
        unit=branch, title=BENCHMARK_SESSION_TITLE, created_by=user
    ).count()
    notes.append(
        f"{user.username}: roster of session #{session.pk} “{BENCHMARK_SESSION_TITLE}”, "
        f"new in {branch.name} ({earlier - 1} from earlier runs kept)"
    )
    return session


def page(name, user, url, method="GET"):
    return {"name": name, "user": user, "url": url, "method": method}


def build_plan():
    users = get_user_model().objects
    root = Unit.objects.get(parent=None)
    committee = (
        Unit.objects.filter(parent=root)
        .annotate(children_count=Count("children"))
        .order_by("-children_count", "pk")
        .first()
    )
    office = users_with_role(Role.OFFICE)[0][0]
    leaders = users_with_role(Role.LEADER)
    secretaries = [(name, unit) for name, unit in users_with_role(Role.SECRETARY) if unit.parent_id]
    groups = list(SupervisionGroup.objects.order_by("number", "pk").prefetch_related("members"))
    supervisors = [
        (user.username, group) for group in groups for user in group.members.order_by("username")
    ][:MAX_ACCOUNTS_PER_ROLE]
    # Plain members: secretaries and supervisors have member records too, and other pages.
    members = list(
        Member.objects.filter(
            user__isnull=False,
            user__role_assignments__isnull=True,
            user__supervision_groups__isnull=True,
        )
        .order_by("user__username")
        .values_list("user__username", flat=True)[:MAX_ACCOUNTS_PER_ROLE]
    )
    notes = []

    office_pages = [
        page("home (office)", office, reverse("home")),
        page("unit 区委", office, reverse("units:detail", args=[root.pk])),
        page("unit 党委", office, reverse("units:detail", args=[committee.pk])),
        page("progress 区委", office, reverse("study:unit_progress", args=[root.pk])),
        page("progress 党委", office, reverse("study:unit_progress", args=[committee.pk])),
        page("dashboard 区委", office, reverse("reports:dashboard")),
        page("dashboard 党委", office, reverse("reports:dashboard_unit", args=[committee.pk])),
        page("applications", office, reverse("supervision:applications")),
        page("briefings", office, reverse("reports:briefing_list")),
    ]

    def leader_pages(username, unit):
        return [
            page("dashboard (leader)", username, reverse("reports:dashboard")),
            page("unit (leader)", username, reverse("units:detail", args=[unit.pk])),
            page("progress (leader)", username, reverse("study:unit_progress", args=[unit.pk])),
        ]

    def supervisor_pages(username, group):
        return [
            page("dashboard group", username, reverse("reports:dashboard_group", args=[group.pk])),
            page("group page", username, reverse("supervision:group_home", args=[group.pk])),
            page("group progress", username, reverse("study:group_progress", args=[group.pk])),
        ]

    def member_pages(username):
        return [
            page("my record", username, reverse("study:my_progress")),
            page("home (member)", username, reverse("home")),
        ]

    def secretary_pages(username, branch):
        session = fresh_roster_session(branch, users.get(username=username), notes)
        roster = reverse("study:session", args=[session.pk])
        return [
            page("roster GET", username, roster),
            page("roster POST", username, roster, method="POST"),
            page("progress branch", username, reverse("study:unit_progress", args=[branch.pk])),
        ]

    personas = {
        "office": [{"user": office, "pages": office_pages}],
        "leader": [{"user": name, "pages": leader_pages(name, unit)} for name, unit in leaders],
        "supervisor": [
            {"user": name, "pages": supervisor_pages(name, group)} for name, group in supervisors
        ],
        "member": [{"user": name, "pages": member_pages(name)} for name in members],
        "secretary": [
            {"user": name, "pages": secretary_pages(name, branch)} for name, branch in secretaries
        ],
    }
    missing = [role for role, accounts in personas.items() if not accounts]
    if missing:
        raise SystemExit(f"no account for: {', '.join(missing)} (is the demo district seeded?)")

    # The one-client phase: every page once, opened by the first account of its persona.
    one_client = [BARE]
    for accounts in personas.values():
        one_client.extend(accounts[0]["pages"])

    secretary_branch = secretaries[0][1]
    return {
        "password": settings.DEMO_PASSWORD,
        "bare": BARE,
        "pages": one_client,
        "personas": personas,
        "district": {
            "units": Unit.objects.count(),
            "members": Member.objects.count(),
            "sessions": StudySession.objects.count(),
            "区委": f"{root.name} #{root.pk}",
            "党委": f"{committee.name} #{committee.pk}, {committee.children_count} child units",
            "branch": f"{secretary_branch.name} #{secretary_branch.pk} ({secretaries[0][0]}), "
            f"{secretary_branch.members.count()} members",
            "group": f"{groups[0].name} #{groups[0].pk}" if groups else "",
        },
        "notes": notes,
    }


def main():
    if connection.vendor != "postgresql":
        print(f"warning: the database is {connection.vendor}, not PostgreSQL", file=sys.stderr)
    pending = unapplied_migrations()
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending)
        raise SystemExit(f"unapplied migrations ({names}): run `manage.py migrate` first")
    if not Unit.objects.exists():
        raise SystemExit("the database has no district: run `manage.py seed_demo` first")
    json.dump(build_plan(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

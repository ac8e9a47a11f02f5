"""Reads of the 转段 workflow that list or aggregate; each is a fixed number of queries."""

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Now

from supervision.models import ApplicationState, TransitionApplication
from supervision.services import APPLYING_KINDS
from units.models import Unit
from units.permissions import scope_for

# The list's tabs: (key, filter). The labels are the views' business: a supervisor's
# "awaiting the group" tab is their own to-do.
APPLICATION_TABS = {
    "opinion": Q(state=ApplicationState.SUBMITTED, group_agrees__isnull=True),
    "decision": Q(state=ApplicationState.SUBMITTED, group_agrees__isnull=False),
    "returned": Q(state=ApplicationState.RETURNED),
    "approved": Q(state=ApplicationState.APPROVED),
    "draft": Q(state=ApplicationState.DRAFT),
    "all": Q(),
}
# Tabs still waiting on someone: the longest-waiting first. The others: the latest first.
WAITING_TABS = ("opinion", "decision")


def applications_for(user):
    """The current campaign's applications this user follows: the office all of them,
    a supervisor those of the groups' units, a secretary or leader those of the units
    they keep; nothing for anyone else.

    Each carries `waited`, the time since it was submitted (None for a draft).
    """
    scope = scope_for(user)
    applications = TransitionApplication.objects.filter(
        from_stage__campaign__is_current=True
    ).select_related("unit", "from_stage", "to_stage", "meeting", "group_opinion_by")
    if not scope.is_office:
        paths = Q(pk__in=[])
        for path in filter(None, scope.paths):
            paths |= Q(unit__path__startswith=path)
        applications = applications.filter(paths)
    return applications.annotate(
        waited=ExpressionWrapper(Now() - F("submitted_at"), output_field=DurationField())
    )


def application_tab(applications, tab):
    """One tab of `applications_for`, in the order its readers work through it."""
    applications = applications.filter(APPLICATION_TABS[tab])
    if tab in WAITING_TABS:
        return applications.order_by("submitted_at", "pk")
    return applications.order_by(F("submitted_at").desc(nulls_first=True), "-created_at", "-pk")


def application_tab_counts(applications):
    """{tab: how many} for every tab, in one query."""
    return applications.aggregate(
        **{tab: Count("pk", filter=condition) for tab, condition in APPLICATION_TABS.items()}
    )


def branches_with_latest_application(unit):
    """The units below `unit` that apply for 转段 themselves, each with its latest round
    (`latest_pk`, `latest_state`, `latest_round`, `latest_stage`), in one query."""
    latest = TransitionApplication.objects.filter(unit=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return (
        Unit.objects.subtree_of(unit, include_self=False)
        .filter(kind__in=APPLYING_KINDS)
        .select_related("stage")
        .annotate(
            latest_pk=Subquery(latest.values("pk")[:1]),
            latest_state=Subquery(latest.values("state")[:1]),
            latest_round=Subquery(latest.values("round")[:1]),
            latest_stage=Subquery(latest.values("from_stage__name")[:1]),
        )
        .order_by("path")
    )

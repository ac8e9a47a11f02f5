"""Reads of the leading cadres' trips: which requests a user sees, and in what order.

Each is one query (the requests with their cadre, unit, deciders and make-up), whatever
the number of requests.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from ledgers.models import TripRequest, TripState
from units.permissions import Scope
from units.selectors import under_any


def trips_for(user: AbstractBaseUser, scope: Scope) -> QuerySet[TripRequest]:
    """The trip requests a user sees: all for the office; otherwise those of the cadres in
    their scope, their own, and the ones they asked for."""
    trips = TripRequest.objects.select_related(
        "traveller__unit", "requested_by", "decided_by", "withdrawn_by", "makeup"
    )
    if scope.is_office:
        return trips
    condition = Q(requested_by=user) | under_any(scope.paths, "traveller__unit__path")
    if scope.member is not None:
        condition |= Q(traveller=scope.member)
    return trips.filter(condition)


def pending_first(trips: QuerySet[TripRequest]) -> QuerySet[TripRequest]:
    pending_rank = Case(
        When(state=TripState.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return trips.order_by(pending_rank, "-requested_at", "-pk")

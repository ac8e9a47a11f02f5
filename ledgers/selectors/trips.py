"""Reads of the leaders' ledgers, publicity and the 大讨论 that aggregate.

Each is one query whatever the number of units, cadres or records.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from ledgers.models import TripRequest, TripState
from units.selectors import under_any

# Trips -------------------------------------------------------------------------------------


def trips_for(user, scope):
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


def pending_first(trips):
    pending_rank = Case(
        When(state=TripState.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return trips.order_by(pending_rank, "-requested_at", "-pk")

"""Reads of the leading cadres' trips: which requests a user sees, in what order, and the
study sessions a trip missed.

Each is one query (the requests with their cadre, unit, deciders and make-up; the
sessions), whatever the number of requests or sessions.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import day_text
from ledgers.models import TripRequest, TripState
from study.models import MakeUp, StudySession
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


def sessions_missed(trip: TripRequest, returned_on: datetime.date) -> QuerySet[StudySession]:
    """The sessions the cadre's branch held while the cadre was away, from the day of
    leaving to the day of return, both included: what the trip owes ("党员干部外出返回后,
    必须采取有效措施进行补课"). None held, nothing owed.

    Sessions where the cadre already has a roster entry are left out: an absence or leave
    there already owes its own make-up (study.services.sessions), and counting it again
    would owe the same hours twice.
    """
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(trip.leaves_on, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        returned_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return (
        StudySession.objects.filter(
            unit_id=trip.traveller.unit_id, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(attendances__member_id=trip.traveller_id)
        .order_by("starts_at", "pk")
    )


def trip_unmet(trip: TripRequest, today: datetime.date) -> list[str]:
    """What the request does not meet, for the office to weigh before a decision it can't
    take back: asked only after leaving ("必须事先书面征求先进性教育办公室的同意"), and
    make-ups the cadre still owes ("外出返回后,必须采取有效措施进行补课"). One query."""
    unmet = []
    if trip.leaves_on < today:
        unmet.append(
            _("出发日期%(date)s已过:外出须事先书面征求办公室同意。")
            % {"date": day_text(trip.leaves_on)}
        )
    owed = MakeUp.objects.filter(member_id=trip.traveller_id, done_on__isnull=True).count()
    if owed:
        unmet.append(
            _("%(name)s还有%(n)s次缺课没有补上。") % {"name": trip.traveller.name, "n": owed}
        )
    return unmet

"""The leading cadres' trips abroad and study tours: the list, the request, the office's
decision, a withdrawal, and the return that owes a make-up.

"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意。"

A cadre, or whoever keeps the ledgers of the cadre's unit, asks and records the return;
the office decides. Each user sees the requests of their scope, their own and those they
asked for. The list costs 8 queries for the office and 7 for a secretary, a request's
page at most 8, however many requests there are (tests/ledgers/test_trips.py).
"""

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.forms import add_service_error, form_save
from common.pagination import page_of
from ledgers.forms.trips import TripDecisionForm, TripRequestForm, TripReturnForm
from ledgers.models import TripRequest, TripState
from ledgers.selectors.lectures import managed_paths
from ledgers.selectors.trips import pending_first, sessions_missed, trip_unmet, trips_for
from ledgers.services import trips as services
from units.models import Member
from units.permissions import Scope, has_perm, require, scope_for
from units.selectors import under_any

PER_PAGE = 20


def _travellers(scope: Scope) -> QuerySet[Member]:
    """Whom the user may ask a trip for: the leading cadres where they keep the ledgers,
    and themself if they are one."""
    cadres = Member.objects.filter(
        under_any(managed_paths(scope), "unit__path"), is_leading_cadre=True
    )
    if scope.member is not None and scope.member.is_leading_cadre:
        cadres = cadres | Member.objects.filter(pk=scope.member.pk)
    return cadres.select_related("unit").order_by("unit__path", "name", "pk")


def _may_request(scope: Scope) -> bool:
    return bool(managed_paths(scope)) or (
        scope.member is not None and scope.member.is_leading_cadre
    )


def _requester_side(user: AbstractBaseUser, trip: TripRequest) -> bool:
    """The cadre themself or whoever keeps the ledgers of the cadre's branch."""
    scope = scope_for(user)
    is_self = scope.member is not None and scope.member.pk == trip.traveller_id
    return is_self or has_perm(user, "keep_ledger", trip.traveller.unit)


def _may_withdraw(user: AbstractBaseUser, trip: TripRequest) -> bool:
    """Whoever asked, or whoever keeps the ledgers of the cadre's branch."""
    return trip.requested_by_id == user.pk or has_perm(user, "keep_ledger", trip.traveller.unit)


@login_required
def trip_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.sees_units or scope.member is not None):
        raise PermissionDenied
    trips = trips_for(request.user, scope)
    context = {"may_request": _may_request(scope), "is_office": scope.is_office}
    if scope.is_office:
        # The office's queue: what awaits a decision, oldest request first.
        context["pending"] = trips.filter(state=TripState.PENDING).order_by("requested_at", "pk")
        trips = trips.exclude(state=TripState.PENDING)
    context["trips"] = page_of(request, pending_first(trips), PER_PAGE)
    return render(request, "ledgers/trips/trips.html", context)


@login_required
def trip_new(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not _may_request(scope):
        raise PermissionDenied
    form = TripRequestForm(request.POST or None, travellers=_travellers(scope))
    if request.method == "POST":
        trip = form_save(form, services.trip_request, user=request.user)
        if trip:
            messages.success(request, _("申请已报区委先进性教育办公室审批。"))
            return redirect("ledgers:leaders_trip", pk=trip.pk)
    return render(request, "ledgers/trips/trip_form.html", {"form": form})


def _get_trip(request: HttpRequest, pk: int) -> TripRequest:
    """The trip, if the user sees it; 404 otherwise."""
    return get_object_or_404(trips_for(request.user, scope_for(request.user)), pk=pk)


def _trip_page(
    request: HttpRequest,
    trip: TripRequest,
    decision_form: TripDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pending = trip.state == TripState.PENDING
    can_decide = pending and has_perm(request.user, "decide_trip")
    can_return = trip.state == TripState.APPROVED and _requester_side(request.user, trip)
    unmet = trip_unmet(trip, timezone.localdate()) if can_decide else []
    if can_decide and decision_form is None:
        decision_form = TripDecisionForm(unmet=unmet)
    missed = None
    if trip.returned_on is not None:
        missed = sessions_missed(trip, trip.returned_on).only("starts_at", "kind", "title", "hours")
    return render(
        request,
        "ledgers/trips/trip_detail.html",
        {
            "trip": trip,
            "missed": missed,
            "decision_form": decision_form if can_decide else None,
            "unmet": unmet,
            "can_return": can_return,
            "can_withdraw": pending and _may_withdraw(request.user, trip),
        },
        status=status,
    )


@login_required
def trip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _trip_page(request, _get_trip(request, pk))


@login_required
@require_POST
def trip_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision can't be taken back: it needs the confirmation ticked, and the page
    lists what the request does not meet before the office ticks it."""
    trip = trips_for(request.user, scope_for(request.user)).filter(pk=pk).first()
    if trip is None:
        raise Http404
    require(request.user, "decide_trip")
    form = TripDecisionForm(request.POST, unmet=trip_unmet(trip, timezone.localdate()))
    if not form.is_valid():
        return _trip_page(request, trip, form)
    decision = form.cleaned_data
    try:
        services.trip_decide(
            trip=trip,
            user=request.user,
            approve=decision["approve"],
            reason=decision["reason"],
            unmet_acknowledged=decision["confirm"],
        )
    except services.TripError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    except ValidationError as error:
        add_service_error(form, error)
        return _trip_page(request, trip, form)
    if trip.state == TripState.APPROVED:
        done = _("已同意%(name)s的外出申请。")
    else:
        done = _("已答复不同意%(name)s的外出申请。")
    messages.success(request, done % {"name": trip.traveller.name})
    return redirect("ledgers:leaders_trips")


@login_required
def trip_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    trip = _get_trip(request, pk)
    if not _may_withdraw(request.user, trip):
        raise PermissionDenied
    if trip.state == TripState.WITHDRAWN:
        messages.info(request, _("这份申请已经撤回了。"))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    if trip.state != TripState.PENDING:
        messages.error(
            request,
            _("办公室已经审批了这份申请(%(state)s),不能再撤回。")
            % {"state": trip.get_state_display()},
        )
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    if request.method != "POST":
        return render(request, "ledgers/trips/trip_withdraw.html", {"trip": trip})
    try:
        services.trip_withdraw(trip=trip, user=request.user)
    except services.TripError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    messages.success(
        request,
        _("已撤回%(name)s去%(destination)s的外出申请。")
        % {"name": trip.traveller.name, "destination": trip.destination},
    )
    return redirect("ledgers:leaders_trip", pk=trip.pk)


@login_required
def trip_return(request: HttpRequest, pk: int) -> HttpResponse:
    trip = _get_trip(request, pk)
    if not _requester_side(request.user, trip):
        raise PermissionDenied
    if trip.state != TripState.APPROVED:
        messages.info(request, _("这次外出不是待返回状态,无需登记返回。"))
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    form = TripReturnForm(
        request.POST or None, initial={"returned_on": min(trip.returns_on, timezone.localdate())}
    )
    if request.method == "POST" and form_save(
        form, services.trip_return, trip=trip, user=request.user
    ):
        if trip.makeup is None:
            done = _("已登记返回。外出期间本支部没有需要%(name)s另行补课的集中学习。") % {
                "name": trip.traveller.name
            }
        else:
            done = _("已登记返回。%(name)s需补课%(hours)s学时,已记入学习台账。") % {
                "name": trip.traveller.name,
                "hours": floatformat(trip.makeup.hours, -1),
            }
        messages.success(request, done)
        return redirect("ledgers:leaders_trip", pk=trip.pk)
    return render(request, "ledgers/trips/trip_return.html", {"trip": trip, "form": form})


urlpatterns = [
    path("trips/", trip_list, name="leaders_trips"),
    path("trips/new/", trip_new, name="leaders_trip_new"),
    path("trips/<int:pk>/", trip_detail, name="leaders_trip"),
    path("trips/<int:pk>/decide/", trip_decide, name="leaders_trip_decide"),
    path("trips/<int:pk>/return/", trip_return, name="leaders_trip_return"),
    path("trips/<int:pk>/withdraw/", trip_withdraw, name="leaders_trip_withdraw"),
]

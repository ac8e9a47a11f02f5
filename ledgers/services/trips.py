"""Every write to the leading cadres' trips abroad and study tours: the request, the
office's decision, a withdrawal, and the return with the make-up it owes.

"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意,
按审批原则从严审批把关……党员干部外出返回后,必须采取有效措施进行补课。"

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written; a state change is conditional on the state it
starts from, so of two people acting at once the first wins and the other gets `TripError`.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.validation import not_in_future, required_text
from ledgers.models import TripKind, TripRequest, TripState
from ledgers.selectors.trips import sessions_missed, trip_unmet
from study.models import MakeUp
from study.services.progress import progress_refresh
from units.models import Member


class TripError(ValidationError):
    """A trip was already decided, returned or withdrawn by someone else: the user is told
    so."""


def trip_request(
    *,
    traveller: Member,
    kind: TripKind | str,
    destination: str,
    purpose: str,
    leaves_on: datetime.date | None,
    returns_on: datetime.date | None,
    user: AbstractBaseUser,
) -> TripRequest:
    """ "确需外出的,必须事先书面征求先进性教育办公室的同意": asked before leaving."""
    if not traveller.is_leading_cadre:
        raise ValidationError({"traveller": _("只有党员领导干部外出需要报办公室审批。")})
    if leaves_on is not None and leaves_on < timezone.localdate():
        raise ValidationError({"leaves_on": _("须在出发之前提出申请,出发日期不能早于今天。")})
    if leaves_on and returns_on and returns_on < leaves_on:
        raise ValidationError({"returns_on": _("返回日期不能早于出发日期。")})
    trip = TripRequest(
        traveller=traveller,
        kind=kind,
        destination=(destination or "").strip(),
        purpose=(purpose or "").strip(),
        leaves_on=leaves_on,
        returns_on=returns_on,
        requested_by=user,
    )
    trip.full_clean()
    trip.save()
    return trip


def trip_decide(
    *,
    trip: TripRequest,
    approve: bool,
    reason: str,
    user: AbstractBaseUser,
    unmet_acknowledged: bool = False,
) -> TripRequest:
    """The office approves or refuses, with its reason either way ("从严审批把关"). A
    decision can't be taken back; approving a request that does not meet the rules
    (ledgers.selectors.trips.trip_unmet) needs them acknowledged.

    Conditional on the request still pending: of two office users deciding at once, or a
    decision and a withdrawal, the first write wins and the other is told.
    """
    reason = required_text(reason, "reason", _("请填写审批意见:同意或不同意都要写明理由。"))
    unmet = trip_unmet(trip, timezone.localdate()) if approve else []
    if unmet and not unmet_acknowledged:
        raise ValidationError(
            {
                "confirm": _("还有%(n)s项不符合审批原则,请核实并勾选确认后再同意。")
                % {"n": len(unmet)}
            }
        )
    state = TripState.APPROVED if approve else TripState.REFUSED
    now = timezone.now()
    claimed = TripRequest.objects.filter(pk=trip.pk, state=TripState.PENDING).update(
        state=state, decided_by=user, decided_at=now, decision_reason=reason
    )
    if not claimed:
        if TripRequest.objects.filter(pk=trip.pk, state=TripState.WITHDRAWN).exists():
            raise TripError(_("这份申请已被撤回,无需审批。"))
        raise TripError(_("这份申请已经有人审批过了,请刷新页面查看审批结果。"))
    trip.state, trip.decided_by, trip.decided_at, trip.decision_reason = state, user, now, reason
    return trip


def trip_withdraw(*, trip: TripRequest, user: AbstractBaseUser) -> TripRequest:
    """撤回申请: taken back while the office has not decided yet. The request stays, marked
    withdrawn with who and when, so the office's list still shows what was asked.

    Conditional on the request still pending, like trip_decide: of a withdrawal and a
    decision at the same moment, the first write wins and the other is told.
    """
    now = timezone.now()
    claimed = TripRequest.objects.filter(pk=trip.pk, state=TripState.PENDING).update(
        state=TripState.WITHDRAWN, withdrawn_by=user, withdrawn_at=now
    )
    if not claimed:
        state = TripRequest.objects.filter(pk=trip.pk).values_list("state", flat=True).first()
        if state == TripState.WITHDRAWN:
            raise TripError(_("这份申请已经撤回了。"))
        raise TripError(
            _("办公室已经审批了这份申请(%(state)s),不能再撤回。请刷新页面查看审批结果。")
            % {"state": TripState(state).label}
        )
    trip.state, trip.withdrawn_by, trip.withdrawn_at = TripState.WITHDRAWN, user, now
    return trip


def _missed(trip: TripRequest, returned_on: datetime.date) -> tuple[int, Decimal]:
    """How many sessions the trip missed and their concentrated hours."""
    totals = sessions_missed(trip, returned_on).aggregate(sessions=Count("pk"), hours=Sum("hours"))
    # SQLite sums decimals as floats.
    return totals["sessions"], Decimal(str(totals["hours"] or 0)).quantize(Decimal("0.1"))


def trip_return(
    *, trip: TripRequest, returned_on: datetime.date | None, user: AbstractBaseUser
) -> TripRequest:
    """Record the actual return. The trip then owes, in the study ledger, the sessions its
    branch held while the cadre was away ("党员干部外出返回后,必须采取有效措施进行补课");
    a trip during which the branch held none owes nothing, and `trip.makeup` stays None."""
    if returned_on is None:
        raise ValidationError({"returned_on": _("请填写实际返回日期。")})
    if returned_on < trip.leaves_on:
        raise ValidationError({"returned_on": _("返回日期不能早于出发日期。")})
    not_in_future(returned_on, "returned_on", _("返回日期不能晚于今天。"))
    if trip.state != TripState.APPROVED:
        raise TripError(_("只有经办公室同意的外出才能登记返回。"))
    with transaction.atomic():
        claimed = TripRequest.objects.filter(pk=trip.pk, state=TripState.APPROVED).update(
            state=TripState.RETURNED, returned_on=returned_on
        )
        if not claimed:
            raise TripError(_("这次外出已经登记过返回了。"))
        sessions, hours = _missed(trip, returned_on)
        makeup = None
        if sessions:
            makeup = MakeUp(
                member=trip.traveller,
                attendance=None,
                hours=hours,
                reason=_("%(kind)s返回后补课:%(destination)s,外出期间缺集中学习%(n)s次")
                % {
                    "kind": trip.get_kind_display(),
                    "destination": trip.destination,
                    "n": sessions,
                },
                recorded_by=user,
            )
            makeup.full_clean()
            makeup.save()
            TripRequest.objects.filter(pk=trip.pk).update(makeup=makeup)
            progress_refresh(member_ids=[trip.traveller_id], reviews=False)
    trip.state, trip.returned_on, trip.makeup = TripState.RETURNED, returned_on, makeup
    return trip

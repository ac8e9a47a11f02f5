"""Every write to the leading cadres' trips abroad and study tours: the request, the
office's decision, a withdrawal, the return with the make-up it owes, and the recount of
that make-up when a session of the trip's dates is entered later.

"原则上禁止党员领导干部出国出境或外出参观考查……必须事先书面征求先进性教育办公室的同意,
按审批原则从严审批把关……党员干部外出返回后,必须采取有效措施进行补课。"

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written; a state change is conditional on the state it
starts from, so of two people acting at once the first wins and the other gets `TripError`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import day_text
from common.models import Notification
from common.notifications import notify
from common.validation import not_in_future, required_text
from ledgers.models import TripKind, TripRequest, TripState
from ledgers.selectors.trips import sessions_missed, trip_unmet
from study.models import MakeUp
from study.services.progress import progress_refresh
from units.models import Member, Role


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


def _makeup_reason(trip: TripRequest, sessions: int) -> str:
    return _("%(kind)s返回后补课:%(destination)s,外出期间缺集中学习%(n)s次") % {
        "kind": trip.get_kind_display(),
        "destination": trip.destination,
        "n": sessions,
    }


def _makeup_owe(
    trip: TripRequest, sessions: int, hours: Decimal, user: AbstractBaseUser | None
) -> MakeUp:
    """A new make-up for what the trip missed, linked to the trip."""
    makeup = MakeUp(
        member=trip.traveller,
        attendance=None,
        hours=hours,
        reason=_makeup_reason(trip, sessions),
        recorded_by=user,
    )
    makeup.full_clean()
    makeup.save()
    TripRequest.objects.filter(pk=trip.pk).update(makeup=makeup)
    return makeup


def trip_return(
    *, trip: TripRequest, returned_on: datetime.date | None, user: AbstractBaseUser
) -> TripRequest:
    """Record the actual return. The trip then owes, in the study ledger, the sessions its
    branch held while the cadre was away ("党员干部外出返回后,必须采取有效措施进行补课");
    a trip during which the branch held none owes nothing, and `trip.makeup` stays None.
    A session entered later for those dates is added by trip_makeup_recount."""
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
            makeup = _makeup_owe(trip, sessions, hours, user)
            progress_refresh(member_ids=[trip.traveller_id], reviews=False)
    trip.state, trip.returned_on, trip.makeup = TripState.RETURNED, returned_on, makeup
    return trip


# Recounting what a returned trip owes -------------------------------------------------------


class RecountOutcome(models.TextChoices):
    UNCHANGED = "unchanged", gettext_lazy("无变化")
    CREATED = "created", gettext_lazy("新增补课")
    CHANGED = "changed", gettext_lazy("调整应补学时")
    REMOVED = "removed", gettext_lazy("取消补课")
    # A make-up recorded done stays as recorded; what it did not cover is told, not written.
    DONE_OWES_MORE = "done_owes_more", gettext_lazy("已补课,但少补了")
    # Owes nothing, yet was recorded done once and taken back: its history stays.
    KEPT_CORRECTED = "kept_corrected", gettext_lazy("有更正记录,未取消")


# What a recount only tells, leaving the ledger as it is.
RECOUNT_NOTICES = {RecountOutcome.DONE_OWES_MORE, RecountOutcome.KEPT_CORRECTED}


@dataclass(frozen=True)
class TripRecount:
    """What a recount found for one returned trip: the sessions missed and their hours as
    they stand now, the make-up's hours before (None when it had none), and what was done."""

    trip: TripRequest
    outcome: RecountOutcome
    sessions: int
    hours: Decimal
    before: Decimal | None = None
    done_on: datetime.date | None = None

    def __str__(self) -> str:
        trip = self.trip
        values = {
            "trip": _("%(name)s%(kind)s(%(destination)s,%(leaves)s至%(returned)s)")
            % {
                "name": trip.traveller.name,
                "kind": trip.get_kind_display(),
                "destination": trip.destination,
                "leaves": day_text(trip.leaves_on),
                "returned": day_text(trip.returned_on),
            },
            "name": trip.traveller.name,
            "n": self.sessions,
            "hours": _hours(self.hours),
            "before": _hours(self.before),
            "short": _hours(self.hours - (self.before or 0)),
            "date": day_text(self.done_on),
        }
        texts = {
            RecountOutcome.UNCHANGED: _("%(trip)s:无变化。"),
            RecountOutcome.CREATED: _(
                "%(trip)s:外出期间支部开展集中学习%(n)s次,返回后需补课%(hours)s学时。"
            ),
            RecountOutcome.CHANGED: _(
                "%(trip)s:外出期间支部开展集中学习%(n)s次,"
                "返回后补课由%(before)s学时改为%(hours)s学时。"
            ),
            RecountOutcome.REMOVED: _(
                "%(trip)s:外出期间支部未开展集中学习,无需补课,原登记的%(before)s学时补课已取消。"
            ),
            RecountOutcome.DONE_OWES_MORE: _(
                "%(trip)s:返回后补课%(before)s学时已于%(date)s补完,但外出期间支部开展集中学习"
                "%(n)s次、共%(hours)s学时,还差%(short)s学时。已补的登记保持不变;"
                "%(name)s确未补上的,请在所缺学习的签到名单上登记为缺席,补课台账会另记补课。"
            ),
            RecountOutcome.KEPT_CORRECTED: _(
                "%(trip)s:外出期间支部未开展集中学习,无需补课;原登记的%(before)s学时补课"
                "有更正记录,没有取消,请支部核实。"
            ),
        }
        return texts[self.outcome] % values


def _hours(hours: Decimal | None) -> str:
    return "" if hours is None else format(hours.normalize(), "f")


def _recount_notify(recount: TripRecount) -> None:
    """Tell the branch's secretary and ledger keeper, and the cadre, what the trip owes now."""
    traveller = recount.trip.traveller
    keepers = get_user_model().objects.filter(
        role_assignments__unit_id=traveller.unit_id,
        role_assignments__role__in=[Role.SECRETARY, Role.LEDGER_KEEPER],
        is_active=True,
    )
    own = [traveller.user] if traveller.user_id else []
    # A long name and destination could run past what a notice holds; the page has it all.
    length = Notification._meta.get_field("text").max_length
    notify(
        users=[*keepers, *own],
        text=str(recount)[:length],
        link=reverse("ledgers:leaders_trip", args=[recount.trip.pk]),
    )


def trip_makeup_recount(*, trip: TripRequest, user: AbstractBaseUser | None = None) -> TripRecount:
    """What a returned trip owes, counted again from the sessions its branch held while the
    cadre was away ("党员干部外出返回后,必须采取有效措施进行补课"): a session entered after
    the return, or moved into or out of the trip's dates, changes it.

    - No make-up yet and sessions missed now: one is owed (recorded by `user`).
    - A make-up still owed: its hours and reason follow the sessions; owing nothing, it is
      removed ("外出期间支部未开展集中学习,无需补课") — unless it was once recorded done and
      taken back, whose correction history stays: then it is kept and the branch told.
    - A make-up recorded done is never rewritten: what the cadre did stands. If the
      sessions now come to more hours than it covered, the recount says so
      (DONE_OWES_MORE) and changes nothing; the branch enters the cadre as absent on
      the roster of the session concerned, which owes that session's make-up by itself
      and takes it out of the trip's count (ledgers.selectors.trips.sessions_missed).

    A change is written with the trip's row locked, so two recounts at once don't owe the
    same sessions twice; it refreshes the cadre's progress and tells the branch's secretary,
    ledger keeper and the cadre why. A trip not returned is left alone (UNCHANGED).
    """
    with transaction.atomic():
        trip = TripRequest.objects.select_for_update().get(pk=trip.pk)
        if trip.state != TripState.RETURNED:
            return TripRecount(
                trip=trip, outcome=RecountOutcome.UNCHANGED, sessions=0, hours=Decimal(0)
            )
        sessions, hours = _missed(trip, trip.returned_on)
        makeup = MakeUp.objects.filter(pk=trip.makeup_id).first()
        found = {"trip": trip, "sessions": sessions, "hours": hours}
        if makeup is not None:
            found["before"] = makeup.hours
        if makeup is None:
            if not sessions:
                return TripRecount(outcome=RecountOutcome.UNCHANGED, **found)
            trip.makeup = _makeup_owe(trip, sessions, hours, user)
            recount = TripRecount(outcome=RecountOutcome.CREATED, **found)
        elif makeup.is_done:
            if hours > makeup.hours:
                return TripRecount(
                    outcome=RecountOutcome.DONE_OWES_MORE, done_on=makeup.done_on, **found
                )
            return TripRecount(outcome=RecountOutcome.UNCHANGED, **found)
        elif not sessions:
            if makeup.corrections.exists():
                return TripRecount(outcome=RecountOutcome.KEPT_CORRECTED, **found)
            # Conditional on still owed, like the change below.
            deleted, _rows = MakeUp.objects.filter(pk=makeup.pk, done_on__isnull=True).delete()
            if not deleted:
                return TripRecount(outcome=RecountOutcome.UNCHANGED, **found)
            trip.makeup = None
            recount = TripRecount(outcome=RecountOutcome.REMOVED, **found)
        else:
            reason = _makeup_reason(trip, sessions)
            if (makeup.hours, makeup.reason) == (hours, reason):
                return TripRecount(outcome=RecountOutcome.UNCHANGED, **found)
            # Conditional on still owed: recorded done meanwhile, it stands as recorded.
            if not MakeUp.objects.filter(pk=makeup.pk, done_on__isnull=True).update(
                hours=hours, reason=reason
            ):
                return TripRecount(outcome=RecountOutcome.UNCHANGED, **found)
            recount = TripRecount(outcome=RecountOutcome.CHANGED, **found)
        progress_refresh(member_ids=[trip.traveller_id], reviews=False)
        _recount_notify(recount)
    return recount


def trips_session_recount(
    *, held: Iterable[tuple[int, datetime.date]], user: AbstractBaseUser | None
) -> list[TripRecount]:
    """Recount the returned trips a session concerns: those of cadres of the session's
    branch away on its day. `held` is (branch id, day) as the session is now and, when its
    date or branch changed, as it was. One query when no trip is concerned.

    What a recount only tells (RECOUNT_NOTICES: a make-up done that now falls short) is
    told to the branch here, at the change that caused it, and not by every later recount
    (manage.py trips_recount prints it instead)."""
    concerned = Q()
    for unit_id, day in set(held):
        concerned |= Q(traveller__unit_id=unit_id, leaves_on__lte=day, returned_on__gte=day)
    if not concerned:
        return []
    trips = TripRequest.objects.filter(concerned, state=TripState.RETURNED).order_by("pk")
    recounts = [trip_makeup_recount(trip=trip, user=user) for trip in trips]
    for recount in recounts:
        if recount.outcome in RECOUNT_NOTICES:
            _recount_notify(recount)
    return recounts

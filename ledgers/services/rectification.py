"""Writes of the 边学边查边改 ledger and of the public satisfaction survey that feeds it.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚,尽快
理清思路,提出解决问题的具体措施,抓好落实的责任人": an item is rectified (and dated) or,
put off, explained to the public with its measure and the person responsible; every
change to it is recorded with who made it and what the fields were before and after. An
opinion left on the public survey page waits in the unit's inbox (待核实) until its keepers
take it in as a 群众意见 item or set it aside ("从群众意见最大、最不满意的问题改起": the
inbox counts how many raised each); a unit's inbox holds at most SURVEY_PENDING_CAP, so
that a flood of posts can't bury the ledger.
"""

import datetime
import hashlib
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ledgers.models import (
    OpinionStatus,
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
    SurveyOpinion,
    SurveyResponse,
)
from ledgers.services.corrections import display_value
from units.models import Unit

# What the keepers may change after an item is filed; its source is where it came from
# and stays. `rectified_on` follows the status and is recorded with it.
EDITABLE_FIELDS = (
    "problem",
    "category",
    "measure",
    "responsible",
    "deadline",
    "status",
    "public_explanation",
)

TRACKED_FIELDS = (*EDITABLE_FIELDS, "rectified_on")

# 群众满意度测评: three questions, each rated 4 (满意) … 1 (不满意).
SURVEY_QUESTIONS = [
    ("office_rating", _("对本单位(机关)")),
    ("organisation_rating", _("对党组织")),
    ("members_rating", _("对共产党员")),
]

SURVEY_RATINGS = [(4, _("满意")), (3, _("基本满意")), (2, _("不太满意")), (1, _("不满意"))]

# 满意率 counts 满意 and 基本满意.
SATISFIED_RATINGS = (4, 3)

OPINION_MAX_LENGTH = 1000

DISMISS_REASON_MAX_LENGTH = 500

SURVEY_SALT = "survey"


# Rectification items -----------------------------------------------------------------------


# "对那些一时还解决不了的问题,要向群众解释清楚,尽快理清思路,提出解决问题的具体措施,
# 抓好落实的责任人": what an item put off must still say, each with what the keeper is told.
NOT_YET_REQUIRED = {
    "public_explanation": _("一时还解决不了的问题,要向群众解释清楚:请写明向群众作了怎样的解释。"),
    "measure": _("一时还解决不了的问题,也要提出解决问题的具体措施:请写明打算怎样解决。"),
    "responsible": _("一时还解决不了的问题,要抓好落实的责任人:请写明由谁负责落实。"),
}


def _settle_status(item: RectificationItem, today: datetime.date) -> None:
    """The rules of the status: 已整改 is dated the day it is set; 一时还解决不了 needs the
    explanation given to the public, the concrete measure and the person responsible,
    all three, and says which are missing."""
    if item.status == RectificationStatus.RECTIFIED:
        item.rectified_on = item.rectified_on or today
    else:
        item.rectified_on = None
    if item.status == RectificationStatus.NOT_YET:
        missing = {
            name: message
            for name, message in NOT_YET_REQUIRED.items()
            if not getattr(item, name).strip()
        }
        if missing:
            raise ValidationError(missing)


def rectification_item_create(
    *,
    unit: Unit,
    user: AbstractBaseUser | None,
    problem: str,
    source: RectificationSource | str,
    category: RectificationCategory | str,
    measure: str = "",
    responsible: str = "",
    deadline: datetime.date | None = None,
    status: RectificationStatus | str = RectificationStatus.OPEN,
    public_explanation: str = "",
    today: datetime.date | None = None,
) -> RectificationItem:
    """File a problem. `user` is who filed it: for a 群众意见, the keeper who took it in
    from the inbox (`survey_opinion_accept`)."""
    item = RectificationItem(
        unit=unit,
        problem=problem,
        source=source,
        category=category,
        measure=measure,
        responsible=responsible,
        deadline=deadline,
        status=status,
        public_explanation=public_explanation,
        created_by=user,
    )
    _settle_status(item, today or timezone.localdate())
    item.full_clean()
    # With the sums of open problems it adds to (ledgers.apps), or neither.
    with transaction.atomic():
        item.save()
    return item


def rectification_item_update(
    *,
    item: RectificationItem,
    user: AbstractBaseUser,
    today: datetime.date | None = None,
    **fields: Any,
) -> tuple[RectificationItem, dict[str, list[str]]]:
    """Change an item and record the change: {field: [old, new]} in display values.

    Returns the saved item and the changes (empty when nothing changed; then nothing is
    written). The row is locked so that two keepers editing at once are both recorded
    against what the other saved.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = RectificationItem.objects.select_for_update().get(pk=item.pk)
        before = {name: display_value(locked, name) for name in TRACKED_FIELDS}
        for name, value in fields.items():
            setattr(locked, name, value)
        _settle_status(locked, today)
        locked.full_clean()
        changes = {
            name: [before[name], display_value(locked, name)]
            for name in TRACKED_FIELDS
            if before[name] != display_value(locked, name)
        }
        if changes:
            locked.save(update_fields=list(changes))
            RectificationChange.objects.create(item=locked, changed_by=user, changes=changes)
    return locked, changes


# The public satisfaction survey ------------------------------------------------------------


def _survey_signer() -> signing.Signer:
    # Not timestamped: the link is printed on posters, so it never expires, and the same
    # unit always gets the same link and QR code however often it is shown.
    return signing.Signer(salt=SURVEY_SALT)


def survey_token(unit: Unit) -> str:
    """The unit's part of its public survey link; signed, so ids can't be tried in turn."""
    return _survey_signer().sign_object(unit.pk)


def survey_unit_id(token: str) -> int:
    """The unit id in a survey token; raises signing.BadSignature for anything else."""
    unit_id = _survey_signer().unsign_object(token)
    if not isinstance(unit_id, int):
        raise signing.BadSignature("not a unit id")
    return unit_id


def device_day(*, device: str, unit: Unit, day: datetime.date) -> str:
    """A keyed hash of the device cookie, the unit and the day: the same device answering
    for the same unit on the same day gives the same value, and nothing in it leads back
    to the device or links its answers for different units."""
    value = f"{device}|{unit.pk}|{day.isoformat()}"
    # The key's salt names the module it was first written in; changing it would let every
    # device answer again the day it changed.
    return salted_hmac("campaign.survey.device_day", value, algorithm="sha256").hexdigest()


def survey_answered(*, unit: Unit, device: str, day: datetime.date) -> bool:
    return SurveyResponse.objects.filter(
        unit=unit, device_day=device_day(device=device, unit=unit, day=day)
    ).exists()


class AlreadyAnswered(Exception):
    """This device has answered for this unit today."""


def survey_answer(
    *,
    unit: Unit,
    device: str,
    day: datetime.date,
    office_rating: int,
    organisation_rating: int,
    members_rating: int,
    opinion: str = "",
) -> SurveyResponse:
    """Save one anonymous answer. An opinion waits in the unit's inbox (待核实) for its
    keepers to check; past SURVEY_PENDING_CAP waiting, the ratings are saved and the
    opinion is not, and the answer is marked so that the inbox can say how many were."""
    ratings = {
        "office_rating": office_rating,
        "organisation_rating": organisation_rating,
        "members_rating": members_rating,
    }
    valid = {rating for rating, _label in SURVEY_RATINGS}
    errors = {name: _("请选择一项。") for name, value in ratings.items() if value not in valid}
    opinion = opinion.strip()
    if len(opinion) > OPINION_MAX_LENGTH:
        errors["opinion"] = _("意见请不要超过%(n)d字。") % {"n": OPINION_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    digest = device_day(device=device, unit=unit, day=day)
    key = opinion_key(opinion)
    with transaction.atomic():
        dropped = False
        if key:
            # The unit's row is the lock: of answers counting the inbox at once, one at a
            # time, so the cap holds.
            Unit.objects.select_for_update().filter(pk=unit.pk).first()
            dropped = (
                SurveyOpinion.objects.filter(unit=unit, status=OpinionStatus.PENDING).count()
                >= settings.SURVEY_PENDING_CAP
            )
        if SurveyResponse.objects.filter(unit=unit, device_day=digest).exists():
            raise AlreadyAnswered
        response = SurveyResponse(
            unit=unit,
            opinion="" if dropped else opinion,
            opinion_dropped=dropped,
            device_day=digest,
            **ratings,
        )
        # The unique constraint is the exists() above; a double tap racing it is caught below.
        response.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            raise AlreadyAnswered from None
        if key and not dropped:
            SurveyOpinion.objects.create(unit=unit, response=response, text=opinion, text_key=key)
    return response


# The inbox of opinions (待核实) -------------------------------------------------------------

# Marks that end a sentence, after NFKC has made ！？～ half-width: "希望管一管。" and
# "希望管一管" ask the same.
SENTENCE_ENDS = "。.!?~"

WHITESPACE = re.compile(r"\s+")


def opinion_words(text: str) -> str:
    """What an opinion says, for telling whether two say the same: full-width letters and
    punctuation as half-width (NFKC), no whitespace at all (Chinese puts none between
    words: "希望 管一管" is "希望管一管"), letters in one case, no mark at the end."""
    words = WHITESPACE.sub("", unicodedata.normalize("NFKC", text).casefold())
    return words.rstrip(SENTENCE_ENDS)


def opinion_key(text: str) -> str:
    """The key the inbox groups opinions by: a digest of `opinion_words`, short enough to
    index; "" for an opinion of nothing but marks and spaces."""
    words = opinion_words(text)
    return hashlib.sha256(words.encode()).hexdigest() if words else ""


def open_items_by_key(unit: Unit) -> dict[str, RectificationItem]:
    """The unit's problems still to be dealt with (待整改, 整改中), by `opinion_key` of what
    they say; the first filed where two say the same. One query."""
    items = RectificationItem.objects.filter(
        unit=unit, status__in=(RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)
    ).order_by("-pk")
    return {opinion_key(item.problem): item for item in items}


class OpinionError(ValidationError):
    """The opinions were already accepted or set aside by someone else (or by the same
    tap twice): the user is told so."""


def _already_decided() -> OpinionError:
    return OpinionError(_("这条意见已经处理过了(可能是别人刚刚处理的),请看待核实列表。"))


def survey_opinion_accept(
    *,
    unit: Unit,
    text_key: str,
    user: AbstractBaseUser,
    category: RectificationCategory | str = RectificationCategory.CONDUCT,
    today: datetime.date | None = None,
) -> tuple[RectificationItem, bool]:
    """采纳: the unit's waiting opinions that say the same (`text_key`) become one 群众意见
    problem of its ledger, in the words of the first, or join the problem still open that
    already says it; each is marked 已采纳 with it, by whom and when. Returns the problem
    and whether it was filed now.

    The opinions are locked first: of two keepers accepting the same at once, or one
    tapping twice, one files the problem and the other gets `OpinionError`.
    """
    with transaction.atomic():
        opinions = list(
            SurveyOpinion.objects.select_for_update()
            .filter(unit=unit, text_key=text_key, status=OpinionStatus.PENDING)
            .order_by("pk")
        )
        if not opinions:
            raise _already_decided()
        item = open_items_by_key(unit).get(text_key)
        created = item is None
        if created:
            item = rectification_item_create(
                unit=unit,
                user=user,
                problem=opinions[0].text,
                source=RectificationSource.PUBLIC,
                category=category,
                today=today,
            )
        SurveyOpinion.objects.filter(pk__in=[opinion.pk for opinion in opinions]).update(
            status=OpinionStatus.ACCEPTED, decided_by=user, decided_at=timezone.now(), item=item
        )
    return item, created


def survey_opinion_dismiss(
    *, unit: Unit, text_key: str, user: AbstractBaseUser, reason: str = ""
) -> int:
    """不采纳: the unit's waiting opinions that say the same are set aside, with the reason
    if one is given. Conditional on their still waiting, like `survey_opinion_accept`.
    Returns how many were set aside."""
    reason = reason.strip()
    if len(reason) > DISMISS_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("理由请不要超过%(n)d字。") % {"n": DISMISS_REASON_MAX_LENGTH}}
        )
    with transaction.atomic():
        dismissed = SurveyOpinion.objects.filter(
            unit=unit, text_key=text_key, status=OpinionStatus.PENDING
        ).update(
            status=OpinionStatus.DISMISSED,
            decided_by=user,
            decided_at=timezone.now(),
            dismiss_reason=reason,
        )
    if not dismissed:
        raise _already_decided()
    return dismissed

"""Writes of the 边学边查边改 ledger and of the public satisfaction survey that feeds it.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚,尽快
理清思路,提出解决问题的具体措施,抓好落实的责任人": an item is rectified (and dated) or,
put off, explained to the public with its measure and the person responsible; every
change to it is recorded with who made it and what the fields were before and after. An
opinion left on the public survey page becomes a 群众意见 item ("从群众意见最大、最不满意
的问题改起").
"""

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from ledgers.models import (
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
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
    """File a problem. `user` is None for an opinion left on the public survey page."""
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
    """Save one anonymous answer. An opinion also becomes a 群众意见 item of the unit's
    rectification ledger, so that the unit has to deal with it ("从群众意见最大、最不满意
    的问题改起")."""
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
    with transaction.atomic():
        if SurveyResponse.objects.filter(unit=unit, device_day=digest).exists():
            raise AlreadyAnswered
        response = SurveyResponse(unit=unit, opinion=opinion, device_day=digest, **ratings)
        # The unique constraint is the exists() above; a double tap racing it is caught below.
        response.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            raise AlreadyAnswered from None
        if opinion:
            rectification_item_create(
                unit=unit,
                user=None,
                problem=opinion,
                source=RectificationSource.PUBLIC,
                category=RectificationCategory.CONDUCT,
                today=day,
            )
    return response

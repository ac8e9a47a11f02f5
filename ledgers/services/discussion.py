"""Every write to the 大讨论: the drafts (稿) of a unit's specific requirements for each
group of its members, which is adopted (定稿), and the discussion sessions.

"通过反复讨论、集思广益所形成、所提炼的保持共产党员先进性的具体要求": every draft is kept
as a new version, so the rounds of the discussion stay on record.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written. Who may call it is decided by the views through
units.permissions; these functions check what the data itself must satisfy.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from common.validation import not_in_future, required_text
from ledgers.models import DiscussionGroup, DiscussionRequirement, DiscussionSession
from units.models import Unit


def discussion_requirement_write(
    *, unit: Unit, group: DiscussionGroup | str, text: str, user: AbstractBaseUser
) -> DiscussionRequirement:
    """Save a new draft (稿) of the unit's specific requirements for one group of members.

    Each save is a new version so that the discussion's rounds stay on record.
    """
    text = required_text(text, "text", _("请填写具体要求。"))
    latest = DiscussionRequirement.objects.filter(unit=unit, group=group).aggregate(
        latest=Max("version")
    )["latest"]
    requirement = DiscussionRequirement(
        unit=unit, group=group, version=(latest or 0) + 1, text=text, written_by=user
    )
    requirement.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            requirement.save()
    except IntegrityError as error:
        raise ValidationError(
            _("刚才有人同时保存了一稿,请刷新页面,在最新一稿的基础上修改。")
        ) from error
    return requirement


def discussion_requirement_adopt(
    *, requirement: DiscussionRequirement, user: AbstractBaseUser
) -> DiscussionRequirement:
    """Mark this version 定稿; the group's previously adopted version is un-adopted with it."""
    try:
        with transaction.atomic():
            DiscussionRequirement.objects.filter(
                unit_id=requirement.unit_id, group=requirement.group, is_adopted=True
            ).exclude(pk=requirement.pk).update(is_adopted=False)
            DiscussionRequirement.objects.filter(pk=requirement.pk).update(is_adopted=True)
    except IntegrityError as error:
        # Another adoption for the same group committed first.
        raise ValidationError(_("刚才有人同时确定了定稿,请刷新页面查看。")) from error
    requirement.is_adopted = True
    return requirement


def discussion_session_record(
    *,
    unit: Unit,
    held_on: datetime.date,
    participants: str,
    summary: str,
    user: AbstractBaseUser,
    public_opinions: str = "",
) -> DiscussionSession:
    not_in_future(held_on, "held_on", _("只能登记已经开过的讨论,日期不能晚于今天。"))
    session = DiscussionSession(
        unit=unit,
        held_on=held_on,
        participants=required_text(participants, "participants", _("请填写参加人员。")),
        summary=required_text(summary, "summary", _("请填写讨论情况。")),
        public_opinions=(public_opinions or "").strip(),
        recorded_by=user,
    )
    session.full_clean()
    session.save()
    return session

"""Every write to the publicity ledger, including its corrections.

"墙上有标语、宣传栏有内容、电视上有影、广播中有声、支部有信息简报": each record says which
of the five was done, when, and what shows it.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written. Who may call it is decided by the views through
units.permissions; these functions check what the data itself must satisfy.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from common.validation import not_in_future, required_text
from ledgers.models import CorrectedLedger, LedgerCorrection, PublicityCheck, PublicityItem
from ledgers.services.corrections import Changes, ledger_record_delete, ledger_record_update
from units.models import Unit

PUBLICITY_FIELDS = ["item", "done_on", "evidence"]


def _publicity_check_rules(check: PublicityCheck) -> None:
    """What a publicity record must satisfy, whether recorded or corrected."""
    not_in_future(check.done_on, "done_on", _("日期不能晚于今天。"))
    required_text(check.evidence, "evidence", _("请写明佐证情况,例如标语内容和悬挂地点。"))


def publicity_check_record(
    *,
    unit: Unit,
    item: PublicityItem | str,
    done_on: datetime.date,
    evidence: str,
    user: AbstractBaseUser,
) -> PublicityCheck:
    """One of the five "墙上有标语……支部有信息简报" items, with what shows it is done."""
    check = PublicityCheck(
        unit=unit,
        item=item,
        done_on=done_on,
        evidence=(evidence or "").strip(),
        recorded_by=user,
    )
    _publicity_check_rules(check)
    check.full_clean()
    check.save()
    return check


def publicity_check_correct(
    *,
    check: PublicityCheck,
    item: PublicityItem | str,
    done_on: datetime.date,
    evidence: str,
    user: AbstractBaseUser,
    reason: str | None,
) -> tuple[PublicityCheck, Changes]:
    """Correct a publicity record under the same rules; returns (check, {label: [before,
    after]})."""
    return ledger_record_update(
        record=check,
        ledger=CorrectedLedger.PUBLICITY,
        fields=PUBLICITY_FIELDS,
        values={"item": item, "done_on": done_on, "evidence": (evidence or "").strip()},
        user=user,
        reason=reason,
        validate=_publicity_check_rules,
    )


def publicity_check_delete(
    *, check: PublicityCheck, user: AbstractBaseUser, reason: str | None
) -> LedgerCorrection:
    """Deleting the only 宣传栏 record puts the unit back among the empty boards the
    office's overview lists first."""
    return ledger_record_delete(
        record=check,
        ledger=CorrectedLedger.PUBLICITY,
        fields=PUBLICITY_FIELDS,
        user=user,
        reason=reason,
    )

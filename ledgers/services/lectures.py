"""Every write to the leading cadres' 党课 and 形势报告, including their corrections.

"党员领导干部……要带头到基层单位上党课,做形势报告……督导组和先进性教育办公室要进行统计":
only a leading cadre's lecture is recorded, once it was given; a mistyped one is corrected
or deleted through ledgers.services.corrections, which keeps the correction.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written. Who may call it is decided by the views through
units.permissions; these functions check what the data itself must satisfy.
"""

import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.validation import not_in_future
from ledgers.models import CorrectedLedger, LeaderLecture, LectureKind, LedgerCorrection
from ledgers.services.corrections import Changes, ledger_record_delete, ledger_record_update
from units.models import Member, Unit

LECTURE_FIELDS = ["lecturer", "unit", "kind", "given_on", "place", "topic", "audience"]


def _lecture_rules(lecture: LeaderLecture) -> None:
    """What a lecture must satisfy, whether recorded or corrected."""
    if not lecture.lecturer.is_leading_cadre:
        raise ValidationError({"lecturer": _("只登记党员领导干部上的党课和做的形势报告。")})
    not_in_future(
        lecture.given_on, "given_on", _("只能登记已经讲过的党课或形势报告,日期不能晚于今天。")
    )
    if lecture.audience is not None and lecture.audience < 1:
        raise ValidationError({"audience": _("听课人数至少为1人。")})


def _lecture_values(
    *,
    lecturer: Member,
    unit: Unit,
    kind: LectureKind | str,
    given_on: datetime.date,
    topic: str,
    audience: int | None,
    place: str = "",
) -> dict[str, Any]:
    return {
        "lecturer": lecturer,
        "unit": unit,
        "kind": kind,
        "given_on": given_on,
        "place": (place or "").strip(),
        "topic": (topic or "").strip(),
        "audience": audience,
    }


def lecture_record(
    *,
    lecturer: Member,
    unit: Unit,
    kind: LectureKind | str,
    given_on: datetime.date,
    topic: str,
    audience: int | None,
    user: AbstractBaseUser,
    place: str = "",
) -> LeaderLecture:
    """A leading cadre's 党课 or 形势报告, recorded after it was given."""
    values = _lecture_values(
        lecturer=lecturer,
        unit=unit,
        kind=kind,
        given_on=given_on,
        place=place,
        topic=topic,
        audience=audience,
    )
    lecture = LeaderLecture(**values, recorded_by=user)
    _lecture_rules(lecture)
    lecture.full_clean()
    lecture.save()
    return lecture


def lecture_correct(
    *, lecture: LeaderLecture, user: AbstractBaseUser, reason: str | None, **fields: Any
) -> tuple[LeaderLecture, Changes]:
    """Correct a recorded lecture (`fields` as for lecture_record) under the same rules;
    returns (lecture, {label: [before, after]})."""
    return ledger_record_update(
        record=lecture,
        ledger=CorrectedLedger.LECTURE,
        fields=LECTURE_FIELDS,
        values=_lecture_values(**fields),
        user=user,
        reason=reason,
        validate=_lecture_rules,
    )


def lecture_delete(
    *, lecture: LeaderLecture, user: AbstractBaseUser, reason: str | None
) -> LedgerCorrection:
    return ledger_record_delete(
        record=lecture,
        ledger=CorrectedLedger.LECTURE,
        fields=LECTURE_FIELDS,
        user=user,
        reason=reason,
    )

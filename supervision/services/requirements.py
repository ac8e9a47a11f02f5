"""Writes outside the 转段 workflow itself: the office's conditions for each transition,
and each user's own notices.

A requirement is read when an application starts (its 回头看 questions are copied into
the round) and when it is submitted (the measured facts are checked and frozen). Changing
it therefore never touches an application already submitted.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REQUIREMENT_FIELDS = {
    "questions",
    "min_completion_rate",
    "max_makeups_owed",
    "require_readings_covered",
    "min_writing_rate",
    "max_open_rectifications",
}


def requirement_update(*, requirement, **fields):
    """Save what the 转段 out of `requirement.stage` checks."""
    unknown = fields.keys() - REQUIREMENT_FIELDS
    if unknown:
        raise TypeError(f"not a requirement field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(requirement, name, value)
    # One question a line, without the blank lines a pasted list brings along.
    requirement.questions = "\n".join(requirement.question_list())
    if not requirement.questions:
        raise ValidationError({"questions": _("请至少填写一个回头看问题,每行一个。")})
    requirement.full_clean()
    requirement.save(update_fields=sorted(fields.keys() | {"questions"}))
    return requirement

"""The office's write of what the 转段 out of each stage checks (转段条件).

"区先进性教育活动领导小组办公室对党支部学习动员阶段的情况进行检查,检查合格的,同意转入下一
阶段": what "合格" means for a stage is the office's to set.

A requirement is read when an application starts (its 回头看 questions are copied into
the round) and when it is submitted (the measured facts are checked and frozen). Changing
it therefore never touches an application already submitted.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.models import StageRequirement

REQUIREMENT_FIELDS = {
    "questions",
    "min_completion_rate",
    "max_makeups_owed",
    "require_readings_covered",
    "min_writing_rate",
    "max_open_rectifications",
}


def requirement_update(*, requirement: StageRequirement, **fields: object) -> StageRequirement:
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

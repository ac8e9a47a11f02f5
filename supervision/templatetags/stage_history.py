"""`{% stage_history unit %}`: a unit's approved 转段 and the office's corrections, newest
first, on pages of other apps (the unit's page) whose views don't read the 转段 record."""

from django import template

from supervision.selectors.transitions import unit_stage_history
from units.models import BRANCH_KINDS
from units.permissions import has_perm

register = template.Library()


@register.inclusion_tag("supervision/_stage_history.html", takes_context=True)
def stage_history(context, unit):
    history = unit_stage_history(unit)
    can_correct = has_perm(context["request"].user, "decide_transition", unit)
    return {
        "unit": unit,
        "history": history,
        "can_correct": can_correct,
        # A 党委 that never moved keeps its page for its units; a branch always shows where it is.
        "shown": bool(history) or can_correct or unit.kind in BRANCH_KINDS,
    }

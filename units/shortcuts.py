"""The lookups every unit and group page starts with: the object, or 404 when the user
can't see it and 403 when they may not take the action (units.permissions decides)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from units.models import SupervisionGroup, Unit
from units.permissions import require


def get_unit(request: HttpRequest, pk: int, action: str) -> Unit:
    """The unit, or 404 when the user can't see it and 403 when they may not do `action`."""
    unit = get_object_or_404(Unit.objects.select_related("stage", "parent"), pk=pk)
    require(request.user, action, unit)
    return unit


def get_group(request: HttpRequest, pk: int, action: str) -> SupervisionGroup:
    """The supervision group, or 404 for those outside it (and outside the office) and 403
    when they may not do `action`."""
    group = get_object_or_404(SupervisionGroup, pk=pk)
    require(request.user, action, group)
    return group

"""The lookup every unit page starts with."""

from django.shortcuts import get_object_or_404

from units.models import Unit
from units.permissions import require


def get_unit(request, pk, action):
    """The unit, or 404 when the user can't see it and 403 when they may not do `action`."""
    unit = get_object_or_404(Unit.objects.select_related("stage", "parent"), pk=pk)
    require(request.user, action, unit)
    return unit

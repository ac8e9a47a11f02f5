"""Lookups every study view shares: an object, or 404/403 by the permission module."""

from django.shortcuts import get_object_or_404

from units import shortcuts
from units.models import Member
from units.permissions import require


def get_unit(request, pk, action="view_ledger"):
    return shortcuts.get_unit(request, pk, action)


def get_member(request, pk, action="view_member"):
    """A member, if the user sees them; `action` is then checked on the member's branch
    (for ledger actions) or on the member (for view_member / act_as_member)."""
    member = get_object_or_404(Member.objects.select_related("unit", "unit__stage"), pk=pk)
    require(request.user, "view_member", member)
    if action != "view_member":
        target = member if action == "act_as_member" else member.unit
        require(request.user, action, target)
    return member

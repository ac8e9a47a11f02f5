"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def notification_list(request, **kwargs):
    raise Http404


def requirement_edit(request, **kwargs):
    raise Http404


def requirement_list(request, **kwargs):
    raise Http404

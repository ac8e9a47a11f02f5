"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def checkin(request, **kwargs):
    raise Http404


def session_checkins(request, **kwargs):
    raise Http404


def session_create(request, **kwargs):
    raise Http404


def session_detail(request, **kwargs):
    raise Http404


def session_edit(request, **kwargs):
    raise Http404


def session_list(request, **kwargs):
    raise Http404


def session_qr(request, **kwargs):
    raise Http404

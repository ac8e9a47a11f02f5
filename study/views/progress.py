"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def group_progress(request, **kwargs):
    raise Http404


def ledger_export(request, **kwargs):
    raise Http404


def member_progress(request, **kwargs):
    raise Http404


def my_progress(request, **kwargs):
    raise Http404


def unit_progress(request, **kwargs):
    raise Http404

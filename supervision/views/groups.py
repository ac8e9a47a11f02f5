"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def all_cases(request, **kwargs):
    raise Http404


def group_home(request, **kwargs):
    raise Http404


def inspection_detail(request, **kwargs):
    raise Http404


def inspection_list(request, **kwargs):
    raise Http404


def key_unit_list(request, **kwargs):
    raise Http404


def key_unit_remove(request, **kwargs):
    raise Http404


def typical_case_detail(request, **kwargs):
    raise Http404


def typical_case_list(request, **kwargs):
    raise Http404

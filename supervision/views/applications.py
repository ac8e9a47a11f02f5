"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def application_answers(request, **kwargs):
    raise Http404


def application_approve(request, **kwargs):
    raise Http404


def application_detail(request, **kwargs):
    raise Http404


def application_evaluate(request, **kwargs):
    raise Http404


def application_list(request, **kwargs):
    raise Http404


def application_meeting(request, **kwargs):
    raise Http404


def application_opinion(request, **kwargs):
    raise Http404


def application_return(request, **kwargs):
    raise Http404


def application_submit(request, **kwargs):
    raise Http404


def unit_transition(request, **kwargs):
    raise Http404

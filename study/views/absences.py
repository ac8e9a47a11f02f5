"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def contact_create(request, **kwargs):
    raise Http404


def leave_decide(request, **kwargs):
    raise Http404


def leave_list(request, **kwargs):
    raise Http404


def makeup_done(request, **kwargs):
    raise Http404


def makeup_list(request, **kwargs):
    raise Http404


def mobile_members(request, **kwargs):
    raise Http404


def my_leave(request, **kwargs):
    raise Http404


def my_self_study(request, **kwargs):
    raise Http404


def self_study_create(request, **kwargs):
    raise Http404

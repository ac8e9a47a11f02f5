"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def own_topic(request, **kwargs):
    raise Http404


def topic_list(request, **kwargs):
    raise Http404

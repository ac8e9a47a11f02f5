"""Placeholder: replaced by the module's real views."""

from django.http import Http404


def my_writings(request, **kwargs):
    raise Http404


def review_queue(request, **kwargs):
    raise Http404


def spot_check_detail(request, **kwargs):
    raise Http404


def spot_check_list(request, **kwargs):
    raise Http404


def writing_detail(request, **kwargs):
    raise Http404


def writing_paper(request, **kwargs):
    raise Http404

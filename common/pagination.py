"""The one pager of every list: a page of the rows, by the `page` query parameter.

A page number out of range or not a number shows the nearest page rather than an error
(Django's `get_page`); the template partial `_pager.html` keeps the list's filters in the
page links.
"""

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def page_of(
    request: HttpRequest, rows: QuerySet | Sequence, per_page: int, *, param: str = "page"
) -> Page:
    """The page of `rows` (a queryset or a list) that the request asks for."""
    return Paginator(rows, per_page).get_page(request.GET.get(param))

"""One fuzz example: post the data as a persona would, then judge what the view did.

"No 500, nothing half-saved": the view either answered with a redirect (it saved) and
every row it wrote or changed passes `full_clean()`, or it answered with the form again
(200), a refusal (4xx) or a redirect carrying an error, and no row of any of the project's
models changed. Each example runs in a savepoint that is rolled back, so the next starts
from the same database.
"""

import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.http import HttpResponse
from django.test import Client

Snapshot = dict[type[models.Model], dict[Any, tuple]]


def project_models() -> list[type[models.Model]]:
    """Every model of the project's own apps (those at the top of its folder), the
    many-to-many tables included."""
    project = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR
    }
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in project
    ]


@functools.cache
def _select_all() -> list[tuple[type[models.Model], str]]:
    """Per model, the SQL that reads all its rows, primary key first: raw, because a
    snapshot is taken twice an example and the ORM's compiling cost more than the reads."""
    quote = connection.ops.quote_name
    statements = []
    for model in project_models():
        columns = [model._meta.pk.column] + [f.column for f in model._meta.concrete_fields]
        statements.append(
            (
                model,
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)}",
            )
        )
    return statements


def snapshot() -> Snapshot:
    """Every row of every project model, by primary key."""
    rows = {}
    with connection.cursor() as cursor:
        for model, sql in _select_all():
            cursor.execute(sql)
            rows[model] = {values[0]: values for values in cursor.fetchall()}
    return rows


def differences(before: Snapshot, after: Snapshot) -> dict[str, list]:
    """The rows added, changed and deleted, as (model, pk)."""
    found = {"added": [], "changed": [], "deleted": []}
    for model, rows in after.items():
        old = before[model]
        for pk, values in rows.items():
            if pk not in old:
                found["added"].append((model, pk))
            elif old[pk] != values:
                found["changed"].append((model, pk))
        found["deleted"].extend((model, pk) for pk in old.keys() - rows.keys())
    return found


def _described(found: dict[str, list]) -> str:
    return "; ".join(
        f"{kind}: " + ", ".join(f"{model._meta.label}#{pk}" for model, pk in rows)
        for kind, rows in found.items()
        if rows
    )


def queued_errors(response: HttpResponse) -> list[str]:
    """The errors the view queued for the next page: a refusal, told after a redirect."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", ())
    return [str(message) for message in queued if message.level >= messages.ERROR]


def invalid_rows(rows: list[tuple[type[models.Model], Any]]) -> list[str]:
    """The rows among `rows` that don't pass their model's full_clean()."""
    problems = []
    for model, pk in rows:
        if model._meta.auto_created:
            continue  # a many-to-many link: its two ends are checked as rows of their own
        instance = model._base_manager.get(pk=pk)
        try:
            instance.full_clean()
        except ValidationError as error:
            problems.append(f"{model._meta.label}#{pk}: {error.message_dict}")
    return problems


def client_for(user: AbstractBaseUser | None) -> Client:
    """A browser logged in as `user` (anonymous when None) that answers a view's exception
    as the 500 page it is, for every example of a view: its session outlives them."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def post_and_judge(
    *,
    client: Client,
    url: str,
    data: dict[str, Any],
    prepare: Callable[[], None] | None = None,
    outcomes: list[int] | None = None,
) -> None:
    """Post `data` to `url` inside a savepoint that is rolled back, and fail unless the
    view neither broke nor half-saved."""
    with transaction.atomic():
        # The sign-in codes' and the survey's counts of attempts, from earlier examples.
        cache.clear()
        if prepare is not None:
            prepare()
        before = snapshot()
        response = client.post(url, data)
        if outcomes is not None:
            outcomes.append(response.status_code)
        if response.status_code >= 500:
            # Not a query more, and out of the savepoint (which the raise rolls back): after
            # a database error PostgreSQL runs none until the rollback.
            exc_info = getattr(response, "exc_info", None)
            trace = "".join(traceback.format_exception(*exc_info)) if exc_info else ""
            raise AssertionError(f"{url} answered {response.status_code}\n{trace}")
        found = differences(before, snapshot())
        errors = queued_errors(response)
        saved = response.status_code in (301, 302, 303) and not errors
        # Checked before the rollback takes the rows away.
        problems = invalid_rows(found["added"] + found["changed"]) if saved else []
        transaction.set_rollback(True)
    if saved:
        assert not problems, f"{url} saved rows that are not valid: {problems}"
    else:
        assert not any(found.values()), (
            f"{url} answered {response.status_code} {errors or ''} but wrote: {_described(found)}"
        )

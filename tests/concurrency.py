"""Contenders acting at the same moment over real concurrent connections.

Each thread loads its own copy of what it acts on first, as a request would, then all are
released together, so each passes the in-memory checks and only the database decides.
That needs PostgreSQL's row locks (SQLite serialises whole connections): the modules using
this skip on SQLite, and CI runs the suite on PostgreSQL too.
"""

import threading
from collections.abc import Callable
from typing import Any


def race(load: Callable[[], Any], *acts: Callable[[Any], Any]) -> list[Any]:
    """Run each act(load()) in a thread of its own, all released at once; what each
    returned or raised, in order."""
    # Imported here so that importing this module touches no database settings.
    from django.db import connections

    barrier = threading.Barrier(len(acts))
    outcomes = [None] * len(acts)

    def run(index, act):
        try:
            loaded = load()
            barrier.wait(timeout=10)
            outcomes[index] = act(loaded)
        except Exception as error:
            # What a contender was told is the outcome under test.
            barrier.abort()
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, act)) for i, act in enumerate(acts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a contender hung"
    return outcomes

"""Counting attempts in fixed windows of time, for the limits on what can be tried in bulk:
the public survey's answers per client address, wrong sign-in codes per member.

Counts live in the cache, which every worker shares when it is Redis (CACHE_URL). When
the cache can't be reached the count goes on in this process's memory instead: nobody is
refused a page because the cache is down, and the limit still holds, per worker, until the
cache answers again.
"""

import ipaddress
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# This process's counts while the cache is down: key → (count, expires at).
_local: dict[str, tuple[int, float]] = {}
_local_lock = threading.Lock()
# Past this many keys the expired ones are swept out, and if that is not enough all go:
# a flood of new keys must not fill a worker's memory.
_LOCAL_MAX_KEYS = 10_000
_cache_down = False


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind the production proxy REMOTE_ADDR is the proxy's;
    CLIENT_IP_HEADER names the header the proxy sets (e.g. HTTP_X_REAL_IP). Of a list
    (X-Forwarded-For) the last entry counts: the one the proxy added; a client can put
    anything before it. django-axes reads it too (AXES_CLIENT_IP_CALLABLE)."""
    header = settings.CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    try:
        return str(ipaddress.ip_address(value.rsplit(",", 1)[-1].strip()))
    except ValueError:
        # No header (a request that didn't come through the proxy) or not an address.
        return request.META.get("REMOTE_ADDR", "")


def _key(name: str, window: int) -> str:
    return f"throttle:{name}:{int(time.time() // window)}"


def retry_after(*, window: int) -> int:
    """Seconds until the current window ends and every count starts again from nothing."""
    return max(1, int(window - time.time() % window))


def attempts_hit(name: str, *, window: int) -> int:
    """Count one more attempt of `name` in the current window of `window` seconds, and
    return the count, this attempt included."""
    key = _key(name, window)
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:
            # Expired between add and incr: this attempt opens a new count.
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:
        _report_down()
        return _local_hit(key, window)
    _report_up()
    return count


def attempts_count(name: str, *, window: int) -> int:
    """The attempts of `name` counted in the current window, without adding one."""
    key = _key(name, window)
    try:
        count = cache.get(key, 0)
    except Exception:
        _report_down()
        with _local_lock:
            count, expires = _local.get(key, (0, 0.0))
        return count if expires > time.time() else 0
    _report_up()
    return count


def _local_hit(key: str, window: int) -> int:
    now = time.time()
    with _local_lock:
        if len(_local) >= _LOCAL_MAX_KEYS:
            for stale in [k for k, (_count, expires) in _local.items() if expires <= now]:
                del _local[stale]
            if len(_local) >= _LOCAL_MAX_KEYS:
                _local.clear()
        count, expires = _local.get(key, (0, now + window))
        if expires <= now:
            count, expires = 0, now + window
        _local[key] = (count + 1, expires)
        return count + 1


def _report_down() -> None:
    """Log the cache's failure once, not on every request while it lasts."""
    global _cache_down
    if not _cache_down:
        _cache_down = True
        logger.warning("cache unreachable: attempts are counted per process", exc_info=True)


def _report_up() -> None:
    global _cache_down
    if _cache_down:
        _cache_down = False
        logger.warning("cache reachable again: attempts are counted in the cache")

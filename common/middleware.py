"""What every request goes through: a cap on its size, the browser features pages may use,
and the session that ends after a working day without use.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# When the session last had its expiry pushed forward (seconds since the epoch).
SESSION_SEEN_KEY = "seen"

# The session's expiry moves forward at most this often: saving it on every request
# (SESSION_SAVE_EVERY_REQUEST) would add a database write to every page; this way a user
# busy all day costs one every ten minutes, and an idle session ends between
# SESSION_COOKIE_AGE minus ten minutes and SESSION_COOKIE_AGE after its last use.
SESSION_REFRESH_AFTER = 10 * 60


def session_stamp(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On login (user_logged_in): the session is saved anyway, so it carries its first
    stamp without a write of its own."""
    request.session[SESSION_SEEN_KEY] = int(time.time())


class SessionIdleTimeout:
    """A logged-in session's expiry (SESSION_COOKIE_AGE) counts from its last use, not
    from the login, within SESSION_REFRESH_AFTER. Below SessionMiddleware, which saves the
    session, and the new expiry with it, once this marks it changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(SESSION_SEEN_KEY, 0) >= SESSION_REFRESH_AFTER:
                session[SESSION_SEEN_KEY] = now
        return response


class RequestSizeLimit:
    """Refuse a request body larger than REQUEST_MAX_BYTES before anything reads it.
    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves out uploaded files; this one
    holds for the whole body, where no proxy in front sets client_max_body_size."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return HttpResponse(
                _("提交的内容超过%(mb)dMB,请减少或压缩照片、文件后再提交。")
                % {"mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PermissionsPolicy:
    """Turn off the browser features no page uses (PERMISSIONS_POLICY), so that a script
    slipped into a page can't reach them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

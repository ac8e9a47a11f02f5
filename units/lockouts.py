"""Login lockouts (登录锁定). django-axes counts failed logins per user name and client
address (settings.AXES_*): after AXES_FAILURE_LIMIT of them that pair is locked for
AXES_COOLOFF_TIME, and the right password is refused too until then. Here: the login page
a locked-out login is shown, saying until when; and the office's list of locked logins,
where it unlocks one (someone who mistyped their password and can't wait calls the office).
"""

import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from units.permissions import require

logger = logging.getLogger(__name__)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, before the password's (AUTHENTICATION_BACKENDS). A call without a
    request has no address to count by: the login form and the admin's pass theirs, and
    what calls without one (the test client's login(), a shell) goes on to the password."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs
    ):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The login page again, saying that this login is locked and until when
    (AXES_LOCKOUT_CALLABLE)."""
    username = get_client_username(request, credentials) or ""
    last_failure = AccessAttempt.objects.filter(
        username=username, ip_address=request.axes_ip_address
    ).aggregate(last=Max("attempt_time"))["last"]
    cool_off = get_cool_off()
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request, initial={"username": username}),
            "next": request.POST.get("next", ""),
            "locked_until": (last_failure or timezone.now()) + cool_off,
            "cool_off_minutes": int(cool_off.total_seconds() // 60),
        },
        status=429,
    )


def locked_logins() -> list[dict]:
    """The user names and addresses locked now, the latest first, each with its count of
    failures and when it unlocks by itself."""
    cool_off = get_cool_off()
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure", "username")
    )
    for row in rows:
        row["locked_until"] = row["last_failure"] + cool_off
    return rows


def login_unlock(*, username: str, ip_address: str, user) -> int:
    """Forget the failed logins of this user name from this address, so that it may log
    in at once; the count of records removed."""
    count = reset(ip=ip_address, username=username)
    logger.info("login %s from %s unlocked by %s", username, ip_address, user.get_username())
    return count


@login_required
@require_safe
def lockout_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "unlock_login")
    return render(
        request,
        "units/lockouts.html",
        {"lockouts": locked_logins(), "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


def _is_address(value: str) -> bool:
    """Whether `value`, posted back from the list, is a client address at all: anything
    else is locked out nowhere, and PostgreSQL's address column can't even be compared
    with it (a 500)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def lockout_release(request: HttpRequest) -> HttpResponse:
    require(request.user, "unlock_login")
    username = request.POST.get("username", "")
    ip_address = request.POST.get("ip_address", "")
    if (
        username
        and _is_address(ip_address)
        and login_unlock(username=username, ip_address=ip_address, user=request.user)
    ):
        messages.success(request, _("已解除 %(username)s 的登录锁定。") % {"username": username})
    else:
        messages.info(request, _("这个登录已经不在锁定中。"))
    return redirect("units:lockouts")


urlpatterns = [
    path("lockouts/", lockout_list, name="lockouts"),
    path("lockouts/unlock/", lockout_release, name="lockout_release"),
]

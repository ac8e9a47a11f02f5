"""Every form is saved once per submission, whatever the number of taps.

Two POSTs of the same form by the same person — a double tap on 保存, a phone resending
on a bad network — created two identical self-study rows, essays, members, sessions and
分析会 with their notifications. The rule here covers every form at once, the admin's and
without a token in each template: a POST's fingerprint is who sent it, from which page,
where to, and what (every field but the CSRF token, and each file's name, size and
digest). Anonymous POSTs
are left to their own rules: a login is not a record, and the public survey has its
once-a-day device cookie and rate limits (two visitors behind one address may well give
the same answers). The first POST with a
fingerprint claims it in the same transaction as its own writes; the same fingerprint
within `WINDOW` is a repeat:

- sent while the first is still being handled, it waits on the claimed row (PostgreSQL
  and SQLite both make the second insert wait for the first's commit), then is answered
  like the first;
- answered like the first means redirected where the first was (a saved form answers
  with a redirect), with a message that nothing was saved twice.

A POST the view answers without a redirect (a form shown again with its errors), or with
a redirect and an error or a warning (an action refused, e.g. 报送 before the 补课情况 is
filled in), keeps its writes but gives its claim up: fixing what was missing and sending
the same again is allowed.
Sending the same values again after `WINDOW` is a new submission: a second identical
self-study row an hour later is the member's choice.
"""

import datetime
import hashlib
import random

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import Submission

WINDOW = datetime.timedelta(minutes=1)

# Logging out is not a record: a second tap must log out too.
EXEMPT_PREFIXES = ("/logout/", "/admin/logout/")


def submission_key(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    # The page the form was sent from, too: the same button on another page (开始第2轮 on
    # round 1's page after 开始填写 on the unit's) is another action, not a repeat.
    referer = request.META.get("HTTP_REFERER", "")
    digest.update(f"user:{request.user.pk}\0{request.path}\0{referer}\0".encode())
    for name in sorted(request.POST):
        if name == "csrfmiddlewaretoken":
            continue
        for value in request.POST.getlist(name):
            digest.update(f"{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\0{upload.name}\0{upload.size}\0".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _refused(request: HttpRequest) -> bool:
    """The view answered with a redirect but said no (an error or a warning queued for the
    next page, as the 转段 steps do): the user may fix what was missing and press again."""
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", ())
    return any(message.level >= messages.WARNING for message in queued)


class OncePerSubmission:
    """The middleware: after authentication (it needs the user), before the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method != "POST"
            or user is None
            or not user.is_authenticated
            or request.path.startswith(EXEMPT_PREFIXES)
        ):
            return self.get_response(request)
        key = submission_key(request)
        now = timezone.now()
        if random.random() < 0.05:
            # Claims older than the window are done with: now and then, not on every POST.
            Submission.objects.filter(created_at__lt=now - WINDOW).delete()
        with transaction.atomic():
            claim = self._claim(key, now)
            if claim is not None:
                response = self.get_response(request)
                location = (
                    response.get("Location") if response.status_code in (301, 302, 303) else None
                )
                if location and not _refused(request):
                    claim.redirect_to = location[:500]
                    claim.save(update_fields=["redirect_to"])
                else:
                    claim.delete()
                return response
        # The same submission again: answer it as the first was answered.
        first = Submission.objects.filter(key=key).first()
        if first is None or not first.redirect_to:
            # The first gave its claim up (its form had errors): this one is its own.
            return self.get_response(request)
        messages.info(request, _("这份表单刚刚已经提交过,没有重复保存。"))
        return HttpResponseRedirect(first.redirect_to)

    @staticmethod
    def _claim(key: str, now: datetime.datetime) -> Submission | None:
        """The claim on `key`, or None when a submission within the window holds it (the
        insert waits for that one's transaction to end, so its answer is known)."""
        try:
            with transaction.atomic():
                return Submission.objects.create(key=key, created_at=now)
        except IntegrityError:
            pass
        stale = Submission.objects.filter(key=key, created_at__lt=now - WINDOW).delete()[0]
        if stale:
            try:
                with transaction.atomic():
                    return Submission.objects.create(key=key, created_at=now)
            except IntegrityError:
                pass
        return None

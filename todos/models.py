"""Each person's weekly reminder (每周待办提醒): whether they want it, and when it was last
sent, so that no one is reminded twice in a week however often the job runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderPreference(models.Model):
    """每周待办提醒 of one user: on unless they turn it off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    weekly_digest = models.BooleanField(_("接收每周待办提醒"), default=True)
    last_digest_at = models.DateTimeField(_("上次提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待办提醒设置")
        verbose_name_plural = _("待办提醒设置")

    def __str__(self) -> str:
        return f"{self.user} · {'接收' if self.weekly_digest else '不接收'}"

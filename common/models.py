"""What every app's models share: who entered a record and when, and the in-app notices
sent to users.

"指定专人做好教育活动台帐": every ledger entry says who entered it and when, so that a
figure in a briefing can be traced to the person who put it in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Recorded(models.Model):
    """Who entered the record (登记人) and when (登记时间), for the ledgers' entries."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app notice to one user (also sent by e-mail when they have an address)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class OutboxMessage(models.Model):
    """A Celery job waiting to be sent (待发送的后台任务): written in the transaction of the
    change that needs it, deleted once the broker has taken it (common.outbox)."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    tries = models.PositiveIntegerField(_("发送失败次数"), default=0)
    last_error = models.TextField(_("最近一次发送失败的原因"), blank=True)

    class Meta:
        verbose_name = _("待发送的后台任务")
        verbose_name_plural = _("待发送的后台任务")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.task}{self.args}"


class Submission(models.Model):
    """One POST of a form, by its content (common.submissions): the same one again within
    a minute — a double tap, a phone resending on a bad network — is answered with where
    the first went, not saved twice."""

    key = models.CharField(_("提交指纹"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("提交时间"), db_index=True)
    # Where the first submission's answer sent the browser; empty while it is being handled.
    redirect_to = models.CharField(_("跳转地址"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")

    def __str__(self) -> str:
        return self.key

"""The supervision groups' work and the 转段 (stage transition) workflow.

"召开'转段分析会'后,党支部要向区委先进性教育活动领导小组办公室和督导组报送转入下一阶段的
申请。区先进性教育活动领导小组办公室对党支部学习动员阶段的情况进行检查,检查合格的,同意
转入下一阶段;对达不到工作要求的,要严格把关,督促进行'补课',直到合格后再转入下一阶段。"

An application is one round: drafted, submitted, given the group's opinion, decided.
A round returned for 补课 stays as it was; the branch starts the next round from it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def __str__(self):
        return self.text

"""Stored sums whose meaning depends on the day asked, keyed by date (units.subtree): a
mobile member is out of contact once their last contact is over 30 days old, a branch
with writings waiting is behind on 批阅 once its last review is over a week old (or, never
having reviewed, its first waiting writing). Each unit keeps its own rows, and beside them
its subtree's, so a district's count is a sum of a few rows by date rather than a scan of
its members or writings."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# A mobile member never contacted: earlier than any contact.
NEVER = datetime.date(1, 1, 1)


class ContactsByDay(models.Model):
    """流动党员 counted by the day each was last contacted: a unit's own, or its subtree's."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    last_contacted_on = models.DateField(_("最近联系日期"))
    members = models.PositiveIntegerField(_("流动党员数"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.last_contacted_on} · {self.members}"


class MobileContacts(ContactsByDay):
    """A unit's own 流动党员, counted by the day each was last contacted."""

    class Meta:
        verbose_name = _("流动党员联系统计")
        verbose_name_plural = _("流动党员联系统计")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "last_contacted_on"], name="mobile_contacts_unique"
            )
        ]


class SubtreeMobileContacts(ContactsByDay):
    """`MobileContacts` of a unit and every unit below it, added up."""

    class Meta:
        verbose_name = _("流动党员联系统计(含下级)")
        verbose_name_plural = _("流动党员联系统计(含下级)")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "last_contacted_on"], name="subtree_mobile_contacts_unique"
            )
        ]


class BacklogByDay(models.Model):
    """党支部 with a note or essay not yet reviewed, counted by the day the week of 批阅 runs
    from: the branch's last review, or the day its oldest waiting writing came in if it never
    reviewed one. A branch's own (one), or its subtree's."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    waiting_since = models.DateField(_("批阅计时起始日"))
    branches = models.PositiveIntegerField(_("党支部数"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit} · {self.waiting_since} · {self.branches}"


class ReviewBacklog(BacklogByDay):
    """A 党支部 with a note or essay not yet reviewed: one, on the day its week of 批阅 runs
    from."""

    class Meta:
        verbose_name = _("未批改笔记心得统计")
        verbose_name_plural = _("未批改笔记心得统计")
        constraints = [
            models.UniqueConstraint(fields=["unit", "waiting_since"], name="review_backlog_unique")
        ]


class SubtreeReviewBacklog(BacklogByDay):
    """`ReviewBacklog` of a unit and every unit below it, added up."""

    class Meta:
        verbose_name = _("未批改笔记心得统计(含下级)")
        verbose_name_plural = _("未批改笔记心得统计(含下级)")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "waiting_since"], name="subtree_review_backlog_unique"
            )
        ]

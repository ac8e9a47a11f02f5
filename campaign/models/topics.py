"""What the office sets a batch to study: the 四加一 topics and the required readings
(必读科目).

"专题设置总体上可以按照'四加一'的格局来考虑"; "必读科目不少一篇".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """四加一专题: four fixed for the whole district, plus one each unit chooses."""

    batch = models.ForeignKey(
        "campaign.Batch", verbose_name=_("批次"), on_delete=models.CASCADE, related_name="topics"
    )
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("专题名称"), max_length=100)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("自选专题的党组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_topics",
        help_text=_("留空为全区统一的四个专题;填写则是该党组织结合实际自选的“加一”专题。"),
    )

    class Meta:
        verbose_name = _("四加一专题")
        verbose_name_plural = _("四加一专题")
        ordering = ["batch", "unit_id", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit"],
                condition=models.Q(unit__isnull=False),
                name="one_own_topic_per_unit",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_own(self):
        return self.unit_id is not None


class Reading(models.Model):
    """必读科目: "必读科目不少一篇"."""

    batch = models.ForeignKey(
        "campaign.Batch",
        verbose_name=_("批次"),
        on_delete=models.CASCADE,
        related_name="readings",
    )
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("篇目"), max_length=200)

    class Meta:
        verbose_name = _("必读科目")
        verbose_name_plural = _("必读科目")
        ordering = ["batch", "number", "pk"]

    def __str__(self):
        return self.title

"""The 大讨论 of the specific requirements: each unit's drafts for each group of its
members, and the sessions held with the opinions gathered from the public.

"形成既有共性,又能体现党员岗位、行业特点的新时期保持共产党员先进性具体要求……
广泛征求群众意见"
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DiscussionGroup(models.TextChoices):
    """The groups of members the speech names, each with its own emphasis."""

    GOVERNMENT = "government", _("党政机关党员")
    INSTITUTION = "institution", _("事业单位党员")
    ENTERPRISE = "enterprise", _("企业党员")
    IN_SERVICE = "in_service", _("在岗党员")
    RETIRED = "retired", _("离退休党员")
    RURAL = "rural", _("农村党员")
    COMMUNITY = "community", _("社区党员")
    ORDINARY = "ordinary", _("一般党员")
    LEADING_CADRE = "leading_cadre", _("党员领导干部")


class DiscussionRequirement(models.Model):
    """A unit's draft of the specific requirements for one group of its members."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="discussion_requirements",
    )
    group = models.CharField(_("党员群体"), max_length=20, choices=DiscussionGroup.choices)
    version = models.PositiveSmallIntegerField(_("稿次"), default=1)
    text = models.TextField(_("具体要求"))
    is_adopted = models.BooleanField(_("定稿"), default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("起草时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("先进性具体要求")
        verbose_name_plural = _("先进性具体要求")
        ordering = ["unit", "group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "group", "version"], name="one_version_number_per_group"
            ),
            models.UniqueConstraint(
                fields=["unit", "group"],
                condition=models.Q(is_adopted=True),
                name="one_adopted_version_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_group_display()} · 第{self.version}稿"


class DiscussionSession(models.Model):
    """A 大讨论 session, with the opinions gathered from the public."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="discussion_sessions",
    )
    held_on = models.DateField(_("日期"))
    participants = models.CharField(_("参加人员"), max_length=200)
    summary = models.TextField(_("讨论情况"))
    public_opinions = models.TextField(_("征求群众意见"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("大讨论记录")
        verbose_name_plural = _("大讨论记录")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.held_on}"

"""Reads of the 大讨论: where a unit's drafts stand for each group of its members, and
what the speech says each group's requirements should stress.

`discussion_groups` is one query whatever the number of drafts.
"""

from typing import Any

from django.db.models import Count, Max, Q

from ledgers.models import DiscussionGroup, DiscussionRequirement
from units.models import Unit


def discussion_groups(unit: Unit) -> list[dict[str, Any]]:
    """For each of the nine groups: drafts written, the latest draft's number and the
    adopted one's (None when there is none)."""
    rows = (
        DiscussionRequirement.objects.filter(unit=unit)
        .values("group")
        .annotate(
            drafts=Count("pk"),
            latest=Max("version"),
            adopted=Max("version", filter=Q(is_adopted=True)),
        )
        .order_by()
    )
    by_group = {row["group"]: row for row in rows}
    return [
        {
            "group": group,
            "label": label,
            "hint": SPEECH_EMPHASIS[group],
            **by_group.get(group, {"drafts": 0, "latest": None, "adopted": None}),
        }
        for group, label in DiscussionGroup.choices
    ]


# What the speech says each group's requirements should stress ("比如,对党政机关的党员,
# 要突出……"), shown beside the draft as a starting point.
SPEECH_EMPHASIS = {
    DiscussionGroup.GOVERNMENT: "以强化立党为公、执政为民意识为重点,以解决作风问题为突破口,"
    "树立和落实科学的发展观和正确的政绩观,提高科学执政、民主执政和依法执政等方面水平",
    DiscussionGroup.INSTITUTION: "关心党的事业,刻苦钻研业务,恪守职业道德,热情服务群众,"
    "带头解决不正之风",
    DiscussionGroup.ENTERPRISE: "以促进企业生产经营为目标,带头解放思想,更新观念,支持改革,"
    "推进创新,不断提升企业竞争力",
    DiscussionGroup.IN_SERVICE: "爱岗敬业,无私奉献,岗位建功业,本职创一流",
    DiscussionGroup.RETIRED: "发挥余热、老有所学、老有所为",
    DiscussionGroup.RURAL: "带头遵纪守法,带头致富,带领群众致富",
    DiscussionGroup.COMMUNITY: "带头搞好社区服务,维护社会稳定",
    DiscussionGroup.ORDINARY: "增强党员意识,牢记党风,坚定理想信念",
    DiscussionGroup.LEADING_CADRE: "以身作则,率先垂范,不断提高科学判断形势、驾驭市场经济、"
    "应对复杂局面、依法执政、统揽全局的能力",
}

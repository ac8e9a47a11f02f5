"""Reads of the leaders' ledgers, publicity and the 大讨论 that aggregate.

Each is one query whatever the number of units, cadres or records.
"""

from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When

from campaign.models import (
    DiscussionGroup,
    DiscussionRequirement,
    LeaderLecture,
    LectureKind,
    PublicityItem,
    TripRequest,
    TripState,
)
from units.models import Member, Unit


def under_any(paths, field="path"):
    """Rows whose unit path (in `field`) lies in one of the subtrees rooted at `paths`."""
    condition = Q(pk__in=[])
    for path in filter(None, paths):
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def managed_paths(scope):
    """Where the user keeps the ledgers: a secretary's branch, a leader's subtree."""
    return scope.leader_paths + scope.secretary_paths


# 党课 and 形势报告 ------------------------------------------------------------------------


def leading_cadres_under(paths):
    return (
        Member.objects.filter(under_any(paths, "unit__path"), is_leading_cadre=True)
        .select_related("unit")
        .order_by("unit__path", "name", "pk")
    )


def in_campaign(campaign, field="given_on"):
    """Lectures of a batch: those given between its first and last day (a cadre lectures
    again in every batch, and each batch's 统计 counts its own)."""
    if campaign is None:
        return Q()
    return Q(**{f"{field}__range": (campaign.starts_on, campaign.ends_on)})


def lectures_of(unit, *, campaign):
    """Lectures given at the unit's subtree, or by a cadre of it wherever they spoke."""
    return LeaderLecture.objects.filter(
        Q(unit__path__startswith=unit.path) | Q(lecturer__unit__path__startswith=unit.path),
        in_campaign(campaign),
    ).select_related("lecturer__unit", "unit", "recorded_by")


def lecture_totals(lectures):
    return lectures.aggregate(
        party_lectures=Count("pk", filter=Q(kind=LectureKind.PARTY_LECTURE)),
        situation_reports=Count("pk", filter=Q(kind=LectureKind.SITUATION_REPORT)),
        audience=Sum("audience"),
    )


def _by_kind(relation, campaign):
    batch = in_campaign(campaign, f"{relation}__given_on")
    return {
        "party_lectures": Count(
            relation, filter=batch & Q(**{f"{relation}__kind": LectureKind.PARTY_LECTURE})
        ),
        "situation_reports": Count(
            relation, filter=batch & Q(**{f"{relation}__kind": LectureKind.SITUATION_REPORT})
        ),
        "lecture_count": Count(relation, filter=batch),
    }


def lecture_counts_per_cadre(paths, *, campaign):
    """The leading cadres of these subtrees with how many 党课 and 形势报告 each has given
    (anywhere) in the batch; those with none first, since they are the ones to be asked
    about."""
    return (
        leading_cadres_under(paths)
        .annotate(**_by_kind("lectures", campaign))
        .order_by("lecture_count", "unit__path", "name", "pk")
    )


def lecture_counts_per_unit(paths, *, campaign):
    """The units of these subtrees with the lectures given at each in the batch, in tree
    order."""
    return (
        Unit.objects.filter(under_any(paths))
        .annotate(
            **_by_kind("leader_lectures", campaign),
            audience=Sum(
                "leader_lectures__audience",
                filter=in_campaign(campaign, "leader_lectures__given_on"),
            ),
        )
        .order_by("path")
    )


# Trips -------------------------------------------------------------------------------------


def trips_for(user, scope):
    """The trip requests a user sees: all for the office; otherwise those of the cadres in
    their scope, their own, and the ones they asked for."""
    trips = TripRequest.objects.select_related(
        "traveller__unit", "requested_by", "decided_by", "withdrawn_by", "makeup"
    )
    if scope.is_office:
        return trips
    condition = Q(requested_by=user) | under_any(scope.paths, "traveller__unit__path")
    if scope.member is not None:
        condition |= Q(traveller=scope.member)
    return trips.filter(condition)


def pending_first(trips):
    pending_rank = Case(
        When(state=TripState.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return trips.order_by(pending_rank, "-requested_at", "-pk")


# Publicity ---------------------------------------------------------------------------------


def _last_done(item):
    return Max("publicity_checks__done_on", filter=Q(publicity_checks__item=item))


def publicity_latest(unit):
    """The date each of the five items was last recorded for the unit (None: not yet)."""
    row = Unit.objects.filter(pk=unit.pk).aggregate(
        **{item: _last_done(item) for item in PublicityItem.values}
    )
    return [(item, label, row[item]) for item, label in PublicityItem.choices]


def publicity_overview(paths):
    """Each unit of these subtrees with the date each item was last done; the units whose
    宣传栏 is still empty first ("部分单位的宣传橱窗、宣传栏里至今还没有先进性教育活动的内容")."""
    board_empty_first = Case(
        When(last_bulletin_board__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Unit.objects.filter(under_any(paths))
        .annotate(**{f"last_{item}": _last_done(item) for item in PublicityItem.values})
        .order_by(board_empty_first, "path")
    )


# 大讨论 -------------------------------------------------------------------------------------


def discussion_groups(unit):
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

"""`manage.py seed_demo`: the demo district `make run` starts with, its logins, and that
seeding is repeatable and scales for benchmarks."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaign.models import Batch
from demo.district import ROOT_NAME
from demo.users import DEMO_USERS
from ledgers.models import SubtreeOpenProblems, SubtreePracticeDay
from units.models import (
    TOP_LEVEL_KINDS,
    Member,
    MemberCategory,
    RoleAssignment,
    Sector,
    SupervisionGroup,
    Unit,
    UnitKind,
)
from units.permissions import scope_for

DEMO_USERNAMES = [spec.username for spec in DEMO_USERS]


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        "units": Unit.objects.count(),
        "top_level": Unit.objects.filter(depth=1).count(),
        "branches": Unit.objects.branches().count(),
        "members": Member.objects.count(),
        "linked_members": Member.objects.exclude(user=None).count(),
        "roles": RoleAssignment.objects.count(),
        "group_units": SupervisionGroup.units.through.objects.count(),
        "group_members": SupervisionGroup.members.through.objects.count(),
        "batches": Batch.objects.count(),
    }


@pytest.fixture
def root(db):
    seed()
    return Unit.objects.get(name=ROOT_NAME)


@pytest.fixture
def users(root, django_user_model):
    return {user.username: user for user in django_user_model.objects.all()}


def group_of(unit):
    """The supervision group that covers `unit` (through its top-level ancestor)."""
    return SupervisionGroup.objects.get(units__pk__in=unit.ancestor_ids())


def test_it_builds_a_district_the_size_of_the_speech(root):
    top_level = root.children.all()
    assert top_level.count() >= 8
    assert {unit.kind for unit in top_level} <= set(TOP_LEVEL_KINDS)
    assert Unit.objects.filter(kind=UnitKind.GENERAL_BRANCH).exists()
    assert Unit.objects.branches().count() >= 40
    assert Member.objects.count() >= 1200
    assert not Member.objects.exclude(unit__kind=UnitKind.BRANCH).exists()


def test_every_sector_has_branches_with_members(root):
    per_sector = dict(
        Unit.objects.branches().values_list("sector").annotate(members=Count("members"))
    )
    assert set(per_sector) == set(Sector.values)
    assert all(members > 0 for members in per_sector.values())


def test_branch_names_are_unique(root):
    names = list(Unit.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_households_add_up_to_the_speech_figure(root):
    # "帮扶和走访慰问困难群众1267户,占全区总户数的10%"
    assert root.households == 12_670
    assert sum(root.children.values_list("households", flat=True).exclude(households=None)) == (
        12_670
    )
    assert (
        not Unit.objects.exclude(households=None)
        .filter(kind=UnitKind.BRANCH, sector__in=[Sector.GOVERNMENT, Sector.INSTITUTION])
        .exists()
    )


def test_paths_follow_the_parents(root):
    parents = {unit.pk: unit for unit in Unit.objects.all()}
    for unit in parents.values():
        expected = f"{parents[unit.parent_id].path}{unit.pk}/" if unit.parent_id else f"/{unit.pk}/"
        assert unit.path == expected, unit.name
        assert unit.depth == unit.path.count("/") - 2
    assert Unit.objects.subtree_of(root).count() == len(parents)


def test_every_unit_but_one_approved_branch_is_in_stage_one(root):
    batch = Batch.objects.current()
    assert (batch.name, batch.targets) == ("第一批", "机关和事业单位")
    stages = list(batch.stages.values_list("name", flat=True))
    assert stages == ["学习动员", "分析评议", "整改提高"]
    first = batch.stages.get(number=1)
    assert list(first.steps.values_list("name", flat=True)) == ["思想发动", "学习培训", "大讨论"]
    # One branch of the demo has had its 转段 approved today and is in stage 2.
    moved = Unit.objects.exclude(stage=first)
    assert [(u.stage.number, u.stage_since) for u in moved] == [(2, timezone.localdate())]
    # The demo's campaign is under way today, so that a session held today counts.
    started = timezone.localdate() - datetime.timedelta(days=35)
    stayed = Unit.objects.filter(stage=first)
    assert set(stayed.values_list("stage_since", flat=True)) == {started}


def test_the_demo_has_transition_applications_at_every_step(root):
    from supervision.models import ApplicationState, TransitionApplication

    states = sorted(TransitionApplication.objects.values_list("state", flat=True))
    assert states == sorted(
        [
            ApplicationState.DRAFT,
            ApplicationState.SUBMITTED,
            ApplicationState.RETURNED,
            ApplicationState.APPROVED,
        ]
    )


def test_three_supervision_groups_cover_every_top_level_unit(root):
    groups = SupervisionGroup.objects.annotate(assigned=Count("units"))
    assert {group.name for group in groups} == {"第一督导组", "第二督导组", "第三督导组"}
    assert all(group.assigned >= 2 for group in groups)
    covered = SupervisionGroup.units.through.objects.values_list("unit_id", flat=True)
    assert sorted(covered) == sorted(root.children.values_list("pk", flat=True))


def test_members_look_like_a_district_membership(root):
    members = Member.objects.all()
    total = members.count()
    shares = members.aggregate(
        cadres=Count("pk", filter=Q(is_leading_cadre=True)),
        mobile=Count("pk", filter=Q(is_mobile=True)),
        mobile_in_villages=Count(
            "pk", filter=Q(is_mobile=True, unit__sector__in=[Sector.RURAL, Sector.COMMUNITY])
        ),
        infirm=Count("pk", filter=Q(is_infirm=True)),
        infirm_retired=Count("pk", filter=Q(is_infirm=True, category=MemberCategory.RETIRED)),
        cannot_write=Count("pk", filter=Q(can_write=False)),
        retired=Count("pk", filter=Q(category=MemberCategory.RETIRED)),
    )
    assert 0.05 <= shares["cadres"] / total <= 0.08
    assert 0.03 <= shares["mobile"] / total <= 0.07
    assert shares["mobile_in_villages"] > shares["mobile"] / 2
    assert shares["infirm_retired"] > shares["infirm"] / 2
    assert 0 < shares["cannot_write"] < total * 0.1
    assert shares["retired"] > 0
    assert not members.filter(is_leading_cadre=True, unit__sector=Sector.RURAL).exists()
    in_service = members.filter(category=MemberCategory.IN_SERVICE)
    assert not in_service.filter(unit__sector__in=[Sector.RURAL, Sector.COMMUNITY]).exists()
    assert (
        not members.exclude(unit__sector=Sector.RURAL)
        .filter(category=MemberCategory.RURAL)
        .exists()
    )
    retired_branch = Unit.objects.get(name="区级机关离退休干部党支部")
    assert set(retired_branch.members.values_list("category", flat=True)) == {
        MemberCategory.RETIRED
    }
    phones = members.exclude(phone="").values_list("phone", flat=True)
    assert all(re.fullmatch(r"1[35]\d{9}", phone) for phone in phones)


def test_every_demo_user_logs_in_with_the_demo_password(users, client):
    assert sorted(users) == sorted(DEMO_USERNAMES)
    for username, user in users.items():
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
        assert user.last_name and user.first_name, username
        client.logout()


def test_the_personas_have_the_scope_of_their_role(root, users):
    education = Unit.objects.get(name="区教育党委")
    school = Unit.objects.get(name="区一中党支部")
    ward = Unit.objects.get(name="区人民医院内科党支部")

    assert scope_for(users["office"]).units().count() == Unit.objects.count()

    leader = scope_for(users["leader1"])
    assert leader.roles == ["leader"]
    assert set(leader.units()) == set(Unit.objects.subtree_of(education))
    assert leader.units().branches().count() >= 3

    secretary1, secretary2 = scope_for(users["secretary1"]), scope_for(users["secretary2"])
    assert secretary1.roles == secretary2.roles == ["secretary", "member"]
    assert list(secretary1.units()) == [school]
    assert secretary1.member.unit == school
    assert list(secretary2.units()) == [ward]
    assert secretary2.member.unit == ward
    assert school.is_descendant_of(education)
    assert group_of(school) != group_of(ward)

    member1 = scope_for(users["member1"])
    assert member1.roles == ["member"]
    assert member1.member.unit == school
    assert member1.member.is_leading_cadre
    assert member1.member != secretary1.member

    outsider = scope_for(users["outsider"])
    assert outsider.roles == []
    assert not outsider.units().exists()

    for number, name in enumerate(["第一督导组", "第二督导组", "第三督导组"], start=1):
        scope = scope_for(users[f"supervisor{number}"])
        group = SupervisionGroup.objects.get(name=name)
        assert scope.roles == ["supervisor"]
        assert scope.groups == [group.pk]
        assert scope.units().count() == sum(
            Unit.objects.subtree_of(unit).count() for unit in group.units.all()
        )

    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(user.is_staff for name, user in users.items() if name != "admin")


def test_running_it_twice_changes_nothing(root, client):
    before = counts()
    output = seed()
    assert counts() == before
    assert "已存在" in output
    assert client.login(username="secretary1", password=settings.DEMO_PASSWORD)


def test_running_it_again_applies_a_new_demo_password(root, client, settings):
    settings.DEMO_PASSWORD = "another-demo-password"
    seed()
    assert client.login(username="office", password="another-demo-password")


def test_if_empty_leaves_a_database_with_units_alone(db, django_user_model):
    Unit.objects.create(name="城北区委", kind=UnitKind.DISTRICT)
    output = seed("--if-empty")
    assert Unit.objects.count() == 1
    assert not django_user_model.objects.exists()
    assert "未生成" in output


def test_if_empty_seeds_an_empty_database(db):
    output = seed("--if-empty")
    assert Unit.objects.filter(name=ROOT_NAME).exists()
    assert "secretary1" in output
    assert settings.DEMO_PASSWORD in output


def test_if_empty_on_the_demo_database_prints_the_logins_again(root):
    before = counts()
    output = seed("--if-empty")
    assert counts() == before
    assert "secretary1" in output and settings.DEMO_PASSWORD in output


def test_scale_repeats_the_branches_and_members(db):
    with transaction.atomic():
        seed()
        single = counts()
        transaction.set_rollback(True)
    seed("--scale", "2")
    double = counts()
    assert double["top_level"] == single["top_level"]
    assert double["branches"] == 2 * single["branches"]
    assert 1.8 <= double["members"] / single["members"] <= 2.2
    names = list(Unit.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert Unit.objects.get(name=ROOT_NAME).households == 2 * 12_670


def test_scale_must_be_positive(db):
    with pytest.raises(CommandError):
        seed("--scale", "0")


def test_the_demo_ledger_shows_a_batch_under_way_and_uneven(root):
    from study.models import MakeUp, MemberProgress, StudySession
    from study.selectors.writings import units_with_review_backlog

    branches = Unit.objects.branches()
    assert not branches.exclude(study_sessions__isnull=False).exists()
    progress = MemberProgress.objects.aggregate(
        members=Count("pk"), complete=Count("pk", filter=Q(is_complete=True))
    )
    assert progress["members"] == Member.objects.count()
    # Some have finished their 40 学时, most are still on the way.
    assert 0 < progress["complete"] < progress["members"] / 2
    assert MakeUp.objects.filter(done_on=None).exists()
    assert MakeUp.objects.exclude(done_on=None).exists()
    assert StudySession.objects.filter(starts_at__date__gt=timezone.localdate()).count() == 0
    flagged = units_with_review_backlog(branches).filter(review_overdue=True).count()
    assert 0 < flagged < branches.count()


def test_the_demo_units_keep_their_other_ledgers_unevenly(root):
    from ledgers.models import PracticeActivity, PracticePlan, PublicityCheck, PublicityItem

    branches = Unit.objects.branches()
    with_activities = branches.filter(practice_activities__isnull=False).distinct().count()
    assert 0 < with_activities < branches.count()
    assert PracticePlan.objects.filter(is_late=True).exists()
    assert PracticePlan.objects.count() < Unit.objects.filter(depth=1).count()
    empty_boards = branches.exclude(publicity_checks__item=PublicityItem.BULLETIN_BOARD).count()
    assert 0 < empty_boards < branches.count()
    assert PracticeActivity.objects.filter(households__gt=0).exists()
    assert PublicityCheck.objects.exists()


def test_the_demo_dashboards_show_what_its_ledgers_hold(root):
    """The demo writes its ledgers in bulk, past the receivers that keep the stored sums:
    it counts them once at the end, so the office's first look at the demo is right."""
    out = io.StringIO()
    call_command("rollups_rebuild", "--check", stdout=out)
    assert "一致" in out.getvalue()
    assert SubtreeOpenProblems.objects.filter(unit=root).exists()
    assert SubtreePracticeDay.objects.filter(unit=root).exists()

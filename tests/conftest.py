"""The personas of the demo district, on a small tree built for each test.

    区委 (office)
    ├── 区教育党委 (leader1; 督导一组: supervisor1)
    │   ├── 区一中党支部 (secretary1; member1 is a leading cadre here)
    │   └── 区二中党支部
    ├── 区卫生党委 (督导二组: supervisor2)
    │   └── 区医院党总支
    │       └── 区医院内科党支部 (secretary2)
    └── 城关镇党委 (督导三组: supervisor3)
        └── 东街社区党支部
"""

import types

import pytest

from units.models import (
    MemberCategory,
    Role,
    RoleAssignment,
    Sector,
    SupervisionGroup,
    Unit,
    UnitKind,
)

from .factories import MemberFactory, UserFactory, make_campaign

PERSONAS = [
    "office",
    "supervisor1",
    "supervisor2",
    "supervisor3",
    "leader1",
    "secretary1",
    "secretary2",
    "member1",
    "outsider",
]


@pytest.fixture
def district(db):
    campaign, stages = make_campaign()
    first = stages[0]

    def unit(name, kind, parent=None, sector=""):
        return Unit.objects.create(
            name=name, kind=kind, parent=parent, sector=sector, stage=first,
            stage_since=campaign.starts_on,
        )

    root = unit("区委", UnitKind.DISTRICT)
    education = unit("区教育党委", UnitKind.COMMITTEE, root, Sector.INSTITUTION)
    school1 = unit("区一中党支部", UnitKind.BRANCH, education, Sector.INSTITUTION)
    school2 = unit("区二中党支部", UnitKind.BRANCH, education, Sector.INSTITUTION)
    health = unit("区卫生党委", UnitKind.COMMITTEE, root, Sector.INSTITUTION)
    hospital = unit("区医院党总支", UnitKind.GENERAL_BRANCH, health, Sector.INSTITUTION)
    ward = unit("区医院内科党支部", UnitKind.BRANCH, hospital, Sector.INSTITUTION)
    town = unit("城关镇党委", UnitKind.COMMITTEE, root, Sector.COMMUNITY)
    street = unit("东街社区党支部", UnitKind.BRANCH, town, Sector.COMMUNITY)

    users = {name: UserFactory(username=name) for name in PERSONAS}
    RoleAssignment.objects.create(user=users["office"], role=Role.OFFICE, unit=root)
    RoleAssignment.objects.create(user=users["leader1"], role=Role.LEADER, unit=education)
    RoleAssignment.objects.create(user=users["secretary1"], role=Role.SECRETARY, unit=school1)
    RoleAssignment.objects.create(user=users["secretary2"], role=Role.SECRETARY, unit=ward)
    groups = []
    for number, (supervisor, assigned) in enumerate(
        [("supervisor1", education), ("supervisor2", health), ("supervisor3", town)], start=1
    ):
        group = SupervisionGroup.objects.create(name=f"第{'一二三'[number - 1]}督导组")
        group.units.add(assigned)
        group.members.add(users[supervisor])
        groups.append(group)

    member1 = MemberFactory(
        name="张建国", unit=school1, user=users["member1"], is_leading_cadre=True,
        position="校长",
    )
    MemberFactory(name="李秀英", unit=school1, category=MemberCategory.RETIRED, is_infirm=True)
    MemberFactory(name="王强", unit=school1, is_mobile=True)
    MemberFactory(name="赵敏", unit=school2)
    MemberFactory(name="刘洋", unit=ward)
    MemberFactory(name="陈静", unit=street, category=MemberCategory.COMMUNITY)

    return types.SimpleNamespace(
        campaign=campaign,
        stages=stages,
        root=root,
        education=education,
        school1=school1,
        school2=school2,
        health=health,
        hospital=hospital,
        ward=ward,
        town=town,
        street=street,
        groups=groups,
        users=users,
        member1=member1,
    )


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login

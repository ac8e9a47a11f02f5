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

import os
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, UserFactory, campaign_under_way, make_batch
from units.models import (
    MemberCategory,
    Role,
    RoleAssignment,
    Sector,
    SupervisionGroup,
    Unit,
    UnitKind,
)

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
    batch, stages = make_batch()
    first = stages[0]

    def unit(name, kind, parent=None, sector=""):
        return Unit.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            sector=sector,
            stage=first,
            stage_since=batch.starts_on,
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
        group = SupervisionGroup.objects.create(
            number=number, name=f"第{'一二三'[number - 1]}督导组"
        )
        group.units.add(assigned)
        group.members.add(users[supervisor])
        groups.append(group)

    member1 = MemberFactory(
        name="张建国",
        unit=school1,
        user=users["member1"],
        is_leading_cadre=True,
        position="校长",
    )
    MemberFactory(name="李秀英", unit=school1, category=MemberCategory.RETIRED, is_infirm=True)
    MemberFactory(name="王强", unit=school1, is_mobile=True)
    MemberFactory(name="赵敏", unit=school2)
    MemberFactory(name="刘洋", unit=ward)
    MemberFactory(name="陈静", unit=street, category=MemberCategory.COMMUNITY)

    return types.SimpleNamespace(
        batch=batch,
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


@pytest.fixture
def count_queries():
    """count_queries(client, url) → the number of queries one GET of `url` makes."""

    def _count(client, url, **params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return len(queries)

    return _count


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_service(available, what):
    """Skip on a developer's machine without `what`; under CI a missing service fails."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required under CI")
    pytest.skip(f"{what} is not available here")


@pytest.fixture(scope="session")
def chromium():
    require_service(os.path.exists(CHROMIUM), "Debian's chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    # The live server runs in this process while Playwright's loop is active.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server):
    """A page in a 375-px-wide phone viewport, with `page.open(path)` on the live server."""
    context = chromium.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.open = lambda path: page.goto(f"{live_server.url}{path}")
    yield page
    context.close()


def log_in(page, username, password="pw"):
    page.open("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def live_district(district):
    """The same district with its campaign under way today: stage 1 began 30 days ago, so
    sessions held now fall inside it and members can sign in live."""
    campaign_under_way(district.batch, district.stages)
    return district

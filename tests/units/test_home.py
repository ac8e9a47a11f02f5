"""The home page leads with what waits for each role: cards whose counts are the ledgers',
each one tap from the page where it is done, at a cost pinned per persona."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import LeaveRequest, LeaveStatus, MakeUp
from study.selectors.writings import unreviewed_writings
from tests.factories import UserFactory, make_session
from tests.todos.ledger import build_ledger
from tests.units.test_views import _grow
from units.models import Member

HOME = reverse("home")


@pytest.fixture
def ledger(live_district):
    build_ledger(live_district)
    return live_district


def cards(page):
    """{key: (count or None, text)} of the to-do cards on the page."""
    found = {}
    for key, body in re.findall(r'data-todo="(\w+)">(.*?)</div>\s*</div>\s*</div>', page, re.S):
        count = re.search(r"data-count>(\d+)<", body)
        found[key] = (int(count.group(1)) if count else None, body)
    return found


@pytest.mark.parametrize(
    ("persona", "section", "keys"),
    [
        ("office", "todos-office", ["decisions", "trips", "plans", "briefings"]),
        ("supervisor1", "todos-supervisor", ["opinions", "meetings", "spot_checks"]),
        ("leader1", "todos-leader", ["lagging", "lectures"]),
        (
            "secretary1",
            "todos-branch-",
            ["session", "makeups", "leave", "reviews", "mobile", "opinions", "transition"],
        ),
        ("member1", "todos-member", ["hours", "makeups", "writing", "returned"]),
    ],
    ids=["office", "supervisor", "leader", "secretary", "member"],
)
def test_each_role_leads_with_what_waits_for_it(district, login, persona, section, keys):
    page = login(district.users[persona]).get(HOME).content.decode()
    assert f'id="{section}' in page
    assert list(cards(page)) == keys


def test_no_role_no_todos(district, login):
    page = login(district.users["outsider"]).get(HOME).content.decode()
    assert "data-todo" not in page
    assert "还没有分配角色" in page


def test_the_secretarys_cards_count_what_the_ledgers_hold(ledger, login):
    d = ledger
    session = make_session(d.school1, d.users["secretary1"], starts_at=timezone.now())
    LeaveRequest.objects.create(
        member=Member.objects.get(name="王强"),
        session=session,
        reason="出差",
        requested_by=d.users["secretary1"],
    )
    page = login(d.users["secretary1"]).get(HOME).content.decode()
    found = cards(page)
    branch = {"member__unit__path__startswith": d.school1.path}
    assert found["makeups"][0] == MakeUp.objects.filter(done_on__isnull=True, **branch).count()
    assert (
        found["leave"][0]
        == LeaveRequest.objects.filter(status=LeaveStatus.PENDING, **branch).count()
    )
    assert found["reviews"][0] == unreviewed_writings().filter(**branch).count()
    assert found["mobile"][0] == 1
    assert "有3次缺课还没有补课,补课后请登记。" in found["makeups"][1]
    assert "等待督导组签署意见" in found["transition"][1]


def test_todays_session_is_one_tap_from_its_roster(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    create = reverse("study:session_create", args=[d.school1.pk])
    page = client.get(HOME).content.decode()
    assert f'href="{create}" data-action="session">新建今天的学习' in page

    session = make_session(d.school1, d.users["secretary1"], starts_at=timezone.now())
    roster = reverse("study:session", args=[session.pk])
    page = client.get(HOME).content.decode()
    assert f'href="{roster}" data-action="session">打开签到名单' in page
    assert "签到名单" in client.get(roster).content.decode()


def test_a_member_reads_the_hours_still_missing(ledger, login):
    wang = Member.objects.get(name="王强")
    wang.user = UserFactory(username="wangqiang")
    wang.save()
    found = cards(login(wang.user).get(HOME).content.decode())
    assert "还差28学时,其中集中学习14.7学时。" in found["hours"][1]
    assert found["makeups"][0] == 3


@pytest.mark.parametrize("persona", ["office", "supervisor1", "leader1", "secretary1", "member1"])
def test_every_card_opens_a_page_its_reader_may_use(ledger, login, persona):
    client = login(ledger.users[persona])
    urls = re.findall(r'data-todo="\w+">.*?href="([^"]+)"', client.get(HOME).content.decode(), re.S)
    assert urls
    for url in urls:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


# Pinned: a change in what the home page reads shows here first.
QUERIES = {
    "office": 14,
    "supervisor1": 11,
    "leader1": 10,
    "secretary1": 14,
    "member1": 8,
    "outsider": 4,
}


@pytest.mark.parametrize("persona", list(QUERIES))
def test_the_home_pages_cost_is_pinned_per_persona(ledger, login, persona, count_queries):
    client = login(ledger.users[persona])
    assert count_queries(client, HOME) == QUERIES[persona]
    _grow(ledger)
    make_session(ledger.school1, ledger.users["secretary1"], starts_at=timezone.now())
    assert count_queries(client, HOME) == QUERIES[persona]


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

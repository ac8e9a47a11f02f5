"""A round's page says where it is: its route (支部 → 督导组 → 办公室), who holds it now and
for how many days, and what happens next, in words a branch secretary reads at a glance."""

import datetime

import pytest
from django.utils import timezone

from common.dates import day_text
from supervision.models import TransitionApplication
from tests.supervision.test_application_pages import (
    approved,
    evaluated,
    page_of,
    returned,
    started,
    submitted,
    with_meeting,
    with_opinion,
)


def route_of(client, application):
    page = page_of(client, application)
    return page.split('id="route"')[1].split("</section>")[0]


def current_stop(route):
    return route.split('aria-current="step">')[1].split("<")[0]


@pytest.mark.parametrize(
    ("build", "stop", "holder", "next_step"),
    [
        (started, "党支部", "区一中党支部", "召开转段分析会并登记"),
        (with_meeting, "督导组", "第一督导组", "督导组派人登记到会情况"),
        (evaluated, "党支部", "区一中党支部", "报送督导组和区委先进性教育办公室"),
        (submitted, "督导组", "第一督导组", "督导组签署同意或不同意转段的意见"),
        (with_opinion, "办公室", "区委先进性教育办公室", "检查合格的,同意转段"),
        (returned, "党支部", "区一中党支部", "按需补课事项补课"),
    ],
    ids=["started", "meeting", "evaluated", "submitted", "opinion", "returned"],
)
def test_the_route_names_who_holds_the_round_and_what_comes_next(
    live_district, login, build, stop, holder, next_step
):
    application = build(live_district)
    route = route_of(login(live_district.users["secretary1"]), application)

    assert current_stop(route) == stop
    assert f"现在由<strong>{holder}</strong>办理" in route
    assert next_step in route


def test_a_decided_round_is_finished_and_says_where_the_branch_went(live_district, login):
    application = approved(live_district)
    route = route_of(login(live_district.users["secretary1"]), application)

    assert 'aria-current="step"' not in route
    assert "办结" in route
    assert "进入分析评议阶段" in route


@pytest.mark.parametrize(
    ("days", "shown"), [(0, "(今天转来)"), (1, ",已1天"), (8, ",已8天")], ids=["0", "1", "8"]
)
def test_the_days_count_from_when_the_holder_got_it(live_district, login, days, shown):
    application = submitted(live_district)
    since = timezone.now() - datetime.timedelta(days=days)
    TransitionApplication.objects.filter(pk=application.pk).update(submitted_at=since)

    route = route_of(login(live_district.users["office"]), application)

    assert shown in route
    assert f"自{day_text(since)}起" in route


def test_a_return_that_spared_the_meeting_says_the_next_round_keeps_it(live_district, login):
    application = returned(live_district)
    route = route_of(login(live_district.users["secretary1"]), application)

    assert "填写补课情况后直接报送" in route
    assert "转段分析会沿用本轮" in route

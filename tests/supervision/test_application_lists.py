"""The lists of applications: the office's and each group's to-do, longest waiting first,
and the branches' own record for their secretaries and leaders."""

import datetime

from django.urls import reverse
from django.utils import timezone

from supervision.models import TransitionApplication
from supervision.services import transitions as services
from units.models import Unit, UnitKind

LIST = reverse("supervision:applications")


def submitted_for(unit, *, by, supervisor, days_ago=0, opinion=None):
    """A round of `unit` submitted `days_ago` days ago, with the group's opinion if given."""
    application = services.application_start(unit=unit, user=by)
    services.answers_save(
        application=application, answers=dict.fromkeys(range(1, 5), "已自查"), user=by
    )
    services.meeting_record(
        application=application,
        held_on=timezone.localdate(),
        attendees="全体党员",
        minutes="可以转段",
        user=by,
    )
    services.meeting_evaluate(application=application, evaluation="扎实", user=supervisor)
    services.application_submit(application=application, user=by)
    TransitionApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago, hours=1)
    )
    if opinion is not None:
        services.group_opinion_give(
            application=application,
            agrees=opinion,
            reasons="意见",
            user=supervisor,
            unmet_acknowledged=True,
        )
    return application


def the_district_applies(d):
    users = d.users
    return {
        "school1": submitted_for(
            d.school1, by=users["secretary1"], supervisor=users["supervisor1"], days_ago=2
        ),
        "school2": submitted_for(
            d.school2,
            by=users["leader1"],
            supervisor=users["supervisor1"],
            days_ago=9,
            opinion=True,
        ),
        "ward": submitted_for(
            d.ward, by=users["secretary2"], supervisor=users["supervisor2"], days_ago=5
        ),
        "street": services.application_start(unit=d.street, user=users["office"]),
    }


def names_in(response):
    """The branch names of the list, in order."""
    page = response.content.decode().split('id="applications"')[1].split("</ul>")[0]
    return [
        name
        for _pos, name in sorted(
            (page.index(name), name)
            for name in ("区一中党支部", "区二中党支部", "区医院内科党支部", "东街社区党支部")
            if name in page
        )
    ]


def test_the_office_lands_on_what_waits_for_its_decision(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["office"])

    response = client.get(LIST)

    assert names_in(response) == ["区二中党支部"]
    page = response.content.decode()
    assert "已等待9天" in page
    assert '督导组意见:<span class="text-success">同意' in page


def test_the_office_sees_what_waits_for_the_groups_longest_first(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["office"])

    response = client.get(LIST, {"tab": "opinion"})

    assert names_in(response) == ["区医院内科党支部", "区一中党支部"]
    page = response.content.decode()
    assert page.index("已等待5天") < page.index("已等待2天")


def test_the_tabs_count_every_state(live_district, login):
    apps = the_district_applies(live_district)
    services.application_approve(
        application=apps["school2"],
        user=live_district.users["office"],
        reason="补课已完成。",
        unmet_acknowledged=True,
    )
    client = login(live_district.users["office"])

    page = client.get(LIST).content.decode()
    tabs = page.split('id="tabs"')[1].split("</ul>")[0]

    for label, count in [
        ("待督导组意见", 2),
        ("待办公室审批", 0),
        ("退回补课", 0),
        ("已同意", 1),
        ("填写中", 1),
        ("全部", 4),
    ]:
        assert f'{label} <span class="badge' in tabs
        assert tabs.split(f"{label} ")[1].split("</span>")[0].endswith(f">{count}")


def test_a_supervisor_sees_first_what_waits_for_the_groups_opinion(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["supervisor1"])

    response = client.get(LIST)

    page = response.content.decode()
    assert page.split('id="tabs"')[1].index("待本组签署意见") < page.split('id="tabs"')[1].index(
        "待办公室审批"
    )
    # Only the group's own units: the hospital's ward belongs to the second group.
    assert names_in(response) == ["区一中党支部"]
    assert names_in(client.get(LIST, {"tab": "all"})) == ["区一中党支部", "区二中党支部"]


def test_the_second_group_sees_its_own_units(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["supervisor2"])

    assert names_in(client.get(LIST)) == ["区医院内科党支部"]


def test_a_draft_tells_the_group_its_meeting_waits_for_an_evaluation(live_district, login):
    d = live_district
    application = services.application_start(unit=d.school1, user=d.users["secretary1"])
    services.meeting_record(
        application=application,
        held_on=timezone.localdate(),
        attendees="全体党员",
        minutes="可以转段",
        user=d.users["secretary1"],
    )
    client = login(d.users["supervisor1"])

    page = client.get(LIST, {"tab": "draft"}).content.decode()

    assert "区一中党支部" in page
    assert "分析会待督导组评价" in page


def test_a_secretary_sees_only_the_branchs_own_applications(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["secretary1"])

    response = client.get(LIST)

    assert names_in(response) == ["区一中党支部"]
    assert "待督导组意见" in response.content.decode()


def test_a_leader_sees_the_branches_under_the_committee(live_district, login):
    the_district_applies(live_district)
    client = login(live_district.users["leader1"])

    assert sorted(names_in(client.get(LIST))) == ["区一中党支部", "区二中党支部"]


def test_the_list_is_a_fixed_number_of_queries(live_district, login, count_queries):
    d = live_district
    the_district_applies(d)
    for persona in ("office", "supervisor1", "leader1"):
        client = login(d.users[persona])
        before = {tab: count_queries(client, LIST, tab=tab) for tab in ("opinion", "all")}

        for n in range(4):
            branch = Unit.objects.create(
                name=f"新建支部{persona}{n}",
                kind=UnitKind.BRANCH,
                parent=d.education,
                stage=d.stages[0],
            )
            submitted_for(branch, by=d.users["leader1"], supervisor=d.users["supervisor1"])

        after = {tab: count_queries(client, LIST, tab=tab) for tab in ("opinion", "all")}
        assert after == before, persona


def test_the_list_pages_by_thirty(live_district, login):
    d = live_district
    for n in range(31):
        branch = Unit.objects.create(
            name=f"支部{n:02}", kind=UnitKind.BRANCH, parent=d.education, stage=d.stages[0]
        )
        services.application_start(unit=branch, user=d.users["leader1"])
    client = login(d.users["office"])

    first = client.get(LIST, {"tab": "draft"}).content.decode()
    second = client.get(LIST, {"tab": "draft", "page": 2}).content.decode()

    assert "第 1 / 2 页" in first
    assert "?tab=draft&amp;page=2" in first
    assert second.count('class="list-group-item"') == 1

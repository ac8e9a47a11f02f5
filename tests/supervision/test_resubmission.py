"""After a return for 补课 ("督促进行'补课',直到合格后再转入下一阶段"): the branch makes up
what was missing and says what it made up; unless the office asked for a new 转段分析会, it
resubmits straight away with the earlier meeting and evaluation, and the round goes back
to its 督导组 for a new opinion."""

import pytest
from django.urls import reverse

from supervision.models import AnalysisMeeting, ApplicationState, TransitionApplication
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from tests.supervision.test_application_pages import fresh, page_of, url, with_opinion
from tests.supervision.test_state_machine import answer_all, application_in, start


def returned_by_the_office(d, client, **extra):
    application = with_opinion(d)
    client.post(
        url("application_return", application),
        {"reason": "必读科目没有学完。", "redo_items": "补学《党章》", "confirm": "on", **extra},
    )
    application = fresh(application)
    assert application.state == ApplicationState.RETURNED
    return application


def test_the_office_keeps_the_meeting_unless_it_ticks_redo(live_district, login):
    d = live_district
    office = login(d.users["office"])

    first = returned_by_the_office(d, office)

    assert first.redo_meeting is False
    assert "下一轮沿用本轮的转段分析会" in page_of(office, first)


def test_a_resubmission_needs_the_makeup_report_but_not_a_new_meeting(live_district, login):
    d = live_district
    returned_by_the_office(d, login(d.users["office"]))
    client = login(d.users["secretary1"])
    client.post(reverse("supervision:unit_transition", args=[d.school1.pk]))
    second = TransitionApplication.objects.get(unit=d.school1, round=2)
    assert AnalysisMeeting.objects.get(application=second).is_evaluated

    response = client.post(url("application_submit", second), follow=True)
    assert "请先对照需补课事项填写补课情况" in response.content.decode()
    assert fresh(second).state == ApplicationState.DRAFT

    answers = {f"answer_{n}": f"第{n}条自查情况" for n in range(1, 5)}
    client.post(
        url("application_answers", second),
        {**answers, "makeup_report": "3月25日组织补学《党章》,未参学党员全部补课。"},
    )
    assert fresh(second).makeup_report.startswith("3月25日组织补学")
    response = client.post(url("application_submit", second), follow=True)

    second = fresh(second)
    assert second.state == ApplicationState.SUBMITTED
    # Straight back to the branch's group for a new opinion, then to the office.
    assert second.group_agrees is None
    assert d.users["supervisor1"].notifications.filter(text__contains="第2轮").exists()
    assert "补课情况" in page_of(login(d.users["supervisor1"]), second)


def test_a_return_that_faults_the_meeting_asks_for_a_new_one(live_district, login):
    d = live_district
    first = returned_by_the_office(d, login(d.users["office"]), redo_meeting="on")
    assert first.redo_meeting is True

    second = start(d)
    answer_all(d, second)

    assert not AnalysisMeeting.objects.filter(application=second).exists()
    with pytest.raises(WorkflowError, match="请先召开并登记转段分析会"):
        services.application_submit(application=fresh(second), user=d.users["secretary1"])


def test_a_first_round_owes_no_makeup_report(live_district):
    d = live_district
    application = application_in(d, "draft_evaluated")

    services.application_submit(application=fresh(application), user=d.users["secretary1"])

    assert fresh(application).state == ApplicationState.SUBMITTED
    assert fresh(application).makeup_report == ""


def test_the_makeup_report_is_asked_only_after_a_return(live_district, login):
    d = live_district
    application = application_in(d, "draft")
    page = page_of(login(d.users["secretary1"]), application)

    assert 'name="makeup_report"' not in page


def test_the_start_of_the_next_round_records_that_the_meeting_carried_over(live_district):
    d = live_district
    application_in(d, "returned")

    second = start(d)

    assert second.events.get(action="start").detail == "第2轮,沿用第1轮的转段分析会和督导组评价"

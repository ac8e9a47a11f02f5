"""Every step of a 转段 records who, when and why, and can't be edited afterwards."""

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from supervision.models import (
    AnalysisMeeting,
    ApplicationEvent,
    SelfCheckAnswer,
    TransitionApplication,
)
from supervision.services import transitions as services
from supervision.services.transitions import WorkflowError
from tests.factories import UserFactory
from tests.supervision.test_state_machine import (
    answer_all,
    application_in,
    approve,
    evaluate,
    fresh,
    give_opinion,
    hold_meeting,
    send_back,
    start,
    submit,
)

# (what the persona does, who does it, the action logged)
JOURNEY = [
    (lambda d, a: start(d), "secretary1", "start"),
    (answer_all, "secretary1", "answers"),
    (hold_meeting, "secretary1", "meeting"),
    (evaluate, "supervisor1", "evaluate"),
    (submit, "secretary1", "submit"),
    (lambda d, a: give_opinion(d, a, agrees=False), "supervisor1", "opinion"),
    (send_back, "office", "return"),
    # After 补课 the branch resubmits: the meeting and its evaluation carry over.
    (lambda d, a: start(d), "secretary1", "start"),
    (answer_all, "secretary1", "answers"),
    (submit, "secretary1", "submit"),
    (give_opinion, "supervisor1", "opinion"),
    (approve, "office", "approve"),
]


def _timeline(unit):
    return list(
        ApplicationEvent.objects.filter(application__unit=unit)
        .order_by("at", "pk")
        .values_list("application__round", "action", "user__username")
    )


def test_each_action_writes_exactly_one_event_with_its_user(live_district):
    d = live_district
    application = None
    for index, (act, persona, action) in enumerate(JOURNEY, start=1):
        result = act(d, application)
        if action == "start":
            application = result

        events = list(ApplicationEvent.objects.order_by("at", "pk"))
        assert len(events) == index, f"after {action}"
        last = events[-1]
        assert (last.action, last.user.username, last.application_id) == (
            action,
            persona,
            application.pk,
        )


def test_the_full_journey_reads_in_order_across_rounds(live_district):
    d = live_district
    application = None
    for act, _persona, action in JOURNEY:
        result = act(d, application)
        if action == "start":
            application = result

    assert _timeline(d.school1) == [
        (1, "start", "secretary1"),
        (1, "answers", "secretary1"),
        (1, "meeting", "secretary1"),
        (1, "evaluate", "supervisor1"),
        (1, "submit", "secretary1"),
        (1, "opinion", "supervisor1"),
        (1, "return", "office"),
        (2, "start", "secretary1"),
        (2, "answers", "secretary1"),
        (2, "submit", "secretary1"),
        (2, "opinion", "supervisor1"),
        (2, "approve", "office"),
    ]
    # The events say why, too: the round, the meeting's date, the opinion, the reason.
    details = dict(
        ApplicationEvent.objects.filter(application__round=1).values_list("action", "detail")
    )
    assert details["start"] == "第1轮"
    assert details["meeting"] == str(timezone.localdate())
    assert details["opinion"] == "不同意"
    assert details["return"] == "缺课未补齐。"


def test_a_refused_action_writes_no_event(live_district):
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    count = ApplicationEvent.objects.count()
    for act in (answer_all, hold_meeting, evaluate, submit, give_opinion):
        with pytest.raises(WorkflowError):
            act(d, application)
    assert ApplicationEvent.objects.count() == count


def _record(application):
    return (
        model_to_dict(fresh(application)),
        list(SelfCheckAnswer.objects.filter(application=application).values()),
        list(AnalysisMeeting.objects.filter(application=application).values()),
    )


@pytest.mark.parametrize(
    "state", ["submitted_without_opinion", "submitted_with_opinion", "approved", "returned"]
)
def test_nothing_in_a_submitted_or_decided_application_changes(live_district, state):
    d = live_district
    application = application_in(d, state)
    before = _record(application)

    with pytest.raises(WorkflowError):
        services.answers_save(
            application=fresh(application),
            answers={1: "改写后的自查情况"},
            user=d.users["secretary1"],
        )
    with pytest.raises(WorkflowError):
        services.meeting_record(
            application=fresh(application),
            held_on=timezone.localdate(),
            attendees="改过的参加人员",
            minutes="改过的会议记录",
            user=d.users["secretary1"],
        )
    with pytest.raises(WorkflowError):
        services.meeting_evaluate(
            application=fresh(application), evaluation="改过的评价", user=d.users["supervisor1"]
        )

    assert _record(application) == before


def test_a_stale_copy_cannot_change_a_submitted_application(live_district):
    """A page loaded before the branch submitted still may not save its answers."""
    d = live_district
    application = application_in(d, "draft_evaluated")
    stale = fresh(application)
    submit(d, application)
    before = _record(application)

    with pytest.raises(WorkflowError):
        services.application_submit(application=stale, user=d.users["secretary1"])

    assert _record(application) == before
    assert ApplicationEvent.objects.filter(action="submit").count() == 1


def test_answers_from_a_page_loaded_before_the_submission_are_refused(live_district):
    d = live_district
    application = application_in(d, "draft_evaluated")
    stale = fresh(application)
    submit(d, application)
    before = _record(application)

    with pytest.raises(WorkflowError):
        services.answers_save(
            application=stale, answers={1: "报送后改写的自查情况"}, user=d.users["secretary1"]
        )

    assert _record(application) == before


# The admin shows the record but changes nothing ------------------------------------------


@pytest.mark.parametrize("model", [TransitionApplication, ApplicationEvent])
def test_the_admin_is_read_only(rf, model):
    request = rf.get("/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_refuses_to_change_or_delete_an_application(live_district, client):
    d = live_district
    application = application_in(d, "submitted_with_opinion")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    before = _record(application)
    events = list(ApplicationEvent.objects.values())

    change = reverse("admin:supervision_transitionapplication_change", args=[application.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"state": "approved"}).status_code == 403
    delete = reverse("admin:supervision_transitionapplication_delete", args=[application.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event = ApplicationEvent.objects.first()
    event_delete = reverse("admin:supervision_applicationevent_delete", args=[event.pk])
    assert client.post(event_delete, {"post": "yes"}).status_code == 403

    assert _record(application) == before
    assert list(ApplicationEvent.objects.values()) == events

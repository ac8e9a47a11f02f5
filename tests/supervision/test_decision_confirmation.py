"""同意转段 and 退回 can't be undone: each asks for an explicit confirmation (a checkbox that
works without JavaScript), and the office sees, on the decision form, the 转段条件 the round
did not meet when submitted. Approving despite them takes a written reason, kept with the
decision ("检查合格的,同意转入下一阶段")."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from supervision.models import ApplicationState, StageRequirement
from supervision.services import transitions as services
from tests.supervision.test_application_pages import fresh, page_of, url, with_opinion


def decision_section(client, application):
    return page_of(client, application).split('id="decision"')[1].split("</section>")[0]


def meeting_every_condition(d):
    StageRequirement.objects.update_or_create(
        stage=d.stages[0],
        defaults={
            "min_completion_rate": 0,
            "max_makeups_owed": 99,
            "min_writing_rate": 0,
            "require_readings_covered": False,
        },
    )


def approve_form(**data):
    return {"transition_date": timezone.localdate().isoformat(), **data}


def test_the_decision_form_lists_the_unmet_conditions(live_district, login):
    application = with_opinion(live_district)
    unmet = [c["label"] for c in application.facts["checks"] if not c["ok"]]
    assert unmet

    section = decision_section(login(live_district.users["office"]), application)

    assert f"报送时还有{len(unmet)}项未达到转段条件" in section
    for label in unmet:
        assert label in section
    assert f"以上{len(unmet)}项未达到转段条件,我已核实,仍同意转段" in section


def test_approving_without_the_confirmation_changes_nothing(live_district, login):
    application = with_opinion(live_district)

    response = login(live_district.users["office"]).post(
        url("application_approve", application), approve_form(reason="检查合格")
    )

    assert response.status_code == 200
    assert "请勾选确认后再同意转段" in response.content.decode()
    assert fresh(application).state == ApplicationState.SUBMITTED


def test_approving_despite_unmet_conditions_needs_a_reason(live_district, login):
    application = with_opinion(live_district)

    response = login(live_district.users["office"]).post(
        url("application_approve", application), approve_form(confirm="on")
    )

    assert "有未达到的转段条件,同意转段须写明理由" in response.content.decode()
    assert fresh(application).state == ApplicationState.SUBMITTED


def test_approving_despite_them_records_which_and_why(live_district, login):
    d = live_district
    application = with_opinion(d)
    unmet = [c["label"] for c in application.facts["checks"] if not c["ok"]]

    login(d.users["office"]).post(
        url("application_approve", application),
        approve_form(confirm="on", reason="两名党员住院,已安排送课上门,不影响转段。"),
    )

    application = fresh(application)
    assert application.state == ApplicationState.APPROVED
    assert application.decision_reason == "两名党员住院,已安排送课上门,不影响转段。"
    detail = application.events.get(action="approve").detail
    assert all(label in detail for label in unmet)


def test_with_every_condition_met_a_confirmation_is_enough(live_district, login):
    d = live_district
    meeting_every_condition(d)
    application = with_opinion(d)
    client = login(d.users["office"])
    assert "报送时各项转段条件均已达到" in decision_section(client, application)

    client.post(url("application_approve", application), approve_form(confirm="on"))

    assert fresh(application).state == ApplicationState.APPROVED


def test_the_service_refuses_an_unacknowledged_approval(live_district):
    d = live_district
    application = with_opinion(d)

    with pytest.raises(ValidationError) as refused:
        services.application_approve(application=application, user=d.users["office"])

    assert set(refused.value.error_dict) == {"confirm", "reason"}
    assert fresh(application).state == ApplicationState.SUBMITTED


@pytest.mark.parametrize("confirm", [None, "on"], ids=["unconfirmed", "confirmed"])
def test_returning_asks_for_confirmation(live_district, login, confirm):
    application = with_opinion(live_district)
    data = {"reason": "缺课未补", "redo_items": "补课"}
    if confirm:
        data["confirm"] = confirm

    response = login(live_district.users["office"]).post(
        url("application_return", application), data
    )

    state = fresh(application).state
    if confirm:
        assert state == ApplicationState.RETURNED
    else:
        assert "请勾选确认后再退回" in response.content.decode()
        assert state == ApplicationState.SUBMITTED


def test_the_confirmations_are_plain_checkboxes(live_district, login):
    section = decision_section(login(live_district.users["office"]), with_opinion(live_district))

    assert section.count('type="checkbox" name="confirm"') == 2

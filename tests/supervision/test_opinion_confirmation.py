"""The supervision group's opinion is given once: like the office's decision, it asks for
an explicit confirmation (a checkbox that works without JavaScript), and the supervisor
sees, above the form, the 转段条件 the round did not meet when submitted. Agreeing despite
them takes that confirmation, checked by the service ("在严格要求,严格把关的基础上,才能谈
转段工作")."""

import pytest
from django.core.exceptions import ValidationError

from supervision.services import transitions as services
from tests.supervision.test_application_pages import fresh, page_of, submitted, url
from tests.supervision.test_decision_confirmation import meeting_every_condition


def opinion_section(client, application):
    return page_of(client, application).split('id="opinion"')[1].split("</section>")[0]


def unmet_labels(application):
    labels = [c["label"] for c in fresh(application).facts["checks"] if not c["ok"]]
    assert labels
    return labels


def test_the_opinion_form_lists_the_unmet_conditions(live_district, login):
    application = submitted(live_district)
    unmet = unmet_labels(application)

    section = opinion_section(login(live_district.users["supervisor1"]), application)

    assert f"报送时还有{len(unmet)}项未达到转段条件" in section
    for label in unmet:
        assert label in section
    assert f"以上{len(unmet)}项未达到转段条件,我已核实。督导组意见签署后不能修改" in section
    assert section.count('type="checkbox" name="confirm"') == 1


def test_agreeing_without_the_confirmation_saves_nothing(live_district, login):
    application = submitted(live_district)
    unmet = unmet_labels(application)

    response = login(live_district.users["supervisor1"]).post(
        url("application_opinion", application), {"agrees": "yes", "reasons": "学习扎实"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"还有{len(unmet)}项未达到转段条件,请核实并勾选确认后再签署意见" in page
    assert "学习扎实" in page
    application = fresh(application)
    assert application.group_agrees is None
    assert not application.events.filter(action="opinion").exists()


def test_agreeing_with_the_confirmation_records_which_were_unmet(live_district, login):
    d = live_district
    application = submitted(d)
    unmet = unmet_labels(application)

    response = login(d.users["supervisor1"]).post(
        url("application_opinion", application),
        {"agrees": "yes", "reasons": "缺课已安排补课,同意转段。", "confirm": "on"},
        follow=True,
    )

    assert "督导组意见已签署" in response.content.decode()
    application = fresh(application)
    assert application.group_agrees is True
    assert application.group_opinion_by == d.users["supervisor1"]
    detail = application.events.get(action="opinion").detail
    assert all(label in detail for label in unmet)


def test_with_every_condition_met_the_opinion_is_still_confirmed(live_district, login):
    d = live_district
    meeting_every_condition(d)
    application = submitted(d)
    client = login(d.users["supervisor1"])
    assert "报送时各项转段条件均已达到" in opinion_section(client, application)

    refused = client.post(
        url("application_opinion", application), {"agrees": "yes", "reasons": "合格"}
    )
    assert "督导组意见签署后不能修改,请核对后勾选确认" in refused.content.decode()
    assert fresh(application).group_agrees is None

    client.post(
        url("application_opinion", application),
        {"agrees": "yes", "reasons": "合格", "confirm": "on"},
    )
    assert fresh(application).group_agrees is True


def test_the_service_refuses_an_unacknowledged_agreement(live_district):
    d = live_district
    application = submitted(d)

    with pytest.raises(ValidationError) as refused:
        services.group_opinion_give(
            application=application, agrees=True, reasons="同意", user=d.users["supervisor1"]
        )

    assert set(refused.value.error_dict) == {"confirm"}
    assert fresh(application).group_agrees is None


def test_disagreeing_needs_no_acknowledgement_of_what_is_unmet(live_district):
    d = live_district
    application = submitted(d)

    services.group_opinion_give(
        application=application, agrees=False, reasons="缺课未补", user=d.users["supervisor1"]
    )

    assert fresh(application).group_agrees is False


@pytest.mark.parametrize(
    ("persona", "status"),
    [("office", 403), ("secretary1", 403), ("supervisor2", 404), ("outsider", 404)],
    ids=["office", "secretary", "another-group", "outsider"],
)
def test_who_may_not_give_the_opinion_still_may_not(live_district, login, persona, status):
    application = submitted(live_district)

    response = login(live_district.users[persona]).post(
        url("application_opinion", application),
        {"agrees": "yes", "reasons": "同意", "confirm": "on"},
    )

    assert response.status_code == status
    assert fresh(application).group_agrees is None

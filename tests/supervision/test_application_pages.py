"""One round of a branch's 转段 application, page by page and step by step.

The branch answers the 回头看 with the ledger's figures beside each question, records the
转段分析会; its supervision group evaluates the meeting and gives its opinion on the
submitted application; the office approves (the branch moves on, on the chosen date) or
returns it for 补课, and the branch starts the next round from the returned one.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from common.dates import day_time_text
from study.services import sessions as study_services
from supervision.models import ApplicationState, TransitionApplication
from supervision.services import transitions as services
from tests.factories import a_minute_later, make_session
from units.models import Unit

# Rounds in a given state, built through the services as the branch and its group would.


def started(d):
    return services.application_start(unit=d.school1, user=d.users["secretary1"])


def answered(d, application=None):
    application = application or started(d)
    services.answers_save(
        application=application,
        answers={n: f"第{n}条自查情况" for n in range(1, 5)},
        user=d.users["secretary1"],
    )
    return application


def with_meeting(d, application=None):
    application = application or answered(d)
    services.meeting_record(
        application=application,
        held_on=timezone.localdate(),
        attendees="支部委员3人,党员全体",
        minutes="总结学习动员阶段工作,认为可以转段。",
        user=d.users["secretary1"],
    )
    return application


def evaluated(d, application=None):
    application = application or with_meeting(d)
    services.meeting_evaluate(
        application=application,
        evaluation="学习扎实,同意召开转段分析会的意见。",
        user=d.users["supervisor1"],
    )
    return application


def submitted(d, application=None):
    application = application or evaluated(d)
    return services.application_submit(application=application, user=d.users["secretary1"])


def with_opinion(d, application=None, agrees=True):
    application = application or submitted(d)
    return services.group_opinion_give(
        application=application,
        agrees=agrees,
        reasons="学习培训落实。",
        user=d.users["supervisor1"],
        unmet_acknowledged=True,
    )


def approved(d, application=None):
    application = application or with_opinion(d)
    return services.application_approve(
        application=application,
        user=d.users["office"],
        reason="检查合格。",
        unmet_acknowledged=True,
    )


def returned(d, application=None):
    application = application or with_opinion(d)
    return services.application_return(
        application=application,
        user=d.users["office"],
        reason="必读科目没有学完。",
        redo_items="补学《党章》",
    )


def url(name, application):
    return reverse(f"supervision:{name}", args=[application.pk])


def page_of(client, application):
    response = client.get(url("application", application))
    assert response.status_code == 200
    return response.content.decode()


def fresh(application):
    return TransitionApplication.objects.get(pk=application.pk)


# The branch's 转段 page ---------------------------------------------------------------


def test_the_secretary_starts_the_application_from_the_branch_page(live_district, login):
    client = login(live_district.users["secretary1"])
    transition = reverse("supervision:unit_transition", args=[live_district.school1.pk])

    page = client.get(transition).content.decode()
    assert "当前阶段:<strong>学习动员</strong>" in page
    assert "还没有转段申请" in page
    assert "开始填写转段申请" in page

    response = client.post(transition, follow=True)
    application = TransitionApplication.objects.get(unit=live_district.school1)
    assert response.redirect_chain[-1][0] == url("application", application)
    assert "已开始填写转段申请" in response.content.decode()

    page = client.get(transition).content.decode()
    assert "开始填写转段申请" not in page
    assert "继续填写" in page


def test_a_second_start_while_a_round_is_open_is_refused_with_a_message(live_district, login):
    started(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(
        reverse("supervision:unit_transition", args=[live_district.school1.pk]), follow=True
    )

    assert "这个阶段已有一份正在办理的申请" in response.content.decode()
    assert TransitionApplication.objects.count() == 1


def test_a_committee_page_lists_its_branches_with_their_latest_round(live_district, login):
    submitted(live_district)
    client = login(live_district.users["leader1"])

    page = client.get(
        reverse("supervision:unit_transition", args=[live_district.education.pk])
    ).content.decode()

    assert "区一中党支部" in page
    assert "学习动员第1轮:已报送,待审批" in page
    assert "区二中党支部" in page
    assert "未申请" in page
    assert "区医院内科党支部" not in page
    assert "开始填写转段申请" not in page


def test_the_branch_list_is_one_query_however_many_branches(live_district, login, count_queries):
    client = login(live_district.users["office"])
    transition = reverse("supervision:unit_transition", args=[live_district.root.pk])
    submitted(live_district)
    before = count_queries(client, transition)

    for n in range(5):
        branch = Unit.objects.create(
            name=f"新支部{n}",
            kind="branch",
            parent=live_district.education,
            stage=live_district.stages[0],
        )
        services.application_start(unit=branch, user=live_district.users["leader1"])

    assert count_queries(client, transition) == before


# The self-check -----------------------------------------------------------------------


def test_a_draft_shows_the_live_ledger_beside_the_answers(live_district, login):
    application = started(live_district)
    client = login(live_district.users["secretary1"])

    page = page_of(client, application)

    # The branch's three members have no hours yet: the facts beside question 1 say so.
    assert "广大党员对开展先进性教育活动重要性和必要性的认识是否提高" in page
    assert 'data-question="1"' in page
    assert "还没有任何学时的党员" in page
    assert "3人" in page
    assert "截至" in page
    assert 'id="answers-form"' in page
    assert 'name="answer_1"' in page
    # The checks against the stage's requirement, with what is not met.
    assert "转段条件对照" in page
    assert "40学时达标率" in page
    assert "✗" in page
    assert "尚未学到的必读科目" in page


def test_the_facts_follow_the_ledger_until_the_round_is_submitted(live_district, login):
    d = live_district
    application = evaluated(d)
    client = login(d.users["secretary1"])
    assert '还没有任何学时的党员</span><span class="text-nowrap text-danger fw-semibold">3人' in (
        page_of(client, application)
    )

    everyone_attends_a_session(d)
    assert '还没有任何学时的党员</span><span class="text-nowrap">0人' in page_of(
        client, application
    )

    submitted(d, fresh(application))
    frozen = self_check_of(page_of(client, application))
    assert "报送时实测" in frozen
    assert 'name="answer_1"' not in frozen
    assert '人均学时</span><span class="text-nowrap">2.0<' in frozen

    # Later study does not move the submitted record.
    everyone_attends_a_session(d)
    assert self_check_of(page_of(client, application)) == frozen


def everyone_attends_a_session(d):
    session = make_session(d.school1, d.users["secretary1"], hours="2")
    study_services.roster_save(
        session=session,
        entries=[(m.pk, "present") for m in d.school1.members.all()],
        user=d.users["secretary1"],
    )


def self_check_of(page):
    return page.split('id="self-check"')[1].split("</section>")[0]


def test_the_secretary_saves_the_answers(live_district, login):
    application = started(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(
        url("application_answers", application),
        {"answer_1": "认识明显提高", "answer_2": "  ", "answer_3": "已明确", "answer_4": ""},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url("application", application)
    page = response.content.decode()
    assert "回头看自查已保存" in page
    assert "认识明显提高" in page
    answers = dict(application.answers.values_list("number", "answer"))
    assert answers == {1: "认识明显提高", 2: "", 3: "已明确", 4: ""}
    # The checklist names what is still unanswered.
    assert "第2、4条还没有作答" in page


def test_answers_cannot_change_after_submission(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(
        url("application_answers", application), {"answer_1": "改一改"}, follow=True
    )

    assert "这份申请现在是“已报送,待审批”,不能进行此项操作" in response.content.decode()
    assert application.answers.get(number=1).answer == "第1条自查情况"


# The 转段分析会 ----------------------------------------------------------------------


def test_the_secretary_records_the_meeting_and_the_group_is_told(live_district, login):
    application = answered(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(
        url("application_meeting", application),
        {
            "held_on": timezone.localdate().isoformat(),
            "attendees": "全体党员",
            "minutes": "认为可以转段",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "转段分析会已登记" in page
    assert "全体党员" in page
    assert "督导组还没有登记到会情况和评价" in page
    assert (
        live_district.users["supervisor1"]
        .notifications.filter(text__contains="召开了转段分析会")
        .exists()
    )


def test_a_meeting_in_the_future_is_refused_on_the_form_keeping_the_input(live_district, login):
    application = answered(live_district)
    client = login(live_district.users["secretary1"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        url("application_meeting", application),
        {"held_on": tomorrow.isoformat(), "attendees": "全体党员", "minutes": ""},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写会议记录" in page
    assert "全体党员" in page
    assert not hasattr(fresh(application), "meeting")

    response = client.post(
        url("application_meeting", application),
        {"held_on": tomorrow.isoformat(), "attendees": "全体党员", "minutes": "认为可以转段"},
    )
    assert "会议日期不能晚于今天" in response.content.decode()


def test_the_supervisor_evaluates_the_meeting(live_district, login):
    application = with_meeting(live_district)
    client = login(live_district.users["supervisor1"])
    page = page_of(client, application)
    assert 'id="evaluation-form"' in page
    assert 'id="meeting-form"' not in page

    response = client.post(
        url("application_evaluate", application), {"evaluation": "准备充分,分析深入"}, follow=True
    )

    page = response.content.decode()
    assert "已登记督导组到会情况和对前段工作的评价" in page
    assert "准备充分,分析深入" in page
    assert 'id="evaluation-form"' not in page
    meeting = fresh(application).meeting
    assert meeting.supervisor == live_district.users["supervisor1"]


def test_an_empty_evaluation_is_refused_on_the_form(live_district, login):
    application = with_meeting(live_district)
    client = login(live_district.users["supervisor1"])

    response = client.post(url("application_evaluate", application), {"evaluation": ""})

    assert response.status_code == 200
    assert "请填写对前段工作的评价" in response.content.decode()


def test_after_the_evaluation_the_branch_can_no_longer_change_the_meeting(live_district, login):
    application = evaluated(live_district)
    client = login(live_district.users["secretary1"])
    assert 'id="meeting-form"' not in page_of(client, application)

    response = client.post(
        url("application_meeting", application),
        {"held_on": timezone.localdate().isoformat(), "attendees": "改", "minutes": "改"},
        follow=True,
    )

    assert "督导组已对这次转段分析会作出评价,会议记录不能再修改" in response.content.decode()
    assert fresh(application).meeting.attendees == "支部委员3人,党员全体"


# Submitting ----------------------------------------------------------------------------


def test_the_checklist_holds_the_submit_button_until_everything_is_done(live_district, login):
    d = live_district
    client = login(d.users["secretary1"])
    application = started(d)
    page = page_of(client, application)
    assert "第1、2、3、4条还没有作答" in page
    assert "✗ 召开并登记转段分析会" in page
    assert "✗ 督导组到会并作出评价" in page
    assert 'class="btn btn-danger" disabled>报送转段申请' in page
    assert "以上各项完成后才能报送" in page

    evaluated(d, with_meeting(d, answered(d, application)))
    page = page_of(client, application)
    checklist = page.split('id="checklist"')[1].split("</ul>")[0]
    assert "✗" not in checklist
    assert 'class="btn btn-danger">报送转段申请' in page


def test_submitting_without_a_meeting_is_refused_with_a_message(live_district, login):
    application = answered(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(url("application_submit", application), follow=True)

    assert "请先召开并登记转段分析会" in response.content.decode()
    assert fresh(application).state == ApplicationState.DRAFT


def test_submitting_before_the_group_evaluated_is_refused(live_district, login):
    application = with_meeting(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(url("application_submit", application), follow=True)

    assert "督导组还没有对转段分析会作出评价" in response.content.decode()


def test_the_secretary_submits_and_nothing_is_editable_afterwards(live_district, login):
    application = evaluated(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(url("application_submit", application), follow=True)

    page = response.content.decode()
    assert "转段申请已报送区委先进性教育办公室和督导组" in page
    assert fresh(application).state == ApplicationState.SUBMITTED
    for form in ("answers-form", "meeting-form", "evaluation-form", "opinion-form"):
        assert f'id="{form}"' not in page
    assert "等待督导组签署意见" in page
    assert "第1条自查情况" in page


def test_submitting_twice_tells_the_second_time(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["secretary1"])

    response = client.post(url("application_submit", application), follow=True)

    assert "不能进行此项操作" in response.content.decode()


# The group's opinion -------------------------------------------------------------------


def test_the_supervisor_gives_the_groups_opinion(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["supervisor1"])
    assert 'id="opinion-form"' in page_of(client, application)

    response = client.post(
        url("application_opinion", application),
        {"agrees": "no", "reasons": "缺课较多,未补课", "confirm": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "督导组意见已签署" in page
    assert "不同意转段" in page
    assert "缺课较多,未补课" in page
    assert 'id="opinion-form"' not in page
    application = fresh(application)
    assert application.group_agrees is False
    assert application.group_opinion_by == live_district.users["supervisor1"]


def test_an_opinion_without_reasons_keeps_the_choice(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["supervisor1"])

    response = client.post(url("application_opinion", application), {"agrees": "yes"})

    page = response.content.decode()
    assert "请写明同意或不同意的理由" in page
    assert 'value="yes"  id="id_agrees_0" required checked' in page
    assert fresh(application).group_agrees is None


def test_a_second_opinion_is_refused(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["supervisor1"])

    response = client.post(
        url("application_opinion", application),
        {"agrees": "no", "reasons": "改主意", "confirm": "on"},
        follow=True,
    )

    assert "督导组已经对这份申请签署了意见" in response.content.decode()
    assert fresh(application).group_agrees is True


# The office's decision -----------------------------------------------------------------


def test_the_office_approves_and_the_branch_moves_on_from_the_chosen_date(live_district, login):
    d = live_district
    application = with_opinion(d)
    client = login(d.users["office"])
    page = page_of(client, application)
    assert 'id="approve-form"' in page
    assert 'id="return-form"' in page
    chosen = timezone.localdate() + datetime.timedelta(days=3)

    response = client.post(
        url("application_approve", application),
        {"transition_date": chosen.isoformat(), "reason": "检查合格", "confirm": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "已同意区一中党支部转段" in page
    assert "进入分析评议阶段" in page
    assert "该支部现处于分析评议阶段" in page
    assert "检查合格" in page
    d.school1.refresh_from_db()
    assert d.school1.stage == d.stages[1]
    assert d.school1.stage_since == chosen
    branch_page = client.get(reverse("supervision:unit_transition", args=[d.school1.pk]))
    assert "当前阶段:<strong>分析评议</strong>" in branch_page.content.decode()


def test_approving_before_the_groups_opinion_is_refused(live_district, login):
    application = submitted(live_district)
    client = login(live_district.users["office"])
    page = page_of(client, application)
    assert "同意转段须等督导组意见后再审批" in page

    response = client.post(
        url("application_approve", application),
        {"transition_date": timezone.localdate().isoformat()},
        follow=True,
    )

    assert "督导组还没有签署意见" in response.content.decode()
    assert fresh(application).state == ApplicationState.SUBMITTED


def test_a_transition_date_before_the_submission_is_refused_on_the_form(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["office"])
    earlier = timezone.localdate() - datetime.timedelta(days=5)

    response = client.post(
        url("application_approve", application),
        {"transition_date": earlier.isoformat(), "reason": "合格", "confirm": "on"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "转段日期不能早于报送日期" in page
    assert earlier.isoformat() in page
    assert fresh(application).state == ApplicationState.SUBMITTED


def test_approving_twice_tells_the_second_that_it_was_already_decided(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["office"])
    data = {"transition_date": timezone.localdate().isoformat(), "reason": "合格", "confirm": "on"}
    client.post(url("application_approve", application), data)

    double_tap = client.post(url("application_approve", application), data, follow=True)
    assert "这份表单刚刚已经提交过,没有重复保存" in double_tap.content.decode()
    a_minute_later()
    response = client.post(url("application_approve", application), data, follow=True)

    assert "这份申请现在是“已同意转段”,不能进行此项操作" in response.content.decode()
    assert fresh(application).events.filter(action="approve").count() == 1


def test_of_two_approving_at_once_the_second_is_told(live_district, login, monkeypatch):
    """Both loaded the submitted application; the other's approval lands first."""
    d = live_district
    application = with_opinion(d)
    real_approve = services.application_approve

    def approved_meanwhile(*, application, **kwargs):
        real_approve(
            application=fresh(application),
            user=d.users["office"],
            reason="合格",
            unmet_acknowledged=True,
        )
        return real_approve(application=application, **kwargs)

    monkeypatch.setattr(services, "application_approve", approved_meanwhile)
    client = login(d.users["office"])

    response = client.post(
        url("application_approve", application),
        {"transition_date": timezone.localdate().isoformat(), "reason": "合格", "confirm": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "这份申请已经有人审批过了" in page
    assert response.redirect_chain[-1][0] == url("application", application)
    assert fresh(application).events.filter(action="approve").count() == 1


def test_returning_without_a_reason_keeps_what_was_typed(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["office"])

    response = client.post(
        url("application_return", application), {"reason": "", "redo_items": "补学《党章》"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "退回补课必须写明原因" in page
    assert "补学《党章》</textarea>" in page
    assert fresh(application).state == ApplicationState.SUBMITTED


def test_returning_without_items_is_refused(live_district, login):
    application = with_opinion(live_district)
    client = login(live_district.users["office"])

    response = client.post(
        url("application_return", application), {"reason": "不合格", "redo_items": ""}
    )

    assert "请列出需要补课的事项" in response.content.decode()


def test_the_office_returns_the_application_for_makeup(live_district, login):
    d = live_district
    application = with_opinion(d)
    client = login(d.users["office"])

    response = client.post(
        url("application_return", application),
        {
            "reason": "必读科目没有学完",
            "redo_items": "补学《党章》\n补开一次组织生活会",
            "confirm": "on",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "已退回区一中党支部补课" in page
    assert "补开一次组织生活会" in page
    d.school1.refresh_from_db()
    assert d.school1.stage == d.stages[0]
    assert d.users["secretary1"].notifications.filter(text__contains="退回补课").exists()


def test_a_decision_on_a_draft_is_refused(live_district, login):
    application = evaluated(live_district)
    client = login(live_district.users["office"])

    response = client.post(
        url("application_return", application),
        {"reason": "不合格", "redo_items": "重来", "confirm": "on"},
        follow=True,
    )

    assert "这份申请现在是“填写中”,不能进行此项操作" in response.content.decode()
    assert fresh(application).state == ApplicationState.DRAFT


def test_an_invalid_form_posted_from_an_old_page_is_told_the_application_moved(
    live_district, login
):
    application = approved(live_district)
    client = login(live_district.users["office"])

    response = client.post(
        url("application_return", application), {"reason": "", "redo_items": ""}, follow=True
    )

    assert "这份申请已经有了新的进展" in response.content.decode()


# Rounds --------------------------------------------------------------------------------


def test_a_returned_round_is_redone_from_its_answers_and_stays_as_it_was(live_district, login):
    d = live_district
    first = returned(d)
    client = login(d.users["secretary1"])
    first_page = page_of(client, first)
    assert "开始第2轮(补课后重新申请)" in first_page
    branch_page = client.get(reverse("supervision:unit_transition", args=[d.school1.pk]))
    assert "开始第2轮(补课后重新申请)" in branch_page.content.decode()

    response = client.post(reverse("supervision:unit_transition", args=[d.school1.pk]), follow=True)

    second = TransitionApplication.objects.get(unit=d.school1, round=2)
    assert response.redirect_chain[-1][0] == url("application", second)
    page = response.content.decode()
    assert "上一轮的自查已带入" in page
    assert "第1轮被退回补课,需补课事项" in page
    assert "补学《党章》" in page
    assert dict(second.answers.values_list("number", "answer")) == {
        n: f"第{n}条自查情况" for n in range(1, 5)
    }
    # The return didn't fault the meeting: round 2 keeps round 1's, and says so.
    assert "本轮沿用上一轮的会议记录和督导组评价" in page
    assert 'id="makeup-report"' in page

    services.answers_save(
        application=second, answers={1: "补课后认识进一步提高"}, user=d.users["secretary1"]
    )
    assert first.answers.get(number=1).answer == "第1条自查情况"
    after = page_of(client, first)
    assert "开始第2轮" not in after
    assert 'href="{}"'.format(url("application", second)) in after
    assert "补课后认识进一步提高" not in after

    branch_page = client.get(reverse("supervision:unit_transition", args=[d.school1.pk]))
    text = branch_page.content.decode()
    assert "第1轮" in text and "第2轮" in text
    assert "退回补课" in text


def test_the_timeline_records_who_did_what_in_chinese(live_district, login):
    d = live_district
    application = approved(d)
    client = login(d.users["leader1"])

    page = page_of(client, application)

    timeline = page.split('id="events"')[1]
    for action in (
        "开始填写",
        "保存自查",
        "登记分析会",
        "督导组评价",
        "报送",
        "督导组意见",
        "同意转段",
    ):
        assert action in timeline
    assert day_time_text(fresh(application).decided_at) in timeline


@pytest.mark.parametrize(
    "build, shown",
    [
        (started, "报送后由督导组签署意见"),
        (submitted, "等待督导组签署意见"),
        (with_opinion, "等待区委先进性教育办公室审批"),
        (returned, "需补课事项"),
    ],
    ids=["draft", "submitted", "opinion given", "returned"],
)
def test_a_reader_sees_where_the_round_stands(live_district, login, build, shown):
    application = build(live_district)
    client = login(live_district.users["leader1"])

    page = page_of(client, application)

    assert shown in page
    for form in ("opinion-form", "approve-form", "return-form", "evaluation-form"):
        assert f'id="{form}"' not in page


def test_submitting_emails_the_group_and_the_office(
    live_district, login, django_capture_on_commit_callbacks, mailoutbox
):
    d = live_district
    for persona in ("office", "supervisor1", "supervisor2"):
        d.users[persona].email = f"{persona}@example.cn"
        d.users[persona].save(update_fields=["email"])
    application = evaluated(d)
    client = login(d.users["secretary1"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("application_submit", application))

    assert sorted(to for mail in mailoutbox for to in mail.to) == [
        "office@example.cn",
        "supervisor1@example.cn",
    ]
    assert "区一中党支部报送了转段申请" in mailoutbox[0].body


def test_questions_three_and_four_show_the_discussion_and_rectification_ledgers(
    live_district, login
):
    from ledgers.models import DiscussionRequirement, RectificationItem

    d = live_district
    application = started(d)
    DiscussionRequirement.objects.create(
        unit=d.school1,
        group="in_service",
        text="爱岗敬业,无私奉献",
        is_adopted=True,
        written_by=d.users["secretary1"],
    )
    RectificationItem.objects.create(
        unit=d.school1, problem="食堂饭菜价格偏高", source="public", category="livelihood"
    )
    page = page_of(login(d.users["secretary1"]), application)
    assert "已定稿的先进性具体要求" in page and "1个党员群体" in page
    assert "尚未整改的问题" in page

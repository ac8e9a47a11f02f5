"""Every form of the app, driven with generated input: no 500, nothing half-saved.

For each view that takes a form, a persona who may use it posts what Hypothesis draws from
the form's own fields (tests/fuzz/strategies.py): valid-looking values with some fields
broken — left out, empty, a page of text, control characters, RTL and emoji, impossible
dates, NaN and numbers past any column, a list for one value, a choice that isn't offered,
the id of a record in another unit. The view must answer without a 500, and either save
whole rows that pass `full_clean()` or save nothing at all (tests/fuzz/harness.py).

A view that takes POST and is in neither FORM_VIEWS nor NOT_FORMS fails
`test_every_view_that_takes_a_post_is_fuzzed`: a new form is fuzzed from the day it lands.

Examples per view: the profile's `max_examples` (30) times the view's weight, and before
them a sweep that a random draw is unlikely to make: the form filled in plainly with one
number past its column, field by field. The default profile is derandomized, so that the
suite is the same on every run; `HYPOTHESIS_PROFILE=forms-explore` draws ten times as many,
new ones each run.
"""

import datetime
import inspect
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaign.forms import BatchForm, StageForm, StepExtendForm, StepForm
from campaign.models import Batch, Reading, Stage, Topic
from ledgers.forms.cards import CardRecordCorrectionForm, CardRecordForm, CardTypeForm
from ledgers.forms.corrections import DeletionForm
from ledgers.forms.discussion import DiscussionSessionForm, RequirementForm
from ledgers.forms.integrity import IntegrityCorrectionForm, IntegrityRecordForm
from ledgers.forms.lectures import LectureCorrectionForm, LectureForm
from ledgers.forms.practice import (
    ActivityCorrectionForm,
    ActivityForm,
    BaselineForm,
    DeadlineForm,
    PlanForm,
)
from ledgers.forms.publicity import PublicityCheckCorrectionForm, PublicityCheckForm
from ledgers.forms.rectification import (
    OpinionAcceptForm,
    OpinionDismissForm,
    RectificationItemForm,
    SurveyForm,
)
from ledgers.forms.trips import TripDecisionForm, TripRequestForm, TripReturnForm
from ledgers.models import DiscussionGroup
from ledgers.selectors.lectures import leading_cadres_under, managed_paths
from reports.forms import BriefingRequestForm
from study.forms.absences import (
    ContactForm,
    LeaveEntryForm,
    MakeUpCorrectionForm,
    MakeUpDoneForm,
    MyLeaveForm,
    SelfStudyForm,
)
from study.forms.sessions import ROSTER_PREFIX, CheckinForm, SessionForm
from study.forms.topics import OwnTopicForm, ReadingAddForm, ReadingForm, TopicForm
from study.forms.writings import (
    PaperWritingForm,
    ReviewForm,
    SpotCheckDrawForm,
    SpotCheckResultForm,
    WritingForm,
)
from study.models import AttendanceStatus
from supervision.forms.applications import (
    AnswersForm,
    ApproveForm,
    EvaluationForm,
    MeetingForm,
    OpinionForm,
    ReturnForm,
)
from supervision.forms.groups import InspectionForm, KeyUnitForm, TypicalCaseForm
from supervision.forms.office import RequirementForm as StageRequirementForm
from supervision.forms.office import StageCorrectionForm
from supervision.selectors import groups as group_selectors
from supervision.selectors.transitions import requirement_for
from tests.factories import MemberFactory
from tests.fuzz.harness import client_for, differences, post_and_judge, snapshot
from tests.fuzz.strategies import (
    MISSING,
    extra_strategies,
    field_strategies,
    form_data,
    sweep,
    upload,
)
from tests.fuzz.world import World, roster_xlsx
from todos.forms import ReminderSettingsForm
from units.forms import MemberForm, UnitForm
from units.models import Member, SupervisionGroup, Unit
from units.permissions import scope_for
from units.roster_views import RosterConfirmForm, RosterUploadForm

settings.register_profile(
    "forms",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "forms-explore", settings.get_profile("forms"), max_examples=300, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "forms"))

Fields = dict[str, forms.Field]


def fields_of(*forms_: forms.BaseForm) -> Fields:
    """The names each form's fields are posted as (its prefix included)."""
    return {form.add_prefix(name): f for form in forms_ for name, f in form.fields.items()}


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value the view reads itself, which the browser may not send."""
    return st.one_of(st.just(MISSING), strategy)


@dataclass(frozen=True)
class FormView:
    """A form view, who posts to it, and what it posts."""

    name: str
    persona: str | None
    args: Callable[[World], list] = lambda w: []
    fields: Callable[[World], Fields] = lambda w: {}
    # Valid-looking values for a field that the field's type can't tell (a real workbook).
    valid: Callable[[World], dict[str, st.SearchStrategy[Any]]] = lambda w: {}
    # What the view reads from the POST itself (a button's name, a hidden pk, `next`).
    extra: Callable[[World], dict[str, st.SearchStrategy[Any]]] = lambda w: {}
    # The world's records the view's choices need, made before the form is built.
    needs: tuple[str, ...] = ()
    # Run inside each example, before it posts (rolled back with it).
    prepare: Callable[[World], None] | None = None
    weight: float = 1

    @property
    def id(self) -> str:
        return f"{self.name}[{self.persona or 'anonymous'}]"


def _managed(w: World, persona: str):
    return scope_for(w.users[persona]).managed_units()


def _group_units(w: World):
    tops = group_selectors.group_top_units(w.d.groups[0])
    return {"units": list(group_selectors.subtree_units(tops)), "tops": tops}


def _lecture_form(w: World, form_class: type[LectureForm]) -> Fields:
    scope = scope_for(w.users["secretary1"])
    return fields_of(
        form_class(
            cadres=leading_cadres_under(managed_paths(scope)), units=scope.units().order_by("path")
        )
    )


def _topic_forms(w: World) -> Fields:
    batch = w.d.batch
    forms_ = [ReadingAddForm(prefix="new-reading")]
    forms_ += [TopicForm(prefix=f"topic-{t.pk}") for t in Topic.objects.filter(batch=batch)]
    forms_ += [ReadingForm(prefix=f"reading-{r.pk}") for r in Reading.objects.filter(batch=batch)]
    return fields_of(*forms_)


def _topic_extra(w: World) -> dict[str, st.SearchStrategy[Any]]:
    pks = [str(pk) for pk in Topic.objects.values_list("pk", flat=True)]
    pks += [str(pk) for pk in Reading.objects.values_list("pk", flat=True)]
    return {
        "action": st.sampled_from(
            ["rename_topic", "add_reading", "edit_reading", "remove_reading"]
        ),
        "pk": st.sampled_from(pks),
    }


def _roster_extra(w: World) -> dict[str, st.SearchStrategy[Any]]:
    """One radio group per member of the branch, and rows that shouldn't be there."""
    statuses = st.sampled_from(AttendanceStatus.values)
    extra = {
        f"{ROSTER_PREFIX}{pk}": optional(statuses)
        for pk in w.d.school1.members.values_list("pk", flat=True)
    }
    elsewhere = Member.objects.exclude(unit=w.d.school1).values_list("pk", flat=True)[0]
    for key in [elsewhere, "abc", "²", "99999999999999999999999", "-1"]:
        extra[f"{ROSTER_PREFIX}{key}"] = st.one_of(st.just(MISSING), st.just(MISSING), statuses)
    return extra


def _practice_settings(w: World) -> Fields:
    card_type = w.card_type
    return fields_of(
        DeadlineForm(),
        BaselineForm(),
        CardTypeForm(prefix="add"),
        CardTypeForm(prefix=f"card{card_type.pk}"),
    )


def _next_url(w: World) -> st.SearchStrategy[Any]:
    return optional(
        st.sampled_from(
            ["/", "https://evil.example/", "//evil.example", "-3200101963263", "/a\r\nb"]
        )
    )


def _xlsx_bytes() -> bytes:
    return roster_xlsx([["钱伟", "区二中党支部", "13900000000"]]).read()


def _member_values(w: World) -> dict[str, st.SearchStrategy[Any]]:
    """A member as a roster has them: born 1940–1985, joined before the campaign, a real
    身份证号 (its birth date and check digit right) or none."""
    return {
        "id_number": st.sampled_from(["", "330102197003141236", "11010519491231002x", "123"]),
        "birth_date": st.dates(datetime.date(1940, 1, 1), datetime.date(1985, 12, 31)).map(
            datetime.date.isoformat
        ),
        "joined_on": st.dates(datetime.date(2000, 1, 1), datetime.date(2004, 12, 31)).map(
            datetime.date.isoformat
        ),
        "phone": st.sampled_from(["", "13900000000", "0571-87654321"]),
    }


def _around(day: datetime.date, before: int, after: int) -> st.SearchStrategy[str]:
    """A day from `before` days before `day` to `after` days after it, as typed."""
    return st.integers(-before, after).map(
        lambda offset: (day + datetime.timedelta(days=offset)).isoformat()
    )


def _plan_values(plan) -> dict[str, st.SearchStrategy[Any]]:
    """Dates close to what the plan says now: the plan's rules then let some through."""
    names = (
        ("starts_on", "ends_on") if isinstance(plan, Batch) else ("planned_start", "planned_end")
    )
    start, end = (getattr(plan, name) for name in names)
    return {names[0]: _around(start, 5, 3), names[1]: _around(end, 3, 5)}


def _no_current_batch(w: World) -> None:
    Batch.objects.update(is_current=False)


FORM_VIEWS = [
    # Logging in ------------------------------------------------------------------------
    FormView(
        "login",
        None,
        fields=lambda w: fields_of(AuthenticationForm()),
        valid=lambda w: {
            "username": st.sampled_from(["secretary1", "office", "nobody", "张建国"]),
            "password": st.sampled_from(["pw", "wrong"]),
        },
    ),
    # Units and members -----------------------------------------------------------------
    FormView(
        "units:create", "office", lambda w: [w.d.education.pk], lambda w: fields_of(UnitForm())
    ),
    FormView(
        "units:edit",
        "office",
        lambda w: [w.d.school2.pk],
        lambda w: fields_of(UnitForm(instance=w.d.school2)),
    ),
    FormView(
        "units:member_create",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(MemberForm(units=_managed(w, "secretary1"))),
        valid=_member_values,
    ),
    FormView(
        "units:member_edit",
        "secretary1",
        lambda w: [w.d.member1.pk],
        lambda w: fields_of(MemberForm(instance=w.d.member1, units=_managed(w, "secretary1"))),
        valid=_member_values,
    ),
    FormView(
        "units:roster_import",
        "office",
        lambda w: [w.d.root.pk],
        lambda w: fields_of(RosterUploadForm()),
        valid=lambda w: {"file": upload("名册.xlsx", _xlsx_bytes())},
        weight=0.5,
    ),
    FormView(
        "units:roster_import_preview",
        "office",
        lambda w: [w.roster_import.pk],
        lambda w: fields_of(RosterConfirmForm()),
    ),
    FormView(
        "units:lockout_release",
        "office",
        extra=lambda w: {
            "username": optional(st.sampled_from(["secretary1", "张建国"])),
            "ip_address": optional(st.sampled_from(["127.0.0.1", "::1", "999.1.1.1"])),
        },
    ),
    # The plan ----------------------------------------------------------------------------
    FormView(
        "campaign:batch_create",
        "office",
        fields=lambda w: fields_of(BatchForm()),
        prepare=_no_current_batch,
    ),
    FormView(
        "campaign:batch_edit",
        "office",
        fields=lambda w: fields_of(BatchForm(instance=w.d.batch)),
        valid=lambda w: _plan_values(w.d.batch),
    ),
    FormView(
        "campaign:stage_edit",
        "office",
        lambda w: [w.d.stages[1].pk],
        lambda w: fields_of(StageForm(instance=w.d.stages[1])),
        valid=lambda w: _plan_values(w.d.stages[1]),
    ),
    FormView(
        "campaign:step_create",
        "office",
        lambda w: [w.d.stages[0].pk],
        lambda w: fields_of(StepForm()),
    ),
    FormView(
        "campaign:step_edit",
        "office",
        lambda w: [w.d.stages[0].steps.first().pk],
        lambda w: fields_of(StepForm(instance=w.d.stages[0].steps.first())),
        valid=lambda w: _plan_values(w.d.stages[0].steps.first()),
    ),
    FormView(
        "campaign:step_extend",
        "office",
        lambda w: [w.d.stages[0].steps.last().pk],
        lambda w: fields_of(StepExtendForm(step=w.d.stages[0].steps.last())),
        valid=lambda w: {"new_end": _around(w.d.stages[0].steps.last().planned_end, -1, 20)},
    ),
    # Study: sessions, sign-in, absences ---------------------------------------------------
    FormView(
        "study:session_create",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(SessionForm(unit=w.d.school1)),
    ),
    FormView(
        "study:session_edit",
        "secretary1",
        lambda w: [w.session.pk],
        lambda w: fields_of(SessionForm(unit=w.d.school1)),
    ),
    FormView("study:session", "secretary1", lambda w: [w.session.pk], extra=_roster_extra),
    FormView(
        "study:checkin",
        "member1",
        fields=lambda w: fields_of(CheckinForm()),
        valid=lambda w: {"code": st.sampled_from([w.session.checkin_code, "000000", "12345"])},
    ),
    FormView(
        "study:checkin_code",
        "member1",
        lambda w: [w.session.checkin_code],
        lambda w: fields_of(CheckinForm()),
        valid=lambda w: {"code": st.sampled_from([w.session.checkin_code, "000000"])},
    ),
    FormView(
        "study:makeup_done",
        "secretary1",
        lambda w: [w.owed_makeup.pk],
        lambda w: fields_of(MakeUpDoneForm()),
        extra=lambda w: {"next": _next_url(w)},
    ),
    FormView(
        "study:makeup_correct",
        "secretary1",
        lambda w: [w.done_makeup.pk],
        lambda w: fields_of(MakeUpCorrectionForm()),
    ),
    FormView(
        "study:leave_list",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(LeaveEntryForm(unit=w.d.school1)),
        needs=("session",),
    ),
    FormView(
        "study:leave_decide",
        "secretary1",
        lambda w: [w.pending_leave.pk],
        extra=lambda w: {
            "decision": optional(st.sampled_from(["approve", "refuse"])),
            "next": _next_url(w),
        },
    ),
    FormView(
        "study:my_leave",
        "member1",
        fields=lambda w: fields_of(MyLeaveForm(member=w.d.member1)),
        needs=("future_session",),
    ),
    FormView("study:my_self_study", "member1", fields=lambda w: fields_of(SelfStudyForm())),
    FormView(
        "study:self_study_create",
        "secretary1",
        lambda w: [w.d.member1.pk],
        lambda w: fields_of(SelfStudyForm()),
    ),
    FormView(
        "study:contact_create",
        "secretary1",
        lambda w: [w.mobile_member.pk],
        lambda w: fields_of(ContactForm()),
        extra=lambda w: {"next": _next_url(w)},
    ),
    # Study: writings, reviews, spot-checks, topics ----------------------------------------
    FormView("study:my_writings", "member1", fields=lambda w: fields_of(WritingForm())),
    FormView(
        "study:writing_paper",
        "secretary1",
        lambda w: [w.d.member1.pk],
        lambda w: fields_of(PaperWritingForm()),
    ),
    FormView(
        "study:writing", "secretary1", lambda w: [w.writing.pk], lambda w: fields_of(ReviewForm())
    ),
    FormView(
        "study:spot_checks",
        "supervisor1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(SpotCheckDrawForm()),
        needs=("writing",),
    ),
    FormView(
        "study:spot_check",
        "supervisor1",
        lambda w: [w.spot_check.pk],
        lambda w: fields_of(SpotCheckResultForm()),
    ),
    FormView(
        "study:own_topic",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(OwnTopicForm()),
    ),
    FormView("study:topics", "office", fields=_topic_forms, extra=_topic_extra),
    # The 转段 --------------------------------------------------------------------------
    FormView(
        "supervision:application_answers",
        "secretary1",
        lambda w: [w.draft_application.pk],
        lambda w: fields_of(AnswersForm(answers=w.draft_application.answers.all())),
    ),
    FormView(
        "supervision:application_meeting",
        "secretary1",
        lambda w: [w.draft_application.pk],
        lambda w: fields_of(MeetingForm()),
    ),
    FormView(
        "supervision:application_evaluate",
        "supervisor1",
        lambda w: [w.draft_application.pk],
        lambda w: fields_of(EvaluationForm()),
    ),
    FormView(
        "supervision:application_opinion",
        "supervisor2",
        lambda w: [w.submitted_application.pk],
        lambda w: fields_of(OpinionForm()),
    ),
    FormView(
        "supervision:application_approve",
        "office",
        lambda w: [w.decided_application.pk],
        lambda w: fields_of(ApproveForm()),
    ),
    FormView(
        "supervision:application_return",
        "office",
        lambda w: [w.decided_application.pk],
        lambda w: fields_of(ReturnForm()),
    ),
    # A group's records and the office's -------------------------------------------------
    FormView(
        "supervision:inspections",
        "supervisor1",
        lambda w: [w.d.groups[0].pk],
        lambda w: fields_of(InspectionForm(**_group_units(w))),
    ),
    FormView(
        "supervision:key_units",
        "supervisor1",
        lambda w: [w.d.groups[0].pk],
        lambda w: fields_of(KeyUnitForm(**_group_units(w))),
    ),
    FormView(
        "supervision:typical_cases",
        "supervisor1",
        lambda w: [w.d.groups[0].pk],
        lambda w: fields_of(TypicalCaseForm(**_group_units(w))),
        valid=lambda w: {"member": st.sampled_from(["张建国", "赵敏", "无此人", ""])},
    ),
    FormView(
        "supervision:requirement_edit",
        "office",
        lambda w: [w.requirement.pk],
        lambda w: fields_of(StageRequirementForm(instance=w.requirement)),
    ),
    FormView(
        "supervision:stage_correct",
        "office",
        lambda w: [w.d.street.pk],
        lambda w: fields_of(StageCorrectionForm(stages=Stage.objects.filter(batch=w.d.batch))),
    ),
    # The 二三五 ledgers and the 五卡 ----------------------------------------------------
    FormView(
        "ledgers:practice_settings",
        "office",
        fields=_practice_settings,
        extra=lambda w: {
            "form": st.sampled_from(
                ["deadline", "baseline", "card_add", f"card_{w.card_type.pk}", "card_0"]
            )
        },
    ),
    FormView(
        "ledgers:practice_activity_create",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(ActivityForm()),
        weight=0.7,
    ),
    FormView(
        "ledgers:practice_plan",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(PlanForm()),
    ),
    FormView(
        "ledgers:practice_activity_edit",
        "secretary1",
        lambda w: [w.activity.pk],
        lambda w: fields_of(ActivityCorrectionForm(activity=w.activity)),
        weight=0.7,
    ),
    FormView(
        "ledgers:practice_activity_delete",
        "secretary1",
        lambda w: [w.activity.pk],
        lambda w: fields_of(DeletionForm()),
    ),
    FormView(
        "ledgers:practice_cards",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(CardRecordForm(batch=w.d.batch)),
        needs=("card_type",),
    ),
    FormView(
        "ledgers:practice_card_edit",
        "secretary1",
        lambda w: [w.card_record.pk],
        lambda w: fields_of(CardRecordCorrectionForm(record=w.card_record)),
    ),
    FormView(
        "ledgers:practice_card_delete",
        "secretary1",
        lambda w: [w.card_record.pk],
        lambda w: fields_of(DeletionForm()),
    ),
    # 边学边查边改, the survey, integrity --------------------------------------------------
    FormView(
        "ledgers:rectification_item_create",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(RectificationItemForm()),
    ),
    FormView(
        "ledgers:rectification_item_create",
        "supervisor1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(RectificationItemForm(for_supervisor=True)),
    ),
    FormView(
        "ledgers:rectification_item_edit",
        "secretary1",
        lambda w: [w.rectification_item.pk],
        lambda w: fields_of(RectificationItemForm(item=w.rectification_item)),
    ),
    FormView(
        "ledgers:survey_opinion_accept",
        "secretary1",
        lambda w: [w.d.school1.pk, w.survey_opinion_key],
        lambda w: fields_of(OpinionAcceptForm()),
    ),
    FormView(
        "ledgers:survey_opinion_dismiss",
        "secretary1",
        lambda w: [w.d.school1.pk, w.survey_opinion_key],
        lambda w: fields_of(OpinionDismissForm()),
    ),
    FormView("ledgers:survey", None, lambda w: [w.survey_token], lambda w: fields_of(SurveyForm())),
    FormView(
        "ledgers:integrity_record_create",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(IntegrityRecordForm()),
    ),
    FormView(
        "ledgers:integrity_record_edit",
        "secretary1",
        lambda w: [w.integrity_record.pk],
        lambda w: fields_of(IntegrityCorrectionForm()),
    ),
    FormView(
        "ledgers:integrity_record_delete",
        "secretary1",
        lambda w: [w.integrity_record.pk],
        lambda w: fields_of(DeletionForm()),
    ),
    # Leading cadres: 党课, trips ----------------------------------------------------------
    FormView(
        "ledgers:leaders_lectures",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: _lecture_form(w, LectureForm),
    ),
    FormView(
        "ledgers:leaders_lecture_edit",
        "secretary1",
        lambda w: [w.lecture.pk],
        lambda w: _lecture_form(w, LectureCorrectionForm),
    ),
    FormView(
        "ledgers:leaders_lecture_delete",
        "secretary1",
        lambda w: [w.lecture.pk],
        lambda w: fields_of(DeletionForm()),
    ),
    FormView(
        "ledgers:leaders_trip_new",
        "secretary1",
        fields=lambda w: fields_of(
            TripRequestForm(travellers=Member.objects.filter(is_leading_cadre=True))
        ),
        # Asked before leaving: from today on.
        valid=lambda w: {
            "leaves_on": _around(timezone.localdate(), 1, 20),
            "returns_on": _around(timezone.localdate() + datetime.timedelta(days=10), 10, 20),
        },
    ),
    FormView(
        "ledgers:leaders_trip_decide",
        "office",
        lambda w: [w.pending_trip.pk],
        lambda w: fields_of(TripDecisionForm()),
    ),
    FormView(
        "ledgers:leaders_trip_return",
        "secretary1",
        lambda w: [w.trip_away.pk],
        lambda w: fields_of(TripReturnForm()),
        valid=lambda w: {"returned_on": _around(w.trip_away.returns_on, 10, 3)},
    ),
    # Publicity and the 大讨论 -----------------------------------------------------------
    FormView(
        "ledgers:publicity_checks",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(PublicityCheckForm()),
    ),
    FormView(
        "ledgers:publicity_check_edit",
        "secretary1",
        lambda w: [w.publicity_check.pk],
        lambda w: fields_of(PublicityCheckCorrectionForm()),
    ),
    FormView(
        "ledgers:publicity_check_delete",
        "secretary1",
        lambda w: [w.publicity_check.pk],
        lambda w: fields_of(DeletionForm()),
    ),
    FormView(
        "ledgers:discussion_session_new",
        "secretary1",
        lambda w: [w.d.school1.pk],
        lambda w: fields_of(DiscussionSessionForm()),
    ),
    FormView(
        "ledgers:discussion_group",
        "secretary1",
        lambda w: [w.d.school1.pk, DiscussionGroup.INSTITUTION],
        lambda w: fields_of(RequirementForm()),
    ),
    # Briefings and reminders ------------------------------------------------------------
    FormView(
        "reports:briefing_list",
        "office",
        fields=lambda w: fields_of(
            BriefingRequestForm(is_office=True, groups=SupervisionGroup.objects.all())
        ),
    ),
    FormView(
        "reports:briefing_list",
        "supervisor1",
        fields=lambda w: fields_of(
            BriefingRequestForm(is_office=False, groups=SupervisionGroup.objects.all())
        ),
    ),
    FormView("todos:settings", "member1", fields=lambda w: fields_of(ReminderSettingsForm())),
]

# Views that take a POST without a form to fill in, and why fuzzing them tells nothing a
# test of their own doesn't.
NOT_FORMS = {
    "favicon.ico": "a redirect to the static file, whatever the method",
    "logout": "logging out: nothing is read from the POST",
    "units:delete": "删除 is a confirmation button: nothing is read from the POST",
    "supervision:unit_transition": "开始填写 is a button: nothing is read from the POST",
    "supervision:application_submit": "报送 is a button: nothing is read from the POST",
    "supervision:key_unit_remove": "移出 is a confirmation button: nothing is read",
    "supervision:notifications": "全部标为已读 is a button: nothing is read from the POST",
    "ledgers:discussion_adopt": "定稿 is a button: nothing is read from the POST",
    "ledgers:leaders_trip_withdraw": "撤回 is a confirmation button: nothing is read",
    "reports:briefing_retry": "重新生成 is a button: nothing is read from the POST",
}


@pytest.fixture
def world(live_district):
    world = World(live_district)
    # What a 转段 checks is saved with its defaults the first time it is read: made here,
    # so that a page shown again with errors doesn't count as a write.
    for stage in live_district.stages:
        requirement_for(stage)
    return world


@pytest.mark.parametrize("view", FORM_VIEWS, ids=[view.id for view in FORM_VIEWS])
def test_a_form_neither_fails_nor_half_saves(world, view):
    for record in view.needs:
        getattr(world, record)
    url = reverse(view.name, args=view.args(world))
    fields = view.fields(world)
    strategies = field_strategies(fields)
    for name, strategy in view.valid(world).items():
        strategies[name] = (strategy, strategies[name][1])
    strategies.update(extra_strategies(view.extra(world)))
    client = client_for(world.user(view.persona))
    prepare = (lambda: view.prepare(world)) if view.prepare else None
    outcomes = []

    @settings(max_examples=max(5, round(settings.default.max_examples * view.weight)))
    @given(data=form_data(strategies))
    def post(data):
        post_and_judge(client=client, url=url, data=data, prepare=prepare, outcomes=outcomes)

    for data in sweep(fields):
        post = example(data=data)(post)
    post()
    print(view.id, dict(Counter(outcomes)))
    # The persona reached the form: not every answer a refusal at the door.
    assert set(outcomes) - {403, 404, 405}, f"{view.id} never got past the door: {outcomes}"


def test_the_judge_sees_every_row_added_changed_or_deleted(world):
    d = world.d
    leaving = MemberFactory(unit=d.school2)
    before = snapshot()
    Unit.objects.filter(pk=d.school2.pk).update(name="区二中党总支")
    d.groups[1].units.add(d.school2)
    leaving_pk = leaving.pk
    leaving.delete()

    found = differences(before, snapshot())

    assert (Unit, d.school2.pk) in found["changed"]
    link = SupervisionGroup.units.through
    added = link.objects.get(supervisiongroup=d.groups[1], unit=d.school2)
    assert found["added"] == [(link, added.pk)]
    assert (Member, leaving_pk) in found["deleted"]


# Every view that takes a POST is fuzzed ------------------------------------------------


def _patterns(resolver=None, prefix="", namespace=""):
    """(name, route, callback) of every URL pattern, the admin's left out."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route, pattern.callback


def _allowed_methods(callback) -> set[str] | None:
    """The methods a require_http_methods() decorator (require_POST, require_safe …)
    lets through, or None when no decorator limits them."""
    view = callback
    while view is not None:
        closure = inspect.getclosurevars(view).nonlocals if view.__closure__ else {}
        if "request_method_list" in closure:
            return set(closure["request_method_list"])
        view = getattr(view, "__wrapped__", None)
    return None


def _reads_post(function, depth=1) -> bool:
    """Whether the function, or a function of its module it calls, handles a POST."""
    source = inspect.getsource(function)
    if "POST" in source or "request.method" in source:
        return True
    if depth == 0:
        return False
    module = inspect.getmodule(function)
    called = [getattr(module, name, None) for name in function.__code__.co_names]
    return any(
        inspect.isfunction(other) and other.__module__ == module.__name__ and _reads_post(other, 0)
        for other in called
    )


def _takes_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    allowed = _allowed_methods(callback)
    if allowed is not None:
        return "POST" in allowed
    return _reads_post(inspect.unwrap(callback))


def test_every_view_that_takes_a_post_is_fuzzed():
    patterns = list(_patterns())
    names = {name for name, _route, _callback in patterns}
    takes_post = {name for name, _route, callback in patterns if _takes_post(callback)}
    fuzzed = {view.name for view in FORM_VIEWS}

    assert takes_post - fuzzed - NOT_FORMS.keys() == set(), "add these to FORM_VIEWS"
    assert (fuzzed | NOT_FORMS.keys()) - names == set(), "no such URL: remove it"
    assert fuzzed & NOT_FORMS.keys() == set()
    assert (fuzzed | NOT_FORMS.keys()) - takes_post == set(), "these take no POST"

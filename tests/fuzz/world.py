"""The records the form views act on, in the live district (tests/conftest.py), each made
the first time a view's spec asks for it and through the services, as the app makes it.

Everything is made before a view's examples run: each example is rolled back, and a
record made inside one would be gone for the next.
"""

import datetime
import functools
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from ledgers.models import (
    ActivityKind,
    DiscussionGroup,
    LectureKind,
    PublicityItem,
    RectificationCategory,
    RectificationSource,
    RectificationStatus,
    TripKind,
    TripRequest,
    TripState,
)
from ledgers.services import cards as card_services
from ledgers.services import discussion as discussion_services
from ledgers.services import integrity as integrity_services
from ledgers.services import lectures as lecture_services
from ledgers.services import practice as practice_services
from ledgers.services import publicity as publicity_services
from ledgers.services import rectification as rectification_services
from ledgers.services import trips as trip_services
from study.models import AttendanceStatus, MakeUp, MakeUpMethod, WritingKind
from study.services import absences as absence_services
from study.services import writings as writing_services
from study.services.sessions import roster_save
from supervision.selectors.transitions import requirement_for
from supervision.services import transitions as transitions
from tests.factories import make_session
from units.roster_format import XLSX_CONTENT_TYPE
from units.roster_import import roster_import_upload

DAY = datetime.timedelta(days=1)


def roster_xlsx(rows: list[list[str]], name: str = "名册.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "所在党组织", "联系电话"])
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


class World:
    """The live district (`d`) and, on first use, the records the form views act on."""

    def __init__(self, district):
        self.d = district
        self.users = district.users

    def user(self, persona):
        return self.users[persona] if persona else None

    # Study ----------------------------------------------------------------------------

    @functools.cached_property
    def session(self):
        """A session of 区一中 that began an hour ago: its roster is open."""
        return make_session(
            self.d.school1,
            self.users["secretary1"],
            starts_at=timezone.now() - datetime.timedelta(hours=1),
        )

    @functools.cached_property
    def future_session(self):
        return make_session(
            self.d.school1, self.users["secretary1"], starts_at=timezone.now() + 2 * DAY
        )

    @functools.cached_property
    def past_session(self):
        """Two days ago, 张建国 and 李秀英 absent: each owes a make-up."""
        session = make_session(
            self.d.school1, self.users["secretary1"], starts_at=timezone.now() - 2 * DAY
        )
        infirm = self.d.school1.members.get(name="李秀英")
        roster_save(
            session=session,
            entries=[
                (self.d.member1.pk, AttendanceStatus.ABSENT),
                (infirm.pk, AttendanceStatus.ABSENT),
            ],
            user=self.users["secretary1"],
        )
        return session

    @functools.cached_property
    def owed_makeup(self):
        return MakeUp.objects.get(attendance__session=self.past_session, member=self.d.member1)

    @functools.cached_property
    def done_makeup(self):
        makeup = MakeUp.objects.get(attendance__session=self.past_session, member__name="李秀英")
        absence_services.makeup_complete(
            makeup=makeup,
            done_on=timezone.localdate(),
            method=MakeUpMethod.HOME_DELIVERY,
            note="送课上门",
            user=self.users["secretary1"],
        )
        return makeup

    @functools.cached_property
    def pending_leave(self):
        return absence_services.leave_request(
            member=self.d.member1,
            session=self.future_session,
            reason="出差",
            user=self.users["member1"],
        )

    @functools.cached_property
    def mobile_member(self):
        return self.d.school1.members.get(name="王强")

    @functools.cached_property
    def writing(self):
        return writing_services.writing_submit(
            member=self.d.member1,
            kind=WritingKind.NOTE,
            title="学习党章的体会",
            text="认真学习党章,对照检查自己。" * 20,
            user=self.users["member1"],
        )

    @functools.cached_property
    def spot_check(self):
        # Drawn from the writings there are: this one at least.
        self.writing  # noqa: B018
        return writing_services.spot_check_draw(
            unit=self.d.school1, user=self.users["supervisor1"], size=3
        )

    # Units ----------------------------------------------------------------------------

    @functools.cached_property
    def roster_import(self):
        return roster_import_upload(
            unit=self.d.root,
            uploaded_by=self.users["office"],
            upload=roster_xlsx([["钱伟", "区二中党支部", "13900000000"]]),
        )

    # Supervision ----------------------------------------------------------------------

    def _application(self, unit, secretary, supervisor, *, until):
        application = transitions.application_start(unit=unit, user=secretary)
        transitions.answers_save(
            application=application,
            answers={n: f"第{n}条自查情况" for n in range(1, 5)},
            user=secretary,
        )
        transitions.meeting_record(
            application=application,
            held_on=timezone.localdate(),
            attendees="支部委员3人,党员全体",
            minutes="总结学习动员阶段工作,认为可以转段。",
            user=secretary,
        )
        if until == "meeting":
            return application
        transitions.meeting_evaluate(
            application=application, evaluation="学习扎实。", user=supervisor
        )
        application = transitions.application_submit(application=application, user=secretary)
        if until == "submitted":
            return application
        return transitions.group_opinion_give(
            application=application,
            agrees=True,
            reasons="学习培训落实。",
            user=supervisor,
            unmet_acknowledged=True,
        )

    @functools.cached_property
    def draft_application(self):
        """区一中's round: answered, its meeting recorded, waiting for the group."""
        return self._application(
            self.d.school1, self.users["secretary1"], self.users["supervisor1"], until="meeting"
        )

    @functools.cached_property
    def submitted_application(self):
        """区医院内科's round, submitted: waiting for 督导二组's opinion."""
        return self._application(
            self.d.ward, self.users["secretary2"], self.users["supervisor2"], until="submitted"
        )

    @functools.cached_property
    def decided_application(self):
        """区二中's round with the group's opinion: waiting for the office."""
        return self._application(
            self.d.school2, self.users["leader1"], self.users["supervisor1"], until="opinion"
        )

    @functools.cached_property
    def requirement(self):
        return requirement_for(self.d.stages[0])

    # Ledgers --------------------------------------------------------------------------

    @functools.cached_property
    def activity(self):
        return practice_services.practice_activity_record(
            unit=self.d.school1,
            user=self.users["secretary1"],
            held_on=timezone.localdate() - DAY,
            kind=ActivityKind.AMONG_PEOPLE,
            participants="支部书记带领党员8人",
            description="走访困难群众。",
            households=3,
            funds=Decimal("1.25"),
        )

    @functools.cached_property
    def card_type(self):
        return card_services.card_type_add(batch=self.d.batch, name="联系卡")

    @functools.cached_property
    def card_record(self):
        return card_services.card_record(
            unit=self.d.school1,
            card_type=self.card_type,
            recorded_on=timezone.localdate() - DAY,
            issued=10,
            returned=4,
            user=self.users["secretary1"],
        )

    @functools.cached_property
    def integrity_record(self):
        return integrity_services.integrity_record_create(
            unit=self.d.school1,
            user=self.users["secretary1"],
            recorded_on=timezone.localdate() - DAY,
            refused_banquets=3,
            refused_gifts_value=Decimal("4500"),
        )

    @functools.cached_property
    def lecture(self):
        return lecture_services.lecture_record(
            lecturer=self.d.member1,
            unit=self.d.school1,
            kind=LectureKind.PARTY_LECTURE,
            given_on=timezone.localdate() - DAY,
            topic="保持共产党员先进性",
            audience=45,
            user=self.users["secretary1"],
        )

    @functools.cached_property
    def publicity_check(self):
        return publicity_services.publicity_check_record(
            unit=self.d.school1,
            item=PublicityItem.SLOGANS,
            done_on=timezone.localdate() - DAY,
            evidence="校门口悬挂标语两条。",
            user=self.users["secretary1"],
        )

    @functools.cached_property
    def discussion_requirement(self):
        return discussion_services.discussion_requirement_write(
            unit=self.d.school1,
            group=DiscussionGroup.INSTITUTION,
            text="爱岗敬业,为人师表。",
            user=self.users["secretary1"],
        )

    @functools.cached_property
    def pending_trip(self):
        return trip_services.trip_request(
            traveller=self.d.member1,
            kind=TripKind.ABROAD,
            destination="新加坡",
            purpose="签订时限性很强的招商项目",
            leaves_on=timezone.localdate() + 3 * DAY,
            returns_on=timezone.localdate() + 8 * DAY,
            user=self.users["secretary1"],
        )

    @functools.cached_property
    def trip_away(self):
        """Approved, the cadre abroad since ten days: only the ORM can date it back."""
        today = timezone.localdate()
        return TripRequest.objects.create(
            traveller=self.d.member1,
            kind=TripKind.STUDY_TOUR,
            destination="深圳",
            purpose="参加重要会议",
            leaves_on=today - 10 * DAY,
            returns_on=today - 2 * DAY,
            state=TripState.APPROVED,
            requested_by=self.users["secretary1"],
            decided_by=self.users["office"],
            decided_at=timezone.now() - 12 * DAY,
            decision_reason="确需参加。",
        )

    @functools.cached_property
    def rectification_item(self):
        return rectification_services.rectification_item_create(
            unit=self.d.school1,
            user=self.users["secretary1"],
            problem="窗口服务态度生硬",
            source=RectificationSource.SELF_CHECK,
            category=RectificationCategory.CONDUCT,
            measure="开展服务礼仪培训",
            responsible="张建国",
            deadline=timezone.localdate() + 10 * DAY,
            status=RectificationStatus.IN_PROGRESS,
            public_explanation="",
        )

    @functools.cached_property
    def survey_token(self):
        return rectification_services.survey_token(self.d.school1)

    @functools.cached_property
    def survey_opinion_key(self):
        """The key of an opinion the public left on 区一中, waiting in its inbox."""
        text = "窗口办事要跑好几次。"
        rectification_services.survey_answer(
            unit=self.d.school1,
            device="d" * 40,
            day=timezone.localdate(),
            office_rating=2,
            organisation_rating=3,
            members_rating=3,
            opinion=text,
        )
        return rectification_services.opinion_key(text)

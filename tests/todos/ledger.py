"""A known study ledger for the to-do tests, written through the services.

区一中 (4 sessions of 12, 12, 12 and 4 学时): 张建国 (member1, a leading cadre) attends all
(40 学时, done) and logs three essays on paper (two of 3500 字; no note yet); 李秀英 is
taught at home once (12); 王强 (mobile, never contacted) misses all four and makes the
first up (three make-ups still owed). 区二中: 赵敏 attends one session (2) and studies alone
(4). 区一中's 转段 application was submitted three days ago and waits for 第一督导组.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from study.models import AttendanceStatus, MakeUp, MakeUpMethod, WritingKind
from study.services.absences import makeup_complete, self_study_log
from study.services.sessions import roster_save
from study.services.writings import writing_log_paper
from tests.factories import make_session
from tests.supervision.test_application_lists import submitted_for
from units.models import Member

PRESENT = AttendanceStatus.PRESENT
ABSENT = AttendanceStatus.ABSENT


def build_ledger(d):
    users = d.users
    secretary, office = users["secretary1"], users["office"]
    today = timezone.localdate()
    now = timezone.now()
    school1 = {m.name: m for m in Member.objects.filter(unit=d.school1)}
    for index, hours in enumerate(["12", "12", "12", "4"]):
        session = make_session(
            d.school1, secretary, starts_at=now - datetime.timedelta(days=5 - index), hours=hours
        )
        entries = [(school1["张建国"].pk, PRESENT), (school1["王强"].pk, ABSENT)]
        if index == 0:
            entries.append((school1["李秀英"].pk, AttendanceStatus.HOME_DELIVERY))
        roster_save(session=session, entries=entries, user=secretary)
    first_missed = MakeUp.objects.filter(member=school1["王强"]).order_by("pk").first()
    makeup_complete(makeup=first_missed, done_on=today, method=MakeUpMethod.SESSION, user=secretary)
    for characters in (3500, 3500, 1000):
        writing_log_paper(
            member=school1["张建国"],
            kind=WritingKind.ESSAY,
            title="心得体会",
            characters=characters,
            user=secretary,
        )
    zhao = Member.objects.get(name="赵敏")
    session = make_session(d.school2, office, starts_at=now - datetime.timedelta(days=1))
    roster_save(session=session, entries=[(zhao.pk, PRESENT)], user=office)
    self_study_log(member=zhao, studied_on=today, hours=Decimal("4"), material="读本", user=office)
    submitted_for(d.school1, by=secretary, supervisor=users["supervisor1"], days_ago=3)

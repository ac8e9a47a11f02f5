"""The records of changes can't be rewritten: not by the app, not through the admin, not by
deleting what they are the history of ("指定专人做好教育活动台帐" is worth what its record of
corrections is worth). A ledger record isn't edited in the admin either: its corrections
go through the app's pages, which keep the reason."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from common.history import HistoryRewrite
from ledgers.models import (
    IntegrityRecord,
    LedgerCorrection,
    RectificationCategory,
    RectificationChange,
    RectificationItem,
    RectificationSource,
)
from ledgers.services.integrity import integrity_record_correct, integrity_record_create
from ledgers.services.rectification import rectification_item_create, rectification_item_update
from study.models import Attendance, AttendanceChange, AttendanceStatus, MakeUp, MakeUpMethod
from study.services.absences import makeup_complete, makeup_correct
from study.services.sessions import roster_save
from tests.factories import make_session
from units.models import Member


@pytest.fixture
def changed_item(district):
    item = rectification_item_create(
        unit=district.school1,
        user=district.users["secretary1"],
        problem="学习室漏雨",
        source=RectificationSource.SELF_CHECK,
        category=RectificationCategory.CONDUCT,
    )
    rectification_item_update(item=item, user=district.users["secretary1"], measure="请人修补")
    return item


def test_a_history_row_can_be_added_but_not_changed_or_deleted(changed_item):
    change = RectificationChange.objects.get(item=changed_item)
    change.changes = {"measure": ["", "伪造"]}
    with pytest.raises(HistoryRewrite):
        change.save()
    with pytest.raises(HistoryRewrite):
        change.delete()
    with pytest.raises(HistoryRewrite):
        RectificationChange.objects.filter(pk=change.pk).update(changes={})
    with pytest.raises(HistoryRewrite):
        RectificationChange.objects.filter(item=changed_item).delete()
    change.refresh_from_db()
    assert change.changes == {"measure": ["", "请人修补"]}


def test_an_item_with_history_is_never_hard_deleted(changed_item):
    with pytest.raises(ProtectedError):
        changed_item.delete()
    assert RectificationItem.objects.filter(pk=changed_item.pk).exists()
    assert RectificationChange.objects.filter(item=changed_item).count() == 1


def test_a_corrected_sign_in_keeps_its_attendance(live_district):
    d = live_district
    member = Member.objects.filter(unit=d.school1).first()
    session = make_session(d.school1, d.users["secretary1"], hours="2")
    for status in (AttendanceStatus.ABSENT, AttendanceStatus.PRESENT):
        roster_save(session=session, entries=[(member.pk, status)], user=d.users["secretary1"])
    with pytest.raises(ProtectedError):
        session.delete()
    assert AttendanceChange.objects.filter(attendance__session=session).count() == 1


def test_a_make_up_with_a_correction_is_not_removed_by_marking_the_member_present(
    live_district,
):
    """Marking present after all would delete the make-up with its correction; the roster
    says so instead of answering 500, and nothing is saved."""
    d = live_district
    secretary = d.users["secretary1"]
    member = Member.objects.filter(unit=d.school1).first()
    # Two days ago: the make-up is done yesterday, then corrected to the day before.
    session = make_session(
        d.school1, secretary, hours="2", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    roster_save(session=session, entries=[(member.pk, AttendanceStatus.ABSENT)], user=secretary)
    makeup = MakeUp.objects.get(attendance__session=session)
    today = timezone.localdate()
    makeup_complete(
        makeup=makeup,
        done_on=today - datetime.timedelta(days=1),
        method=MakeUpMethod.SESSION,
        user=secretary,
    )
    makeup.refresh_from_db()
    makeup_correct(
        makeup=makeup,
        done_on=today - datetime.timedelta(days=2),
        method=makeup.method,
        note="",
        reason="日期填错",
        user=secretary,
    )
    with pytest.raises(ValidationError, match="更正记录须保留"):
        roster_save(
            session=session, entries=[(member.pk, AttendanceStatus.PRESENT)], user=secretary
        )
    assert Attendance.objects.get(session=session).status == AttendanceStatus.ABSENT
    assert MakeUp.objects.filter(pk=makeup.pk).exists()


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    return client


def test_the_admin_cannot_invent_edit_or_delete_history(admin_client, changed_item):
    change = RectificationChange.objects.get(item=changed_item)
    add = reverse("admin:ledgers_rectificationchange_add")
    assert admin_client.get(add).status_code == 403
    response = admin_client.post(
        add, {"item": changed_item.pk, "changed_by": change.changed_by_id, "changes": "{}"}
    )
    assert response.status_code == 403
    edit = reverse("admin:ledgers_rectificationchange_change", args=[change.pk])
    assert admin_client.post(edit, {"changes": "{}"}).status_code == 403
    delete = reverse("admin:ledgers_rectificationchange_delete", args=[change.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    item_delete = reverse("admin:ledgers_rectificationitem_delete", args=[changed_item.pk])
    assert admin_client.post(item_delete, {"post": "yes"}).status_code == 403
    assert RectificationChange.objects.filter(pk=change.pk, changes=change.changes).exists()


def test_a_ledger_record_is_read_not_edited_in_the_admin(admin_client, district):
    """Integrity figures go into briefings: an edit in the admin would change them with no
    更正记录, so the admin only shows them; the app's correction keeps the reason."""
    record = integrity_record_create(
        unit=district.school1,
        user=district.users["secretary1"],
        recorded_on=timezone.localdate(),
        refused_banquets=2,
    )
    edit = reverse("admin:ledgers_integrityrecord_change", args=[record.pk])
    page = admin_client.get(edit)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(edit, {"refused_banquets": 9}).status_code == 403
    record.refresh_from_db()
    assert record.refused_banquets == 2
    integrity_record_correct(
        record=record, user=district.users["secretary1"], reason="数字录错", refused_banquets=3
    )
    assert LedgerCorrection.objects.filter(record_id=record.pk).count() == 1
    assert IntegrityRecord.objects.get(pk=record.pk).refused_banquets == 3


@pytest.mark.parametrize(
    "model",
    [
        "study_attendance",
        "study_makeup",
        "study_selfstudy",
        "study_writing",
        "study_review",
        "ledgers_surveyresponse",
        "ledgers_practiceactivity",
        "ledgers_integrityrecord",
        "supervision_applicationevent",
        "supervision_stagecorrection",
        "study_makeupcorrection",
        "study_attendancechange",
        "ledgers_ledgercorrection",
    ],
)
def test_no_ledger_or_history_record_can_be_added_in_the_admin(admin_client, model):
    app, name = model.split("_", 1)
    assert admin_client.get(reverse(f"admin:{app}_{name}_add")).status_code == 403

"""Correcting a ledger record keeps the correction: who, when, why, before and after —
also when the record is deleted, and never when nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ledgers.models import CorrectedLedger, CorrectionAction, IntegrityRecord, LedgerCorrection
from ledgers.services.corrections import (
    ledger_corrections,
    ledger_record_delete,
    ledger_record_update,
)
from ledgers.services.integrity import integrity_record_create

FIELDS = ["recorded_on", "refused_banquets", "refused_vouchers_value", "note"]


@pytest.fixture
def record(live_district):
    d = live_district
    return integrity_record_create(
        unit=d.school1,
        user=d.users["secretary1"],
        recorded_on=timezone.localdate() - datetime.timedelta(days=2),
        refused_banquets=300,
        refused_vouchers=2,
        refused_vouchers_value=Decimal("450.00"),
    )


def _update(record, user, reason="人次多录了一个0", **values):
    return ledger_record_update(
        record=record,
        ledger=CorrectedLedger.INTEGRITY,
        fields=FIELDS,
        values=values,
        user=user,
        reason=reason,
    )


def test_a_correction_changes_the_figure_and_keeps_before_and_after(live_district, record):
    user = live_district.users["secretary1"]
    saved, changes = _update(record, user, refused_banquets=30)
    assert IntegrityRecord.objects.get(pk=record.pk).refused_banquets == 30
    assert changes == {"拒吃请(人次)": ["300", "30"]}
    (correction,) = ledger_corrections(live_district.school1, CorrectedLedger.INTEGRITY)
    assert correction.action == CorrectionAction.CHANGED
    assert correction.changes == changes
    assert correction.reason == "人次多录了一个0"
    assert correction.changed_by == user


def test_decimals_compare_by_value_not_by_how_they_were_typed(live_district, record):
    _saved, changes = _update(
        record, live_district.users["secretary1"], refused_vouchers_value=Decimal("450")
    )
    assert changes == {}
    assert not LedgerCorrection.objects.exists()


def test_nothing_changed_writes_nothing_and_needs_no_reason(live_district, record):
    _saved, changes = _update(record, live_district.users["secretary1"], reason="", note="")
    assert changes == {}
    assert not LedgerCorrection.objects.exists()


def test_a_change_needs_a_reason_and_nothing_is_saved_without_one(live_district, record):
    with pytest.raises(ValidationError) as raised:
        _update(record, live_district.users["secretary1"], reason="  ", refused_banquets=30)
    assert "reason" in raised.value.message_dict
    assert IntegrityRecord.objects.get(pk=record.pk).refused_banquets == 300


def test_the_ledgers_own_rules_refuse_a_bad_value(live_district, record):
    def validate(locked):
        if locked.recorded_on > timezone.localdate():
            raise ValidationError({"recorded_on": "日期不能晚于今天。"})

    with pytest.raises(ValidationError):
        ledger_record_update(
            record=record,
            ledger=CorrectedLedger.INTEGRITY,
            fields=FIELDS,
            values={"recorded_on": timezone.localdate() + datetime.timedelta(days=1)},
            user=live_district.users["secretary1"],
            reason="日期",
            validate=validate,
        )
    assert not LedgerCorrection.objects.exists()


def test_only_the_named_fields_may_be_corrected(live_district, record):
    with pytest.raises(TypeError):
        _update(record, live_district.users["secretary1"], unit=live_district.school2)


def test_a_deleted_record_stays_readable_in_its_correction(live_district, record):
    user = live_district.users["secretary1"]
    correction = ledger_record_delete(
        record=record,
        ledger=CorrectedLedger.INTEGRITY,
        fields=FIELDS,
        user=user,
        reason="重复登记",
    )
    assert not IntegrityRecord.objects.filter(pk=record.pk).exists()
    assert correction.action == CorrectionAction.DELETED
    assert correction.changes["拒吃请(人次)"] == ["300", ""]
    assert correction.changes["购物券价值(元)"] == ["450", ""]
    # An empty note is not listed as something that was lost.
    assert "说明" not in correction.changes
    with pytest.raises(ValidationError):
        ledger_record_delete(
            record=record, ledger=CorrectedLedger.INTEGRITY, fields=FIELDS, user=user, reason="再删"
        )


def test_a_committee_sees_its_branches_corrections_and_a_sibling_does_not(live_district, record):
    d = live_district
    _update(record, d.users["secretary1"], refused_banquets=30)
    assert len(ledger_corrections(d.education, CorrectedLedger.INTEGRITY)) == 1
    assert ledger_corrections(d.school2, CorrectedLedger.INTEGRITY) == []


def test_correcting_a_record_deleted_meanwhile_says_so(live_district, record):
    IntegrityRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(ValidationError, match="这条记录已被删除"):
        _update(record, live_district.users["secretary1"], refused_banquets=30)

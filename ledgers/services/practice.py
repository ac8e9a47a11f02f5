"""Every write to the 二三五 practice ledgers: the office's settings (the plans' deadline,
last year's figures), the units' plans, and their activity log with its photos and scans,
including corrections of the log.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written, and writes inside one transaction.
"""

import datetime
import functools
import pathlib
import uuid
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.dates import day_text
from ledgers.models import (
    ActivityAttachment,
    CorrectedLedger,
    LedgerCorrection,
    PracticeActivity,
    PracticeBaseline,
    PracticePlan,
)
from ledgers.services.corrections import (
    Changes,
    clean_reason,
    ledger_record_delete,
    ledger_record_update,
)
from units.models import Unit, UnitKind

# The deadline is a date in Beijing time whatever the server's clock says: a plan filed
# at 23:59 on the due day is on time.
DEADLINE_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What a photo or a scan starts with, and the extensions each may carry. The content
# decides the type: a renamed .doc is refused even as "scan.pdf".
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff", {".jpg", ".jpeg"}, "JPG"),
    "image/png": (b"\x89PNG\r\n\x1a\n", {".png"}, "PNG"),
    "application/pdf": (b"%PDF-", {".pdf"}, "PDF"),
}
ALLOWED_EXTENSIONS = {ext for _sig, exts, _label in SIGNATURES.values() for ext in exts}

# What a keeper may correct; the unit and who recorded it stay.
ACTIVITY_FIELDS = [
    "held_on",
    "kind",
    "participants",
    "description",
    "households",
    "poor_households",
    "funds",
    "person_times",
    "deeds",
]


def _current_batch() -> Batch:
    batch = Batch.objects.current()
    if batch is None:
        raise ValidationError(_("尚未设置当前批次,请先由区委先进性教育办公室制定活动安排。"))
    return batch


# Office settings -----------------------------------------------------------------------


@transaction.atomic
def practice_deadline_set(*, batch: Batch, practice_plan_due: datetime.date | None) -> Batch:
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if practice_plan_due is not None and not (
        batch.starts_on <= practice_plan_due <= batch.ends_on
    ):
        raise ValidationError(
            {
                "practice_plan_due": _("截止日期应在本批次活动期间(%(start)s至%(end)s)内。")
                % {"start": day_text(batch.starts_on), "end": day_text(batch.ends_on)}
            }
        )
    batch.practice_plan_due = practice_plan_due
    batch.full_clean()
    batch.save(update_fields=["practice_plan_due"])
    return batch


@transaction.atomic
def practice_baseline_set(
    *,
    batch: Batch,
    year: int,
    households: int,
    funds: Decimal,
    person_times: int,
    deeds: int,
) -> PracticeBaseline:
    """Enter or correct last year's district figures (one set per batch)."""
    if year >= batch.starts_on.year:
        raise ValidationError(
            {
                "year": _("上年年份应早于本批次开始的年份(%(year)d年)。")
                % {"year": batch.starts_on.year}
            }
        )
    if funds < 0:
        raise ValidationError({"funds": _("投入资金不能是负数。")})
    baseline, _created = PracticeBaseline.objects.select_for_update().get_or_create(
        batch=batch, defaults={"year": year}
    )
    baseline.year = year
    baseline.households = households
    baseline.funds = funds
    baseline.person_times = person_times
    baseline.deeds = deeds
    baseline.full_clean()
    baseline.save()
    return baseline


# Plans ---------------------------------------------------------------------------------


def plan_is_late(*, due: datetime.date | None, submitted_at: datetime.datetime) -> bool:
    """Late when filed after the end of the due day in Beijing time."""
    if due is None:
        return False
    end_of_due_day = datetime.datetime.combine(
        due + datetime.timedelta(days=1), datetime.time.min, tzinfo=DEADLINE_ZONE
    )
    return submitted_at >= end_of_due_day


def practice_plan_file(
    *,
    unit: Unit,
    content: str,
    user: AbstractBaseUser,
    now: datetime.datetime | None = None,
) -> PracticePlan:
    """File the unit's 二三五 plan for the current batch; once filed it stands."""
    batch = _current_batch()
    if unit.kind == UnitKind.DISTRICT:
        raise ValidationError(_("计划由区委以下各级党组织报送,区委不需要报送。"))
    content = content.strip()
    if not content:
        raise ValidationError({"content": _("请填写计划内容。")})
    now = now or timezone.now()
    plan = PracticePlan(
        batch=batch,
        unit=unit,
        content=content,
        submitted_by=user,
        submitted_at=now,
        is_late=plan_is_late(due=batch.practice_plan_due, submitted_at=now),
    )
    plan.full_clean(validate_constraints=False)
    already = ValidationError(_("本单位已经报送过计划,不能重复报送。"))
    if PracticePlan.objects.filter(batch=batch, unit=unit).exists():
        raise already
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:
        raise already from error
    return plan


# Activities ----------------------------------------------------------------------------


def attachment_type(upload: UploadedFile) -> str:
    """The content type of an upload judged by its first bytes, or ValidationError with a
    message naming the file."""
    name = upload.name
    extension = pathlib.PurePath(name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s”不能上传:只能上传照片(JPG、PNG)或扫描件(PDF)。") % {"name": name}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s”有%(size)sMB,超过了每个文件5MB的上限,请压缩后再上传。")
            % {"name": name, "size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for content_type, (signature, extensions, label) in SIGNATURES.items():
        if extension in extensions:
            if head.startswith(signature):
                return content_type
            raise ValidationError(
                _(
                    "“%(name)s”的内容不是%(label)s文件(可能只是改了扩展名),请上传原始的照片或扫描件。"
                )
                % {"name": name, "label": label}
            )
    raise AssertionError("every allowed extension has a signature")


def _check_attachments(files: list[UploadedFile], *, kept: int = 0) -> list[str]:
    """The content types of `files`, once they and the `kept` attachments fit the limit."""
    if kept + len(files) > MAX_ATTACHMENTS:
        if kept:
            message = _(
                "每条活动最多%(max)d个附件:原有附件保留%(kept)d个,这次又选了%(count)d个。"
                "请少选几个,或勾选删除原有的附件。"
            ) % {"max": MAX_ATTACHMENTS, "kept": kept, "count": len(files)}
        else:
            message = _("每条活动最多%(max)d个附件,这次选了%(count)d个。") % {
                "max": MAX_ATTACHMENTS,
                "count": len(files),
            }
        raise ValidationError({"files": message})
    types, errors = [], []
    for upload in files:
        try:
            types.append(attachment_type(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})
    return types


def _attachment_save(
    *,
    activity: PracticeActivity,
    upload: UploadedFile,
    content_type: str,
    user: AbstractBaseUser,
) -> ActivityAttachment:
    extension = pathlib.PurePath(upload.name).suffix.lower()
    attachment = ActivityAttachment(
        activity=activity,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    # The stored name is ours: what a phone calls a photo is no concern of the disk.
    attachment.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def _attachment_delete(attachment: ActivityAttachment) -> None:
    """Delete the row now and the file only once that is committed: a rolled-back
    correction must not leave an attachment whose file is gone."""
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(functools.partial(storage.delete, name))


def _attachment_names(attachments: Iterable[ActivityAttachment]) -> str:
    return "、".join(attachment.original_name for attachment in attachments)


def practice_activity_check(activity: PracticeActivity) -> None:
    """The activity log's rules, the same when an activity is logged and when it is
    corrected: held inside the current batch and not in the future, 贫困户 among the
    households visited, no negative funds."""
    batch = _current_batch()
    errors = {}
    if activity.held_on > timezone.localdate():
        errors["held_on"] = _("活动日期不能晚于今天。")
    elif not batch.starts_on <= activity.held_on <= batch.ends_on:
        errors["held_on"] = _("活动日期应在本批次活动期间(%(start)s至%(end)s)内。") % {
            "start": day_text(batch.starts_on),
            "end": day_text(batch.ends_on),
        }
    if activity.poor_households > activity.households:
        errors["poor_households"] = _(
            "其中贫困户(%(poor)d户)不能多于帮扶走访的困难群众(%(all)d户)。"
        ) % {"poor": activity.poor_households, "all": activity.households}
    if activity.funds < 0:
        errors["funds"] = _("投入资金不能是负数。")
    if errors:
        raise ValidationError(errors)


def practice_activity_record(
    *,
    unit: Unit,
    user: AbstractBaseUser,
    held_on: datetime.date,
    kind: str,
    participants: str,
    description: str,
    households: int = 0,
    poor_households: int = 0,
    funds: Decimal = Decimal("0"),
    person_times: int = 0,
    deeds: int = 0,
    files: Iterable[UploadedFile] = (),
) -> PracticeActivity:
    """Log one activity of `unit` with its photos or scans."""
    activity = PracticeActivity(
        unit=unit,
        held_on=held_on,
        kind=kind,
        participants=participants.strip(),
        description=description.strip(),
        households=households,
        poor_households=poor_households,
        funds=funds,
        person_times=person_times,
        deeds=deeds,
        recorded_by=user,
    )
    practice_activity_check(activity)
    files = list(files)
    types = _check_attachments(files)
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        for upload, content_type in zip(files, types, strict=True):
            _attachment_save(activity=activity, upload=upload, content_type=content_type, user=user)
    return activity


def practice_activity_correct(
    *,
    activity: PracticeActivity,
    user: AbstractBaseUser,
    reason: str | None,
    files: Iterable[UploadedFile] = (),
    remove: Iterable[ActivityAttachment] = (),
    **values: Any,
) -> tuple[PracticeActivity, Changes]:
    """Correct what an activity says, remove some of its attachments (`remove`) and add
    `files`. Returns (activity, {label: [before, after]}), empty when nothing changed;
    the attachments' change is part of the same correction."""
    for name in ("participants", "description"):
        if name in values:
            values[name] = values[name].strip()
    files = list(files)
    remove_ids = {attachment.pk for attachment in remove}
    if remove_ids or files:
        # Before any file is written: a refusal must not leave new files behind.
        reason = clean_reason(reason)

    def change_attachments(locked: PracticeActivity) -> Changes:
        attachments = list(locked.attachments.all())
        removed = [attachment for attachment in attachments if attachment.pk in remove_ids]
        types = _check_attachments(files, kept=len(attachments) - len(removed))
        for attachment in removed:
            _attachment_delete(attachment)
        for upload, content_type in zip(files, types, strict=True):
            _attachment_save(activity=locked, upload=upload, content_type=content_type, user=user)
        return {
            _("附件"): [
                _attachment_names(attachments),
                _attachment_names(locked.attachments.all()),
            ]
        }

    return ledger_record_update(
        record=activity,
        ledger=CorrectedLedger.ACTIVITY,
        fields=ACTIVITY_FIELDS,
        values=values,
        user=user,
        reason=reason,
        validate=practice_activity_check,
        extra=change_attachments,
    )


def practice_activity_delete(
    *, activity: PracticeActivity, user: AbstractBaseUser, reason: str | None
) -> LedgerCorrection:
    """Delete an activity and its attachments, keeping what it said and which files it had."""

    def delete_attachments(locked: PracticeActivity) -> Changes:
        attachments = list(locked.attachments.all())
        for attachment in attachments:
            _attachment_delete(attachment)
        return {_("附件"): [_attachment_names(attachments), ""]}

    return ledger_record_delete(
        record=activity,
        ledger=CorrectedLedger.ACTIVITY,
        fields=ACTIVITY_FIELDS,
        user=user,
        reason=reason,
        before_delete=delete_attachments,
    )

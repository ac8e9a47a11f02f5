"""Writes of 学习笔记 and 心得体会: submitted online or logged from a paper copy, reviewed
(批改), and drawn for a supervision group's spot check (抽查).

"读书笔记和心得体会文章完成后由党委(党组)、工委负责人或支部书记批改,最后由督导组进行审查
或抽查". A writing counts toward its author's figures as soon as it is in, so submitting or
logging one brings their stored progress (`MemberProgress`) up to date in the same
transaction. A review changes no member's figures, only whether the branch is behind on its
reviews (its `UnitProgress`); a spot check changes none.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written.
"""

import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from study.models import Review, SpotCheck, Writing
from study.services.progress import progress_refresh, unit_progress_refresh
from units.models import Member, Unit

# Notes, essays and their review --------------------------------------------------------


def count_characters(text: str) -> int:
    """字数 the way an office counts it: every character that is not white space."""
    return sum(1 for char in text if not char.isspace())


def writing_submit(
    *, member: Member, kind: str, title: str, text: str, user: AbstractBaseUser
) -> Writing:
    """A note or essay written online; its character count comes from the text."""
    if not (text or "").strip():
        raise ValidationError({"text": _("正文不能为空。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写题目。")})
    with transaction.atomic():
        writing = Writing.objects.create(
            member=member,
            kind=kind,
            title=title.strip(),
            text=text,
            is_paper=False,
            characters=count_characters(text),
            submitted_by=user,
        )
        progress_refresh(member_ids=[member.pk])
    return writing


def writing_log_paper(
    *, member: Member, kind: str, title: str, characters: int, user: AbstractBaseUser
) -> Writing:
    """A paper copy handed to the secretary, logged with its character count."""
    if not characters or characters <= 0:
        raise ValidationError({"characters": _("请填写纸质稿的字数。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写题目。")})
    with transaction.atomic():
        writing = Writing.objects.create(
            member=member,
            kind=kind,
            title=title.strip(),
            is_paper=True,
            characters=characters,
            submitted_by=user,
        )
        progress_refresh(member_ids=[member.pk])
    return writing


def writing_review(
    *,
    writing: Writing,
    reviewer: AbstractBaseUser,
    comment: str,
    grade: str,
    reviewed_on: datetime.date | None = None,
) -> Review:
    if writing.member.user_id == reviewer.pk:
        raise ValidationError(_("不能批改自己的笔记或心得,请由党委(党组)、工委负责人批改。"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写批语。")})
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": _("批改日期不能晚于今天。")})
    if reviewed_on < timezone.localdate(writing.submitted_at):
        raise ValidationError({"reviewed_on": _("批改日期不能早于提交日期。")})
    with transaction.atomic():
        review = Review.objects.create(
            writing=writing,
            reviewer=reviewer,
            comment=comment.strip(),
            grade=grade,
            reviewed_on=reviewed_on,
        )
        # The branch may no longer be behind on its reviews.
        unit_progress_refresh(unit_ids=[writing.member.unit_id])
    return review


SPOT_CHECK_SIZE = 5


def spot_check_draw(
    *, unit: Unit, user: AbstractBaseUser, size: int = SPOT_CHECK_SIZE
) -> SpotCheck:
    """Draw a random sample of the writings under a unit for the supervisor to check."""
    pool = Writing.objects.filter(member__unit__path__startswith=unit.path)
    sample = list(pool.order_by("?").values_list("pk", flat=True)[:size])
    if not sample:
        raise ValidationError(_("这个党组织还没有可抽查的学习笔记或心得体会。"))
    with transaction.atomic():
        check = SpotCheck.objects.create(unit=unit, drawn_by=user)
        check.writings.set(sample)
    return check


def spot_check_record(*, spot_check: SpotCheck, result: str, user: AbstractBaseUser) -> SpotCheck:
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写抽查结果。")})
    if spot_check.recorded_at is not None:
        raise ValidationError(_("这次抽查的结果已经登记,不能修改。"))
    spot_check.result = result.strip()
    spot_check.recorded_at = timezone.now()
    spot_check.recorded_by = user
    spot_check.save(update_fields=["result", "recorded_at", "recorded_by"])
    return spot_check

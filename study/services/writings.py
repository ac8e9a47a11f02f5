"""Writes of 学习笔记 and 心得体会: submitted online or logged from a paper copy, reviewed
(批改), and drawn for a supervision group's spot check (抽查).

"读书笔记和心得体会文章完成后由党委(党组)、工委负责人或支部书记批改,最后由督导组进行审查
或抽查". A writing counts toward its author's figures as soon as it is in, so submitting or
logging one brings their stored progress (`MemberProgress`) up to date in the same
transaction. A review changes no member's figures, only whether the branch is behind on its
weekly review (study.sums); a spot check changes none. An essay submitted online is measured
for 疑似重复 (text repeating itself, or found in another member's essay) for its reviewer.

Each function checks its rules and raises `ValidationError` (keyed by form field where one
is at fault) before anything is written.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from study.models import Review, SpotCheck, Writing, WritingKind
from study.models.writings import EssayFingerprint
from study.services.progress import progress_refresh, unit_progress_refresh
from units.models import Member, Unit

# Notes, essays and their review --------------------------------------------------------


def count_characters(text: str) -> int:
    """字数 the way an office counts it: every character that is not white space."""
    return sum(1 for char in text if not char.isspace())


def writing_submit(
    *, member: Member, kind: str, title: str, text: str, user: AbstractBaseUser
) -> Writing:
    """A note or essay written online; its character count comes from the text. An essay
    is measured for 疑似重复 on the way in (`essay_repetition`): the reviewer is told, the
    member is not stopped."""
    if not (text or "").strip():
        raise ValidationError({"text": _("正文不能为空。")})
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写题目。")})
    with transaction.atomic():
        repetition = (
            essay_repetition(text=text, member=member) if kind == WritingKind.ESSAY else None
        )
        writing = Writing.objects.create(
            member=member,
            kind=kind,
            title=title.strip(),
            text=text,
            is_paper=False,
            characters=count_characters(text),
            submitted_by=user,
            **(repetition.figures() if repetition else {}),
        )
        if repetition:
            EssayFingerprint.objects.bulk_create(
                EssayFingerprint(writing=writing, hash=value) for value in repetition.fingerprints
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
    writing = Writing(
        member=member,
        kind=kind,
        title=title.strip(),
        is_paper=True,
        characters=characters,
        submitted_by=user,
    )
    # A count past what the column holds is refused here, not by the database (a 500).
    writing.full_clean()
    with transaction.atomic():
        writing.save()
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


# 疑似重复 ----------------------------------------------------------------------------------

# Stretches of this many characters, punctuation and spaces left out, are compared: long
# enough that two honest essays rarely share one by chance, short enough that a copy with
# a few words changed still shares most of them.
SHINGLE_LENGTH = 8

# One stretch in this many is kept as a fingerprint to compare with later essays: the
# same ones in any text (those whose hash is a multiple), so that what two essays share
# is estimated from an eighth of the rows.
FINGERPRINT_SAMPLE = 8


def _shingles(text: str) -> list[str]:
    """Every stretch of SHINGLE_LENGTH characters of the text with white space and
    punctuation removed: a paragraph reflowed or repunctuated reads the same."""
    flat = "".join(char for char in text.casefold() if char.isalnum())
    return [flat[i : i + SHINGLE_LENGTH] for i in range(len(flat) - SHINGLE_LENGTH + 1)]


def _fingerprint(shingle: str) -> int:
    # Stable across processes and machines, unlike hash(); fits a signed 64-bit column.
    digest = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _percent(part: int, whole: int) -> int:
    return (part * 100 + whole // 2) // whole if whole else 0


@dataclass(frozen=True)
class Repetition:
    """What an essay repeats: of itself (the share of its stretches that are a repeat of
    an earlier one), and of other members' essays (the share of its fingerprints found in
    theirs, and the essay sharing most)."""

    repeated_percent: int
    shared_percent: int
    shared_with_id: int | None
    fingerprints: frozenset[int]

    def figures(self) -> dict:
        return {
            "repeated_percent": self.repeated_percent,
            "shared_percent": self.shared_percent,
            "shared_with_id": self.shared_with_id,
        }


def essay_repetition(*, text: str, member: Member) -> Repetition:
    """疑似重复: "坚决克服厌学、浅学、不学、假学等不良现象" — a paragraph pasted twenty times
    makes 3000字, and so does a colleague's essay. Two queries, over the index of the
    fingerprints of every earlier online essay, whatever their number."""
    shingles = _shingles(text)
    fingerprints = frozenset(
        value for value in map(_fingerprint, set(shingles)) if value % FINGERPRINT_SAMPLE == 0
    )
    shared, closest = 0, None
    if fingerprints:
        others = EssayFingerprint.objects.filter(hash__in=fingerprints).exclude(
            writing__member=member
        )
        shared = others.values("hash").distinct().count()
        if shared:
            closest = (
                others.values("writing_id")
                .annotate(found=Count("pk"))
                .order_by("-found", "writing_id")
                .values_list("writing_id", flat=True)
                .first()
            )
    return Repetition(
        repeated_percent=_percent(len(shingles) - len(set(shingles)), len(shingles)),
        shared_percent=_percent(shared, len(fingerprints)),
        shared_with_id=closest,
        fingerprints=fingerprints,
    )


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

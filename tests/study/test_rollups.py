"""What the dashboards add up is stored per unit (UnitTally, UnitProgress, ReadingCoverage)
and per subtree (SubtreeTally, SubtreeProgress, SubtreeCoverage), kept in the same
transaction as the writes. After any mix of the writes users make — the office's edits
of the unit tree included — the stored sums equal a recount from scratch
(`rollups_rebuild --check`), and the pages show the same figures a count over the
members gives."""

import contextlib
import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.utils import timezone

from campaign.models import Reading
from ledgers.models import (
    ActivityKind,
    PracticeActivity,
    PracticePlan,
    RectificationCategory,
    RectificationItem,
    RectificationSource,
    RectificationStatus,
)
from ledgers.selectors.practice import activities_in, plan_status_counts, plan_status_totals
from ledgers.selectors.rectification import OPEN_STATUSES, overdue_q
from ledgers.services.practice import practice_plan_file
from ledgers.services.rectification import rectification_item_create
from reports.selectors.dashboard import practice_totals, rectification_counts, unit_area
from study.models import (
    REVIEW_OVERDUE_DAYS,
    AttendanceStatus,
    ContactMethod,
    Grade,
    MakeUp,
    Review,
    StudySession,
    UnitProgress,
    Writing,
    WritingKind,
)
from study.selectors.absences import mobile_members_out_of_contact, out_of_contact_count
from study.selectors.progress import Figures, member_aggregates, unit_rollup
from study.selectors.writings import (
    branches_with_review_backlog,
    units_with_review_backlog,
    unreviewed_writings,
)
from study.services.absences import contact_log, makeup_complete, self_study_log
from study.services.progress import unit_progress_refresh
from study.services.sessions import roster_save, session_update
from study.services.writings import writing_review, writing_submit
from tests.factories import MemberFactory, UnitFactory, make_session
from units.models import BRANCH_KINDS, Member, MemberCategory, Unit, UnitKind, UnitTally
from units.selectors import branches_per_stage, member_breakdown, unit_children


def _check():
    out = io.StringIO()
    call_command("rollups_rebuild", "--check", stdout=out)
    return out.getvalue()


def _branches(d):
    return [d.school1, d.school2, d.ward, d.street, d.hospital]


def _readings(d):
    readings = list(Reading.objects.filter(batch=d.batch))
    if len(readings) < 3:
        for number in range(len(readings), 3):
            readings.append(
                Reading.objects.create(batch=d.batch, title=f"必读篇目{number}", number=number + 1)
            )
    return readings


def _writing_submitted(rng, members, user):
    writing = writing_submit(
        member=rng.choice(members),
        kind=rng.choice(WritingKind.values),
        title="学习心得",
        text="学" * rng.choice([800, 3200]),
        user=user,
    )
    # Writings that came in days ago, reviewed (or not) since: no page backdates one, so
    # the unit's stored sums are brought up to date by hand, as the tests do.
    if rng.random() < 0.6:
        Writing.objects.filter(pk=writing.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 20))
        )
        unit_progress_refresh(unit_ids=[writing.member.unit_id])


def _writing_reviewed(rng, reviewer):
    writing = rng.choice(list(unreviewed_writings().order_by("pk")))
    # Reviewed on any day since it came in: the branch's week runs from its last review.
    submitted = timezone.localdate(writing.submitted_at)
    days_later = rng.randint(0, (timezone.localdate() - submitted).days)
    writing_review(
        writing=writing,
        reviewer=reviewer,
        comment="认真",
        grade=Grade.GOOD,
        reviewed_on=submitted + datetime.timedelta(days=days_later),
    )


def _random_write(rng, d, readings):  # noqa: C901 — one branch per kind of write
    branches = _branches(d)
    members = list(Member.objects.order_by("pk"))
    added = list(Unit.objects.filter(name__startswith="新党支部").order_by("pk"))
    secretary = d.users["secretary1"]
    today = timezone.localdate()
    kind = rng.choice(
        [
            "add",
            "flags",
            "move",
            "delete",
            "session",
            "readings",
            "drop_session",
            "self_study",
            "writing",
            "makeup",
            "new_unit",
            "move_unit",
            "drop_unit",
            "unit_kind",
            "problem",
            "problem_change",
            "activity",
            "activity_change",
            "review",
            "contact",
            "mobile",
            "stage",
            "plan",
            "plan_drop",
        ]
    )
    if kind == "add" or not members:
        MemberFactory(
            unit=rng.choice(branches),
            is_leading_cadre=rng.random() < 0.3,
            can_write=rng.random() < 0.8,
            is_mobile=rng.random() < 0.2,
            category=rng.choice(MemberCategory.values),
        )
    elif kind == "flags":
        member = rng.choice(members)
        member.is_leading_cadre = not member.is_leading_cadre
        member.can_write = rng.random() < 0.7
        member.is_infirm = not member.is_infirm
        member.save()
    elif kind == "move":
        member = rng.choice(members)
        member.unit = rng.choice(branches)
        member.save()
    elif kind == "delete":
        # A member with a ledger of their own stays (the ledger keeps them).
        with contextlib.suppress(ProtectedError):
            rng.choice(members).delete()
    elif kind == "session":
        unit = rng.choice(branches)
        session = make_session(
            unit,
            secretary,
            starts_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 5)),
            hours=rng.choice(["1.5", "2", "3"]),
            readings=rng.sample(readings, rng.randint(0, 2)),
        )
        statuses = list(AttendanceStatus.values)
        roster_save(
            session=session,
            entries=[(m.pk, rng.choice(statuses)) for m in unit.members.all()],
            user=secretary,
        )
    elif kind == "readings":
        sessions = list(StudySession.objects.order_by("pk"))
        if sessions:
            session = rng.choice(sessions)
            session_update(
                session=session, user=secretary, readings=rng.sample(readings, rng.randint(0, 3))
            )
    elif kind == "drop_session":
        sessions = list(StudySession.objects.order_by("pk"))
        if sessions:
            session = rng.choice(sessions)
            with contextlib.suppress(ProtectedError):
                session.delete()
    elif kind == "self_study":
        self_study_log(
            member=rng.choice(members),
            studied_on=today,
            hours=Decimal(rng.choice(["1", "2.5", "4"])),
            material="《江泽民文选》",
            user=secretary,
            readings=rng.sample(readings, 1),
        )
    elif kind == "writing":
        _writing_submitted(rng, members, secretary)
    elif kind == "new_unit":
        parent = rng.choice([d.education, d.town, d.root])
        UnitFactory(name=f"新党支部{rng.randint(1, 10**6)}", parent=parent, kind=UnitKind.BRANCH)
    elif kind == "move_unit":
        unit = rng.choice(list(Unit.objects.filter(kind__in=BRANCH_KINDS).order_by("pk")))
        unit.parent = rng.choice([d.education, d.town, d.root])
        unit.save()
    elif kind == "drop_unit" and added:
        # Only a unit with no members, units or ledger below it can go.
        with contextlib.suppress(ProtectedError):
            rng.choice(added).delete()
    elif kind == "unit_kind":
        # A branch of the fixture keeps members, sessions and writings: all follow its kind.
        unit = rng.choice([*added, *branches])
        unit.kind = UnitKind.GENERAL_BRANCH if unit.kind == UnitKind.BRANCH else UnitKind.BRANCH
        unit.save()
    elif kind == "problem":
        rectification_item_create(
            unit=rng.choice(branches),
            user=secretary,
            problem="学习制度落实不够",
            source=RectificationSource.SELF_CHECK,
            category=RectificationCategory.CONDUCT,
            deadline=rng.choice([None, today - datetime.timedelta(days=3), today]),
        )
    elif kind == "problem_change" and RectificationItem.objects.exists():
        # As the admin or a shell would: the stored sums follow any save or delete.
        item = rng.choice(list(RectificationItem.objects.order_by("pk")))
        action = rng.choice(["status", "deadline", "unit", "delete"])
        if action == "delete":
            item.delete()
            return
        if action == "status":
            item.status = rng.choice(RectificationStatus.values)
        elif action == "deadline":
            item.deadline = rng.choice([None, today - datetime.timedelta(days=10), today])
        else:
            item.unit = rng.choice(branches)
        item.save()
    elif kind == "activity":
        PracticeActivity.objects.create(
            unit=rng.choice(branches),
            held_on=d.batch.starts_on + datetime.timedelta(days=rng.randint(-5, 20)),
            kind=ActivityKind.AMONG_PEOPLE,
            participants="全体党员",
            description="走访困难群众",
            households=rng.randint(0, 5),
            funds=Decimal(rng.choice(["0", "0.35", "1.2"])),
            person_times=rng.randint(0, 30),
            deeds=rng.randint(0, 3),
            recorded_by=secretary,
        )
    elif kind == "activity_change" and PracticeActivity.objects.exists():
        activity = rng.choice(list(PracticeActivity.objects.order_by("pk")))
        if rng.random() < 0.3:
            activity.delete()
            return
        activity.unit = rng.choice(branches)
        activity.held_on = activity.held_on + datetime.timedelta(days=rng.randint(-3, 3))
        activity.households += 1
        activity.save()
    elif kind == "review" and unreviewed_writings().exists():
        _writing_reviewed(rng, d.users["office"])
    elif kind == "contact" and Member.objects.filter(is_mobile=True).exists():
        contact_log(
            member=rng.choice(list(Member.objects.filter(is_mobile=True).order_by("pk"))),
            contacted_on=today - datetime.timedelta(days=rng.randint(0, 60)),
            method=ContactMethod.PHONE,
            user=secretary,
        )
    elif kind == "mobile":
        member = rng.choice(members)
        member.is_mobile = not member.is_mobile
        member.save()
    elif kind == "stage":
        # A 转段 approved, or the office putting a stage right: the unit's save either way.
        unit = rng.choice([*added, *branches, d.education, d.town])
        unit.stage = rng.choice([*d.stages, None])
        unit.save()
    elif kind == "plan":
        unit = rng.choice([*added, *branches, d.education, d.town])
        with contextlib.suppress(ValidationError):
            practice_plan_file(
                unit=unit,
                content="走访困难群众",
                user=secretary,
                now=timezone.now() + datetime.timedelta(days=rng.choice([-30, 30])),
            )
    elif kind == "plan_drop" and PracticePlan.objects.exists():
        # As the admin would.
        rng.choice(list(PracticePlan.objects.order_by("pk"))).delete()
    elif kind == "makeup":
        owed = list(MakeUp.objects.filter(done_on__isnull=True).order_by("pk"))
        if owed:
            makeup_complete(
                makeup=rng.choice(owed), done_on=today, method="session", user=secretary
            )


def _behind_on_review(unit, today):
    """The branches under `unit` behind on their weekly review on `today`, counted from the
    writings and reviews themselves: writings waiting, and the last review (or, none
    ever, the oldest waiting writing) more than a week before."""
    behind = set()
    for branch in Unit.objects.subtree_of(unit).filter(kind=UnitKind.BRANCH):
        writings = Writing.objects.filter(member__unit=branch)
        waiting = unreviewed_writings().filter(member__unit=branch)
        if not waiting.exists():
            continue
        last = Review.objects.filter(writing__in=writings).order_by("-reviewed_on").first()
        since = (
            last.reviewed_on
            if last
            else timezone.localdate(waiting.order_by("submitted_at").first().submitted_at)
        )
        if (today - since).days > REVIEW_OVERDUE_DAYS:
            behind.add(branch.pk)
    return behind


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_stored_sums_equal_a_recount_after_random_writes(live_district, seed):
    d = live_district
    rng = random.Random(seed)
    readings = _readings(d)
    for _ in range(60):
        _random_write(rng, d, readings)
    assert "一致" in _check()

    # And the pages read the same figures as a count over the members themselves.
    counted = Figures.from_row(Member.objects.aggregate(**member_aggregates()))
    shown = unit_rollup(d.root, d.batch).figures
    for name in ("members", "complete", "no_participation", "makeups_owed", "total_hours"):
        assert getattr(shown, name) == getattr(counted, name), name
    assert member_breakdown(d.root)["total"] == Member.objects.count()
    # The dashboards' 边学边改 and 二三五 figures, as counted over the ledgers themselves.
    for unit in (d.root, d.education, d.town):
        area = unit_area(unit)
        items = RectificationItem.objects.filter(unit__path__startswith=unit.path)
        assert rectification_counts(area) == (
            items.filter(status__in=OPEN_STATUSES).count(),
            items.filter(overdue_q()).count(),
        ), unit.name
        # The office's home: branches per stage, and the 二三五 plans still owed.
        branches_counted = {}
        for branch in Unit.objects.subtree_of(unit).branches().select_related("stage"):
            key = branch.stage.number if branch.stage else None
            branches_counted[key] = branches_counted.get(key, 0) + 1
        stored = {row["stage__number"]: row["count"] for row in branches_per_stage(unit)}
        assert stored == branches_counted, unit.name
        assert plan_status_totals(Unit.objects.filter(pk=unit.pk), batch=d.batch) == (
            plan_status_counts(Unit.objects.subtree_of(unit), batch=d.batch)
        ), unit.name
        practice = practice_totals(area, d.batch)
        activities = activities_in(d.batch).filter(unit__path__startswith=unit.path)
        assert practice.activities == activities.count(), unit.name
        assert practice.households == sum(a.households for a in activities), unit.name
        assert practice.funds == sum((a.funds for a in activities), Decimal(0)), unit.name
    # Counts that depend on the day asked, asked on days to come as well.
    for days in (0, 3, 8, 40):
        later = timezone.localdate() + datetime.timedelta(days=days)
        for unit in (d.root, d.education, d.town):
            assert out_of_contact_count([unit], later) == (
                mobile_members_out_of_contact(Member.objects.under(unit), later).count()
            ), (unit.name, days)
            behind = _behind_on_review(unit, later)
            assert branches_with_review_backlog(unit, later) == len(behind), (unit.name, days)
            assert (
                set(
                    units_with_review_backlog(
                        Unit.objects.subtree_of(unit).filter(kind=UnitKind.BRANCH), later
                    )
                    .filter(review_overdue=True)
                    .values_list("pk", flat=True)
                )
                == behind
            ), (unit.name, days)
    direct = Member.objects.filter(unit=d.root).count()
    children = unit_children(d.root)
    assert sum(c.member_total for c in children) + direct == Member.objects.count()
    for child in children:
        assert child.member_total == Member.objects.under(child).count(), child.name
        assert child.branch_total == Unit.objects.subtree_of(child).filter(kind="branch").count()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_review_backlog_equals_a_count_of_the_ledger_after_writings_and_reviews(
    live_district, seed
):
    """Writings coming in and reviewed days apart, members moving between branches with
    theirs: on every day asked, the branches behind on review are those a count of the
    writings and reviews themselves finds."""
    d = live_district
    rng = random.Random(seed)
    branches = _branches(d)
    for _ in range(40):
        members = list(Member.objects.order_by("pk"))
        kind = rng.choice(["writing", "writing", "review", "move"])
        if kind == "review" and unreviewed_writings().exists():
            _writing_reviewed(rng, d.users["office"])
        elif kind == "move":
            member = rng.choice(members)
            member.unit = rng.choice(branches)
            member.save()
        else:
            _writing_submitted(rng, members, d.users["secretary1"])
    assert "一致" in _check()
    flagged = 0
    for days in (0, 3, 7, 8, 15, 40):
        later = timezone.localdate() + datetime.timedelta(days=days)
        for unit in (d.root, d.education, d.town, *branches):
            behind = _behind_on_review(unit, later)
            assert branches_with_review_backlog(unit, later) == len(behind), (unit.name, days)
            flagged += len(behind)
    assert flagged


def test_a_wrong_stored_sum_is_found_and_put_right(live_district):
    d = live_district
    MemberFactory(unit=d.school2)
    UnitProgress.objects.filter(unit=d.school2).update(members=99)
    UnitTally.objects.filter(unit=d.school1).delete()

    with pytest.raises(CommandError, match="2 条"):
        _check()
    # --check wrote nothing.
    assert UnitProgress.objects.get(unit=d.school2).members == 99

    out = io.StringIO()
    call_command("rollups_rebuild", stdout=out)
    assert "更正 2 条" in out.getvalue()
    assert UnitProgress.objects.get(unit=d.school2).members == 2
    assert UnitTally.objects.get(unit=d.school1).members == 3
    assert "一致" in _check()


def test_moving_a_member_moves_them_between_the_units_sums(district):
    d = district
    member = d.school1.members.get(name="王强")
    member.unit = d.street
    member.save()

    assert UnitTally.objects.get(unit=d.school1).members == 2
    assert UnitTally.objects.get(unit=d.street).members == 2
    assert UnitProgress.objects.get(unit=d.school1).members == 2
    assert UnitProgress.objects.get(unit=d.street).members == 2
    assert member_breakdown(d.education)["mobile"] == 0
    assert member_breakdown(d.town)["mobile"] == 1


def test_contacting_a_mobile_member_takes_them_off_the_out_of_contact_count(district):
    d = district
    today = timezone.localdate()
    assert out_of_contact_count([d.root]) == 1  # 王强, never contacted
    log = contact_log(
        member=d.school1.members.get(name="王强"),
        contacted_on=today,
        method=ContactMethod.HOME_VISIT,
        user=d.users["secretary1"],
    )
    assert out_of_contact_count([d.root]) == 0
    assert out_of_contact_count([d.education], today + datetime.timedelta(days=31)) == 1
    log.delete()
    assert out_of_contact_count([d.root]) == 1


def test_a_branch_falls_behind_on_review_a_week_after_its_oldest_writing(district):
    d = district
    today = timezone.localdate()
    writing = writing_submit(
        member=d.school1.members.first(),
        kind=WritingKind.NOTE,
        title="学习笔记",
        text="学" * 500,
        user=d.users["secretary1"],
    )
    assert branches_with_review_backlog(d.root, today + datetime.timedelta(days=7)) == 0
    assert branches_with_review_backlog(d.root, today + datetime.timedelta(days=8)) == 1
    writing_review(writing=writing, reviewer=d.users["office"], comment="好", grade=Grade.GOOD)
    assert branches_with_review_backlog(d.root, today + datetime.timedelta(days=8)) == 0

"""The figures of a 简报: `briefing_collect` gathers what the briefing of one scope (the
district, a unit's subtree or a supervision group's units) reports for its period, and
hands them to reports.briefing_document to be written as sentences and drawn as charts.
The job that makes the PDF (reports.services.briefings) lays them out and renders them.

A scope is a list of subtrees ("tops"): the one unit, or the units a group is assigned.

Query budget: every figure is one aggregate over the rows under any of them, so a
briefing costs a fixed number of queries whatever the size of the district, and a group's
the same as the district's.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Batch
from common.dates import day_text
from ledgers.models import (
    IntegrityRecord,
    LeaderLecture,
    LectureKind,
    PracticeBaseline,
    PublicityCheck,
    PublicityItem,
    RectificationItem,
    RectificationStatus,
)
from ledgers.selectors.integrity import integrity_sentence
from ledgers.selectors.lectures import in_batch
from ledgers.selectors.practice import (
    COMPARED,
    FUNDS_FIELD,
    ZERO,
    LastYear,
    PracticeSummary,
    activities_in,
    practice_sentences,
)
from ledgers.selectors.rectification import OPEN_STATUSES, overdue_q
from reports.briefing_document import briefing_charts, briefing_sections
from reports.models import Briefing
from study.selectors.absences import out_of_contact_count
from study.selectors.progress import Figures, Rollup, group_rollup, unit_rollup
from study.selectors.writings import branches_behind
from supervision.models import ApplicationState, TransitionApplication
from supervision.selectors.groups import branch_stages, group_top_units, lagging_branches
from units.models import TOP_LEVEL_KINDS, SupervisionGroup, Unit, UnitKind
from units.selectors import under_any

EDITOR = "区委先进性教育活动领导小组办公室"

# The distribution block (版记): 报 goes up, 送 to the district's leaders, 发 down.
DISTRIBUTION = (
    ("报", "市委先进性教育办公室,市委第三督导组"),
    ("送", "区委、区政府领导"),
    ("发", "各党委(党组)、工委,各督导组"),
)

# The print run: one copy for each office above (报), the district's leaders (送), each
# 党委/党组/工委 and 督导组 (发), and the office's own file.
COPIES_ABOVE = 2

COPIES_LEADERS = 10

COPIES_FILED = 2

# How many names a sentence lists before "等".
NAMED = 5

TENTH = Decimal("0.1")


def _money(value: Decimal | float | None) -> Decimal:
    # SQLite sums decimals as floats: keep the fen.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _day_bounds(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes [start 00:00, the day after end 00:00) in the local time zone."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


# The scope --------------------------------------------------------------------------------


def _scope(briefing: Briefing) -> tuple[list[Unit], Unit | None, str, Rollup]:
    """(tops, district root or None, the words a sentence opens with, rollup)."""
    batch = briefing.batch
    if briefing.group_id:
        group = briefing.group
        tops = group_top_units(group)
        subject = _("%(group)s督导的单位") % {"group": group.name}
        return tops, None, subject, group_rollup(group, batch)
    unit = briefing.unit
    is_district = unit.kind == UnitKind.DISTRICT
    subject = _("全区") if is_district else unit.name
    return [unit], unit if is_district else None, subject, unit_rollup(unit, batch)


# Collecting ------------------------------------------------------------------------------


def _figures_dict(figures: Figures) -> dict[str, Any]:
    return {
        "members": figures.members,
        "complete": figures.complete,
        "completion_rate": figures.completion_rate,
        "average_hours": figures.average_hours,
        "concentrated_share": figures.concentrated_share,
        "total_hours": figures.total_hours,
        "makeups_owed": figures.makeups_owed or 0,
        "no_participation": figures.no_participation,
        "readings_uncovered": figures.readings_uncovered,
        "branches": figures.branches,
        "notes": figures.notes,
        "essays": figures.essays,
        "long_essays": figures.long_essays,
        "writing_done": figures.writing_done,
    }


def _unit_rows(rollup: Rollup, overall_rate: Decimal | None) -> list[dict[str, Any]]:
    rows = [(unit.pk, unit.name, figures) for unit, figures in rollup.rows]
    # A 党总支's own members, beside its branches (a branch's members are the headline).
    if rollup.direct is not None and rows:
        rows.append((None, _("直属党员"), rollup.direct))
    result = []
    for pk, name, figures in rows:
        row = {"pk": pk, "name": name, **_figures_dict(figures)}
        rate = row["completion_rate"]
        row["lagging"] = rate is not None and overall_rate is not None and rate < overall_rate
        result.append(row)
    return result


def _stages(row_units: list[Unit], batch: Batch, tops: list[Unit]) -> dict[str, Any]:
    """Branches per stage, by row unit (or by top when the scope has no row units) and in
    all: ({"labels", "rows": [(name, [count per label])], "totals": [count per label]})."""
    units = row_units or tops
    by_unit = branch_stages(units, batch)
    labels = []
    for line in by_unit.values():
        for label, _count in line:
            if label not in labels:
                labels.append(label)
    rows = []
    for unit in units:
        counts = dict(by_unit.get(unit.pk, []))
        rows.append((unit.name, [counts.get(label, 0) for label in labels]))
    totals = [sum(counts[index] for _name, counts in rows) for index in range(len(labels))]
    return {"labels": labels, "rows": rows, "totals": totals}


def _transitions(
    tops: list[Unit], batch: Batch, start: datetime.date, end: datetime.date
) -> dict[str, int]:
    """转段 applications of the scope's branches: decided in the period, and waiting now."""
    first, after = _day_bounds(start, end)
    in_period = Q(decided_at__gte=first, decided_at__lt=after)
    return TransitionApplication.objects.filter(
        under_any(tops, "unit__path"), from_stage__batch=batch
    ).aggregate(
        submitted=Count("pk", filter=Q(submitted_at__gte=first, submitted_at__lt=after)),
        waiting=Count("pk", filter=Q(state=ApplicationState.SUBMITTED)),
        approved=Count("pk", filter=in_period & Q(state=ApplicationState.APPROVED)),
        returned=Count("pk", filter=in_period & Q(state=ApplicationState.RETURNED)),
    )


def _practice(tops: list[Unit], batch: Batch, root: Unit | None) -> dict[str, Any]:
    """The scope's 二三五 totals (and last year's, for the district) as `PracticeSummary`."""
    totals = (
        activities_in(batch)
        .filter(under_any(tops, "unit__path"))
        .aggregate(
            activities=Count("pk"),
            households=Sum("households"),
            poor_households=Sum("poor_households"),
            funds=Sum("funds", output_field=FUNDS_FIELD),
            person_times=Sum("person_times"),
            deeds=Sum("deeds"),
        )
    )
    last_year = None
    # The baseline is the district's; set against a committee's share it would mislead.
    if root is not None and batch is not None:
        row = PracticeBaseline.objects.filter(batch=batch).values("year", *COMPARED).first()
        if row is not None:
            last_year = LastYear(**row)
    summary = PracticeSummary(
        activities=totals["activities"],
        households=totals["households"] or 0,
        poor_households=totals["poor_households"] or 0,
        funds=_money(totals["funds"]) if totals["funds"] else ZERO,
        person_times=totals["person_times"] or 0,
        deeds=totals["deeds"] or 0,
        last_year=last_year,
    )
    households_total = root.households if root is not None else None
    return {
        "activities": summary.activities,
        "households": summary.households,
        "funds": summary.funds,
        "sentences": practice_sentences(summary, households_total=households_total),
    }


def _rectification(tops: list[Unit], today: datetime.date) -> dict[str, Any]:
    items = RectificationItem.objects.filter(under_any(tops, "unit__path"))
    row = items.aggregate(
        total=Count("pk"),
        rectified=Count("pk", filter=Q(status=RectificationStatus.RECTIFIED)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        not_yet=Count("pk", filter=Q(status=RectificationStatus.NOT_YET)),
        public=Count("pk", filter=Q(source="public")),
    )
    # Where the overdue items are, most first.
    row["overdue_units"] = [
        (unit["unit__name"], unit["overdue"])
        for unit in items.filter(overdue_q(today))
        .values("unit_id", "unit__name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "unit__name")[:NAMED]
    ]
    total = row["total"]
    row["rectified_rate"] = (
        (Decimal(row["rectified"]) * 100 / total).quantize(TENTH) if total else None
    )
    return row


def _integrity(tops: list[Unit]) -> str:
    row = IntegrityRecord.objects.filter(under_any(tops, "unit__path")).aggregate(
        banquets=Sum("refused_banquets"),
        vouchers=Sum("refused_vouchers"),
        vouchers_value=Sum("refused_vouchers_value"),
        gifts_value=Sum("refused_gifts_value"),
    )
    return integrity_sentence(
        banquets=row["banquets"] or 0,
        vouchers=row["vouchers"] or 0,
        vouchers_value=_money(row["vouchers_value"]),
        gifts_value=_money(row["gifts_value"]),
    )


def _lectures(
    tops: list[Unit], batch: Batch, start: datetime.date, end: datetime.date
) -> dict[str, int | None]:
    """Lectures given in the scope, or by a cadre of it wherever they spoke, in the batch."""
    where = under_any(tops, "unit__path") | under_any(tops, "lecturer__unit__path")
    return LeaderLecture.objects.filter(where, in_batch(batch)).aggregate(
        party_lectures=Count("pk", filter=Q(kind=LectureKind.PARTY_LECTURE)),
        situation_reports=Count("pk", filter=Q(kind=LectureKind.SITUATION_REPORT)),
        in_period=Count("pk", filter=Q(given_on__range=(start, end))),
        audience=Sum("audience"),
    )


def _empty_bulletin_boards(tops: list[Unit], end: datetime.date) -> dict[str, Any]:
    """Units with nothing about the campaign on their 宣传栏 by the end of the period
    ("部分单位的宣传橱窗、宣传栏里至今还没有先进性教育活动的内容")."""
    posted = PublicityCheck.objects.filter(
        unit=OuterRef("pk"), item=PublicityItem.BULLETIN_BOARD, done_on__lte=end
    )
    units = (
        Unit.objects.filter(under_any(tops)).exclude(kind=UnitKind.DISTRICT).exclude(Exists(posted))
    )
    return {
        "count": units.count(),
        "names": list(units.order_by("path").values_list("name", flat=True)[:NAMED]),
    }


def _review_backlog(tops: list[Unit], today: datetime.date) -> dict[str, Any]:
    """Branches behind on their weekly review ("支部负责人每周应查看、批阅一次党员的学习
    笔记"): notes waiting and no review for more than a week (study.selectors.writings),
    the longest behind first; the same count as the dashboards'."""
    behind = branches_behind(today).filter(
        under_any(tops, "unit__path"), unit__kind=UnitKind.BRANCH
    )
    names = behind.order_by("waiting_since", "unit__name").values_list("unit__name", flat=True)
    return {"count": behind.count(), "names": list(names[:NAMED])}


def _copies() -> int:
    counts = Unit.objects.aggregate(top_level=Count("pk", filter=Q(kind__in=TOP_LEVEL_KINDS)))
    groups = SupervisionGroup.objects.count()
    return COPIES_ABOVE + COPIES_LEADERS + counts["top_level"] + groups + COPIES_FILED


def briefing_collect(briefing: Briefing) -> dict[str, Any]:
    """Everything the briefing says, as plain data: figures, the sentences written from
    them, the per-unit table and the charts (SVG)."""
    batch = briefing.batch
    start, end = briefing.period_start, briefing.period_end
    # The study, rectification and practice totals are kept current, not dated, so the
    # briefing is dated the day it is compiled and says "截至" that day even for an
    # earlier period; the period bounds what it counts as "本期". Deadlines and "a week
    # unreviewed" are judged on the period's last day (or today, if it is not over).
    compiled_on = timezone.localdate()
    today = min(end, compiled_on)
    tops, root, subject, rollup = _scope(briefing)
    figures = _figures_dict(rollup.figures)
    rows = _unit_rows(rollup, figures["completion_rate"])
    laggards = [
        {
            "name": name,
            "members": branch.members,
            "completion_rate": branch.completion_rate,
            "average_hours": branch.average_hours,
        }
        for _pk, name, branch in lagging_branches(tops, limit=NAMED)
    ]
    stages = _stages([unit for unit, _f in rollup.rows], batch, tops)
    data = {
        "scope": briefing.scope_name,
        "subject": subject,
        "is_district": root is not None,
        "is_group": bool(briefing.group_id),
        "issue_number": briefing.issue_number,
        "date": day_text(compiled_on),
        "period": _("%(start)s至%(end)s") % {"start": day_text(start), "end": day_text(end)},
        "figures": figures,
        "rows": rows,
        "lagging_branches": laggards,
        "stages": stages,
        "transitions": _transitions(tops, batch, start, end),
        "practice": _practice(tops, batch, root),
        "rectification": _rectification(tops, today),
        "integrity": _integrity(tops),
        "lectures": _lectures(tops, batch, start, end),
        "bulletin_boards": _empty_bulletin_boards(tops, end),
        "review_backlog": _review_backlog(tops, today),
        "out_of_contact": out_of_contact_count(tops, today),
        "editor": EDITOR,
        "distribution": [{"label": label, "to": to} for label, to in DISTRIBUTION],
        "copies": briefing.copies or _copies(),
    }
    data["sections"] = briefing_sections(data)
    data["charts"] = briefing_charts(data)
    return data

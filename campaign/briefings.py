"""What goes into a 简报, and how it becomes a PDF.

`briefing_collect` gathers the figures of the briefing's scope (the district, a unit's
subtree or a supervision group's units) in a fixed number of queries whatever the size of
the district, and writes them as the speech writes them; `briefing_html` lays them out
after GB/T 9704-2012 (templates/briefings/briefing.html); `briefing_pdf` renders with
WeasyPrint. The Celery task in campaign/tasks.py strings them together.

A scope is a list of subtrees ("tops"): the one unit, or the units a group is assigned.
Every figure is one aggregate over the rows under any of them, so a group's briefing costs
the same queries as the district's.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.charts import bar_chart, stage_chart
from campaign.models import (
    IntegrityRecord,
    LeaderLecture,
    LectureKind,
    PracticeBaseline,
    PublicityCheck,
    PublicityItem,
    RectificationItem,
    RectificationStatus,
)
from campaign.selectors_leaders import in_campaign
from campaign.selectors_practice import (
    COMPARED,
    FUNDS_FIELD,
    ZERO,
    LastYear,
    PracticeSummary,
    activities_in,
    format_percent,
    practice_sentences,
)
from campaign.selectors_rectification import OPEN_STATUSES, integrity_sentence, overdue_q
from study.models import CONTACT_OVERDUE_DAYS, REVIEW_OVERDUE_DAYS
from study.selectors import (
    group_rollup,
    mobile_members_out_of_contact,
    unit_rollup,
    unreviewed_writings,
)
from supervision.models import ApplicationState, TransitionApplication
from supervision.selectors_groups import (
    branch_stages,
    group_top_units,
    lagging_branches,
    under_any,
)
from units.models import TOP_LEVEL_KINDS, Member, SupervisionGroup, Unit, UnitKind

BRIEFING_NAME = "先进性教育活动简报"
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

# How many names a sentence lists before "等", and units a chart shows.
NAMED = 5
CHART_ROWS = 20
TENTH = Decimal("0.1")


def day_text(day):
    """date(2026, 11, 25) → "2026年11月25日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def _number(value):
    """Decimal("12.50") → "12.5", Decimal("40.0") → "40"."""
    return f"{Decimal(value).normalize():f}" if value is not None else "—"


def _rate(value):
    return format_percent(value) if value is not None else "—"


def _names(names, total=None):
    """["A", "B"] → "A、B"; with more behind them than listed, "A、B等"."""
    text = "、".join(names)
    if total is not None and total > len(names):
        text += _("等")
    return text


def _money(value):
    # SQLite sums decimals as floats: keep the fen.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _day_bounds(start, end):
    """Aware datetimes [start 00:00, the day after end 00:00) in the local time zone."""
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return first, after


# The scope --------------------------------------------------------------------------------


def _scope(briefing):
    """(tops, district root or None, the words a sentence opens with, rollup)."""
    campaign = briefing.campaign
    if briefing.group_id:
        group = briefing.group
        tops = group_top_units(group)
        subject = _("%(group)s督导的单位") % {"group": group.name}
        return tops, None, subject, group_rollup(group, campaign)
    unit = briefing.unit
    is_district = unit.kind == UnitKind.DISTRICT
    subject = _("全区") if is_district else unit.name
    return [unit], unit if is_district else None, subject, unit_rollup(unit, campaign)


# Collecting ------------------------------------------------------------------------------


def _figures_dict(figures):
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


def _unit_rows(rollup, overall_rate):
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


def _stages(row_units, campaign, tops):
    """Branches per stage, by row unit (or by top when the scope has no row units) and in
    all: ({"labels", "rows": [(name, [count per label])], "totals": [count per label]})."""
    units = row_units or tops
    by_unit = branch_stages(units, campaign)
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


def _transitions(tops, campaign, start, end):
    """转段 applications of the scope's branches: decided in the period, and waiting now."""
    first, after = _day_bounds(start, end)
    in_period = Q(decided_at__gte=first, decided_at__lt=after)
    return TransitionApplication.objects.filter(
        under_any(tops, "unit__path"), from_stage__campaign=campaign
    ).aggregate(
        submitted=Count("pk", filter=Q(submitted_at__gte=first, submitted_at__lt=after)),
        waiting=Count("pk", filter=Q(state=ApplicationState.SUBMITTED)),
        approved=Count("pk", filter=in_period & Q(state=ApplicationState.APPROVED)),
        returned=Count("pk", filter=in_period & Q(state=ApplicationState.RETURNED)),
    )


def _practice(tops, campaign, root):
    """The scope's 二三五 totals (and last year's, for the district) as `PracticeSummary`."""
    totals = (
        activities_in(campaign)
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
    if root is not None and campaign is not None:
        row = PracticeBaseline.objects.filter(campaign=campaign).values("year", *COMPARED).first()
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


def _rectification(tops, today):
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


def _integrity(tops):
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


def _lectures(tops, campaign, start, end):
    """Lectures given in the scope, or by a cadre of it wherever they spoke, in the batch."""
    where = under_any(tops, "unit__path") | under_any(tops, "lecturer__unit__path")
    return LeaderLecture.objects.filter(where, in_campaign(campaign)).aggregate(
        party_lectures=Count("pk", filter=Q(kind=LectureKind.PARTY_LECTURE)),
        situation_reports=Count("pk", filter=Q(kind=LectureKind.SITUATION_REPORT)),
        in_period=Count("pk", filter=Q(given_on__range=(start, end))),
        audience=Sum("audience"),
    )


def _empty_bulletin_boards(tops, end):
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


def _review_backlog(tops, today):
    """Branches with a note or essay unreviewed for more than a week
    ("支部负责人每周应查看、批阅一次党员的学习笔记"), most waiting first."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=REVIEW_OVERDUE_DAYS), datetime.time.min
        )
    )
    waiting = unreviewed_writings().filter(
        under_any(tops, "member__unit__path"),
        member__unit__kind=UnitKind.BRANCH,
        submitted_at__lt=cutoff,
    )
    names = (
        waiting.values("member__unit_id", "member__unit__name")
        .annotate(waiting=Count("pk"))
        .order_by("-waiting", "member__unit__name")[:NAMED]
    )
    return {
        "count": waiting.values("member__unit_id").distinct().count(),
        "names": [row["member__unit__name"] for row in names],
    }


def _copies():
    counts = Unit.objects.aggregate(top_level=Count("pk", filter=Q(kind__in=TOP_LEVEL_KINDS)))
    groups = SupervisionGroup.objects.count()
    return COPIES_ABOVE + COPIES_LEADERS + counts["top_level"] + groups + COPIES_FILED


def briefing_collect(briefing):
    """Everything the briefing says, as plain data: figures, the sentences written from
    them, the per-unit table and the charts (SVG)."""
    campaign = briefing.campaign
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
    stages = _stages([unit for unit, _f in rollup.rows], campaign, tops)
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
        "transitions": _transitions(tops, campaign, start, end),
        "practice": _practice(tops, campaign, root),
        "rectification": _rectification(tops, today),
        "integrity": _integrity(tops),
        "lectures": _lectures(tops, campaign, start, end),
        "bulletin_boards": _empty_bulletin_boards(tops, end),
        "review_backlog": _review_backlog(tops, today),
        "out_of_contact": mobile_members_out_of_contact(
            Member.objects.filter(under_any(tops, "unit__path")), today
        ).count(),
        "editor": EDITOR,
        "distribution": [{"label": label, "to": to} for label, to in DISTRIBUTION],
        "copies": briefing.copies or _copies(),
    }
    data["sections"] = _sections(data)
    data["charts"] = _charts(data)
    return data


# Writing it as the speech does -----------------------------------------------------------


def _overview(data):
    f, subject = data["figures"], data["subject"]
    sentences = [
        _(
            "截至%(date)s,%(subject)s共有党员%(members)s名,已有%(complete)s名完成40学时的"
            "学习任务(集中学习占三分之二以上),达标率%(rate)s%%;人均学习%(average)s学时,"
            "集中学习占全部学时的%(share)s%%。"
        )
        % {
            "date": data["date"],
            "subject": subject,
            "members": f["members"],
            "complete": f["complete"],
            "rate": _rate(f["completion_rate"]),
            "average": _number(f["average_hours"] or 0),
            "share": _rate(f["concentrated_share"] or 0),
        }
    ]
    # "规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇".
    gaps = []
    gaps.append(
        _("缺课未补%(n)s人次") % {"n": f["makeups_owed"]}
        if f["makeups_owed"]
        else _("缺课均已补上")
    )
    gaps.append(
        _("还有%(n)s名党员没有参加学习") % {"n": f["no_participation"]}
        if f["no_participation"]
        else _("党员参学无一遗漏")
    )
    gaps.append(
        _("各支部合计还有%(n)s篇(次)必读科目没有学到") % {"n": f["readings_uncovered"]}
        if f["readings_uncovered"]
        else _("必读科目均已学到")
    )
    sentences.append(
        _("对照“规定学习时间不缺一课,党员参学不漏一人,必读科目不少一篇”的要求,%(gaps)s。")
        % {"gaps": ";".join(gaps)}
    )
    sentences.append(
        _(
            "党员共写出学习笔记%(notes)s篇、心得体会%(essays)s篇(其中3000字以上的"
            "%(long)s篇),%(done)s名党员完成了学习笔记和心得体会的要求。"
        )
        % {
            "notes": f["notes"],
            "essays": f["essays"],
            "long": f["long_essays"],
            "done": f["writing_done"],
        }
    )
    stages = data["stages"]
    branches = sum(stages["totals"])
    if branches:
        parts = [
            _("%(n)s个处于%(stage)s阶段") % {"n": count, "stage": label}
            if label not in (_("已完成"), _("未开始"))
            else _("%(n)s个%(stage)s") % {"n": count, "stage": label}
            for label, count in zip(stages["labels"], stages["totals"], strict=True)
            if count
        ]
        sentences.append(
            _("%(subject)s共有%(branches)s个党支部,其中%(parts)s。")
            % {"subject": subject, "branches": branches, "parts": ",".join(parts)}
        )
    t = data["transitions"]
    sentences.append(
        _(
            "本期共报送转段申请%(submitted)s份,同意转段%(approved)s份,"
            "退回补课%(returned)s份;目前还有%(waiting)s份等待审批。"
        )
        % t
    )
    lectures = data["lectures"]
    if lectures["party_lectures"] or lectures["situation_reports"]:
        sentences.append(
            _(
                "党员领导干部带头上党课%(party)s次、作形势报告%(situation)s次,"
                "听课%(audience)s人次,其中本期%(in_period)s次。"
            )
            % {
                "party": lectures["party_lectures"],
                "situation": lectures["situation_reports"],
                "audience": lectures["audience"] or 0,
                "in_period": lectures["in_period"],
            }
        )
    return sentences


def _progress(data):
    """The 发展不平衡 sentence: the best unit and those below the scope's own rate."""
    rated = [row for row in data["rows"] if row["members"]]
    sentences = []
    if len(rated) >= 2:
        best = max(rated, key=lambda row: row["completion_rate"])
        lagging = [row for row in rated if row["lagging"]][:3]
        if lagging:
            sentences.append(
                _(
                    "从各单位看,发展不平衡:%(best)s达标率最高,为%(best_rate)s%%;"
                    "%(names)s较低,分别只有%(rates)s。"
                )
                % {
                    "best": best["name"],
                    "best_rate": _rate(best["completion_rate"]),
                    "names": "、".join(row["name"] for row in lagging),
                    "rates": "、".join(f"{_rate(row['completion_rate'])}%" for row in lagging),
                }
            )
        else:
            sentences.append(_("从各单位看,进展基本平衡。"))
    laggards = data["lagging_branches"]
    if laggards:
        sentences.append(
            _("达标率最低的党支部是:%(list)s。")
            % {
                "list": "、".join(
                    _("%(name)s(达标率%(rate)s%%,人均%(hours)s学时)")
                    % {
                        "name": row["name"],
                        "rate": _rate(row["completion_rate"]),
                        "hours": _number(row["average_hours"] or 0),
                    }
                    for row in laggards
                )
            }
        )
    return sentences


def _practice_text(data):
    practice = data["practice"]
    if not practice["sentences"]:
        return [_("本期尚未登记“二三五”主题实践活动。")]
    return [
        _("围绕“两深入、创三满意、五送”,%(subject)s共开展主题实践活动%(n)s次,%(what)s。")
        % {
            "subject": data["subject"],
            "n": practice["activities"],
            "what": ";".join(practice["sentences"]),
        }
    ]


def _rectification_text(data):
    r = data["rectification"]
    if not r["total"]:
        rectification = [_("边学边查边改台账尚未登记问题。")]
    else:
        text = _(
            "坚持边学边查边改,共查找出问题%(total)s个(其中群众提出%(public)s个),"
            "已整改%(rectified)s个,整改率%(rate)s%%;正在整改和待整改%(open)s个,"
            "其中超过整改时限%(overdue)s个"
        ) % {**r, "rate": _rate(r["rectified_rate"])}
        if r["not_yet"]:
            text += _(";一时还解决不了的%(n)s个,已向群众解释清楚") % {"n": r["not_yet"]}
        rectification = [text + "。"]
    integrity = (
        [_("党员干部廉洁自律,%(what)s。") % {"what": data["integrity"]}]
        if data["integrity"]
        else [_("本期未登记拒吃请、拒收礼金等情况。")]
    )
    return rectification, integrity


def _problems(data):
    problems = []
    backlog = data["review_backlog"]
    if backlog["count"]:
        problems.append(
            _("%(n)s个党支部的学习笔记、心得体会超过%(days)s天未批阅(%(names)s)。")
            % {
                "n": backlog["count"],
                "days": REVIEW_OVERDUE_DAYS,
                "names": _names(backlog["names"], backlog["count"]),
            }
        )
    if data["out_of_contact"]:
        problems.append(
            _("%(n)s名流动党员超过%(days)s天没有联系。")
            % {"n": data["out_of_contact"], "days": CONTACT_OVERDUE_DAYS}
        )
    r = data["rectification"]
    if r["overdue"]:
        problems.append(
            _("%(n)s个问题超过整改时限仍未整改,主要在%(where)s。")
            % {
                "n": r["overdue"],
                "where": "、".join(
                    _("%(name)s(%(n)s个)") % {"name": name, "n": n}
                    for name, n in r["overdue_units"]
                ),
            }
        )
    boards = data["bulletin_boards"]
    if boards["count"]:
        problems.append(
            _("%(n)s个单位的宣传栏里还没有先进性教育活动的内容(%(names)s)。")
            % {"n": boards["count"], "names": _names(boards["names"], boards["count"])}
        )
    f = data["figures"]
    if f["no_participation"]:
        problems.append(
            _("%(n)s名党员至今没有参加学习,缺课未补%(owed)s人次。")
            % {"n": f["no_participation"], "owed": f["makeups_owed"]}
        )
    return problems or [_("本期未发现突出问题。")]


def _sections(data):
    rectification, integrity = _rectification_text(data)
    return {
        "overview": _overview(data),
        "progress": _progress(data),
        "practice": _practice_text(data),
        "rectification": rectification,
        "integrity": integrity,
        "problems": _problems(data),
    }


def _charts(data):
    """Progress by unit, and stages by unit. A 党委 with hundreds of branches would make
    a chart nobody can read: past CHART_ROWS units, the lowest (the table's first) only."""
    charts = {}
    rows = data["rows"][:CHART_ROWS]
    clipped = len(data["rows"]) > CHART_ROWS
    suffix = _("(达标率最低的%(n)s个单位)") % {"n": CHART_ROWS} if clipped else ""
    if len(rows) >= 2:
        charts["completion"] = bar_chart(
            [(row["name"], row["completion_rate"]) for row in rows],
            title=_("各单位40学时达标率") + suffix,
            unit_label="%",
            max_value=100,
            reference=data["figures"]["completion_rate"],
            reference_label=_("平均"),
        )
    stages = data["stages"]
    # In the table's order: the same units as the bars.
    stage_rows = stages["rows"][:CHART_ROWS]
    if len(stage_rows) >= 2 and sum(stages["totals"]):
        charts["stages"] = stage_chart(
            stage_rows, title=_("各单位党支部所处阶段") + suffix, stages=stages["labels"]
        )
    return charts


# Layout and PDF --------------------------------------------------------------------------


def briefing_html(data, briefing):
    return render_to_string("briefings/briefing.html", {"briefing": briefing, **data})


def briefing_pdf(html):
    # Imported here: WeasyPrint loads Pango at import, which only the worker needs.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()

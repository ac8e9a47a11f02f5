"""How a 简报 reads and how it becomes a PDF, from the figures reports.selectors.briefing
collected; nothing here touches the database.

`briefing_sections` writes the figures as the speech writes them ("帮扶和走访慰问困难群众
1267户……") and `briefing_charts` draws them; `briefing_collect` adds both to its data.
`briefing_html` lays the whole out after GB/T 9704-2012 (templates/reports/briefings/document.html)
and `briefing_pdf` renders it with WeasyPrint; the job in reports.services.briefings calls
them in turn.

WeasyPrint's time goes by the boxes it lays out, about a millisecond for each line of text
however short: a table cell is one, so a unit's row of seven cells would cost seven lines
of prose, and a 党委 of 825 branches eight seconds. `briefing_unit_table` sets each unit on
a line of text instead, which costs what a line of the body does; past TABLE_ROWS units
the table leaves the body for an annex (附件).
"""

from decimal import Decimal
from typing import Any

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ledgers.selectors.practice import format_percent
from reports.charts import grid_width, print_bar_chart, print_stage_chart
from reports.fonts import font_face_css, font_families
from reports.models import Briefing
from study.models import CONTACT_OVERDUE_DAYS, REVIEW_OVERDUE_DAYS

# How many units a chart shows.
CHART_ROWS = 20
# Up to this many units the per-unit table stands in the body, over the charts of the same
# units; past it the body keeps the charts (of the lowest CHART_ROWS) and an annex lists
# them all.
TABLE_ROWS = CHART_ROWS
# The table's lines, in half-width characters (a CJK one counts two): the 156 mm type
# area holds 84 at 五号 (10.5 pt), the size the template sets.
TABLE_WIDTH = 84
# Units between the table's hairlines, a ruler for the eye along a long list. They are one
# block of text, which WeasyPrint lays out faster than a block a line.
TABLE_GROUP = 5

# What reports.selectors.briefing.briefing_collect gathered: figures, names and rows.
Data = dict[str, Any]


def _number(value: Decimal | int | None) -> str:
    """Decimal("12.50") → "12.5", Decimal("40.0") → "40"."""
    return f"{Decimal(value).normalize():f}" if value is not None else "—"


def _rate(value: Decimal | None) -> str:
    return format_percent(value) if value is not None else "—"


def _names(names: list[str], total: int | None = None) -> str:
    """["A", "B"] → "A、B"; with more behind them than listed, "A、B等"."""
    text = "、".join(names)
    if total is not None and total > len(names):
        text += _("等")
    return text


# Writing it as the speech does -----------------------------------------------------------


def _overview(data: Data) -> list[str]:
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


def _progress(data: Data) -> list[str]:
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


def _practice_text(data: Data) -> list[str]:
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


def _rectification_text(data: Data) -> tuple[list[str], list[str]]:
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


def _problems(data: Data) -> list[str]:
    problems = []
    backlog = data["review_backlog"]
    if backlog["count"]:
        problems.append(
            _("%(n)s个党支部有学习笔记、心得体会等待批阅,已超过%(days)s天没有批阅(%(names)s)。")
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


def briefing_sections(data: Data) -> dict[str, list[str]]:
    """The briefing's text, section by section, each a list of paragraphs."""
    rectification, integrity = _rectification_text(data)
    return {
        "overview": _overview(data),
        "progress": _progress(data),
        "practice": _practice_text(data),
        "rectification": rectification,
        "integrity": integrity,
        "problems": _problems(data),
    }


def briefing_charts(data: Data) -> dict[str, SafeString]:
    """Progress by unit, and stages by unit. A 党委 with hundreds of branches would make
    a chart nobody can read: past CHART_ROWS units, the lowest (the table's first) only."""
    charts = {}
    rows = data["rows"][:CHART_ROWS]
    clipped = len(data["rows"]) > CHART_ROWS
    suffix = _("(达标率最低的%(n)s个单位)") % {"n": CHART_ROWS} if clipped else ""
    if len(rows) >= 2:
        charts["completion"] = print_bar_chart(
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
        charts["stages"] = print_stage_chart(
            stage_rows,
            title=_("各单位党支部所处阶段") + suffix,
            stages=stages["labels"],
        )
    return charts


# Layout and PDF --------------------------------------------------------------------------


# In half-width characters, as the per-unit table counts its columns.
_width = grid_width


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` half-width characters."""
    lines, line = [], ""
    for char in text:
        if line and _width(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line]


def _figures_text(figures: Data) -> list[str]:
    """A unit's figures as the table has always printed them (floatformat:"-1")."""
    rate, hours = figures["completion_rate"], figures["average_hours"]
    return [
        str(figures["members"]),
        "—" if rate is None else f"{floatformat(rate, -1)}%",
        "—" if hours is None else floatformat(hours, -1),
        str(figures["makeups_owed"]),
        str(figures["no_participation"]),
        str(figures["readings_uncovered"]),
    ]


def briefing_unit_table(data: Data) -> Data:
    """The per-unit table as the PDF prints it: a line of text per unit, lowest rate
    first, its columns kept by spaces (the template's faces set Latin half as wide as CJK),
    so that a unit costs WeasyPrint one line box rather than a row of cells.

    {"head": the column heads, lines of text; "groups": [{"text": TABLE_GROUP units'
    lines, "lagging": all of them}], a rule under each; "total": the 合计 line}. A name
    too long for its column goes on under itself, its figures on its first line.
    """
    # (head, width in half-width characters): the figures set right, two characters apart
    # as a rule and never less than one.
    columns = [
        ([_("党员"), _("(名)")], 7),
        ([_("40学时"), _("达标率")], 8),
        ([_("人均"), _("学时")], 7),
        ([_("缺课"), _("未补"), _("(人次)")], 8),
        ([_("未参学"), _("(名)")], 8),
        ([_("必读"), _("未学"), _("(篇次)")], 8),
    ]
    rank_width, gap = 4, 2
    name_width = TABLE_WIDTH - rank_width - gap - sum(width for _head, width in columns)

    def right(text: str, width: int) -> str:
        return " " * (width - _width(text)) + text

    def left(text: str, width: int) -> str:
        return text + " " * (width - _width(text))

    def line(rank: str, name: str, figures: list[str]) -> str:
        names = _wrap(name, name_width)
        text = right(rank, rank_width) + " " * gap + left(names[0], name_width)
        for cell, (_head, width) in zip(figures, columns, strict=True):
            # Never two figures run together, should one outgrow its column.
            text += " " * max(width - _width(cell), 1) + cell
        indent = " " * (rank_width + gap)
        return "\n".join([text, *(indent + more for more in names[1:])])

    # The heads stand on the rule under them: a shorter one is pushed down.
    height = max(len(labels) for labels, _width in columns)
    heads = [
        ([_("序号")], rank_width, right),
        ([" " * gap + _("单位")], gap + name_width, left),
        *((labels, width, right) for labels, width in columns),
    ]
    head = [
        "".join(
            align(([""] * (height - len(lines)) + lines)[row], width)
            for lines, width, align in heads
        )
        for row in range(height)
    ]
    lines = [
        (line(str(rank), row["name"], _figures_text(row)), row["lagging"])
        for rank, row in enumerate(data["rows"], start=1)
    ]
    groups = []
    for start in range(0, len(lines), TABLE_GROUP):
        group = lines[start : start + TABLE_GROUP]
        # The units are in order of their rates: the lagging ones mostly make up whole
        # groups, set bold as a block; only the group where they end needs <b> by line.
        lagging = all(lag for _text, lag in group)
        text = "\n".join(
            format_html("<b>{}</b>", text) if lag and not lagging else conditional_escape(text)
            for text, lag in group
        )
        groups.append({"text": mark_safe(text), "lagging": lagging})
    return {
        "head": "\n".join(head),
        "groups": groups,
        "total": line("", _("合计"), _figures_text(data["figures"])),
    }


def briefing_html(data: Data, briefing: Briefing) -> str:
    context = {
        "briefing": briefing,
        # CSS, not HTML: the quotes around the names must stay quotes.
        "font_faces": mark_safe(font_face_css()),  # noqa: S308 - our own file paths
        "fonts": {name: mark_safe(value) for name, value in font_families().items()},  # noqa: S308
        **data,
    }
    if data["rows"]:
        context["unit_table"] = briefing_unit_table(data)
        context["annex"] = len(data["rows"]) > TABLE_ROWS
    return render_to_string("reports/briefings/document.html", context)


def briefing_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only the worker needs.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()

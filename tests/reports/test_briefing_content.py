"""What a 简报 says, checked in the PDF's own text: the masthead, the right figures of a
known ledger, the sections, the page numbers, the per-unit table in the body or, for many
units, in an annex; that collecting the figures costs the same queries however large the
district is, and the PDF no more faces than its headings need."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import Reading
from ledgers.models import (
    LectureKind,
    PracticeBaseline,
    PublicityItem,
    RectificationItem,
    RectificationStatus,
)
from ledgers.services.integrity import integrity_record_create
from ledgers.services.lectures import lecture_record
from ledgers.services.practice import practice_activity_record
from ledgers.services.publicity import publicity_check_record
from ledgers.services.rectification import rectification_item_create
from reports.briefing_document import TABLE_ROWS, briefing_html, briefing_pdf
from reports.fonts import FACES, briefing_fonts_build, font_face_css
from reports.models import Briefing
from reports.selectors.briefing import briefing_collect
from study.models import AttendanceStatus
from study.services.progress import progress_refresh
from study.services.sessions import roster_save
from supervision.models import ApplicationState, TransitionApplication
from tests.conftest import require_service
from tests.factories import MemberFactory, make_session
from units.models import Member, Unit, UnitKind

PRESENT, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def _log_practice(unit, user, **figures):
    return practice_activity_record(
        unit=unit,
        user=user,
        held_on=timezone.localdate(),
        kind="among_people",
        participants="党员",
        description="走访",
        **figures,
    )


@pytest.fixture
def ledger(live_district):
    """A district whose figures are known.

    Study: 区一中's 张建国 attends four sessions (40 学时, complete), 李秀英 is taught at
    home once (12), 王强 misses them all (four make-ups owed); nobody else has studied.
    So: 6 members, 1 complete (16.7%), 52 学时 in all (8.7 a member), 4 without any study.
    Practice: the speech's 1267 households against 12,670 in the district, last year 1013.
    Rectification at 区一中: one rectified, one overdue, one 一时还解决不了.
    """
    d = live_district
    today = timezone.localdate()
    secretary = d.users["secretary1"]
    members = {m.name: m for m in Member.objects.filter(unit=d.school1)}
    reading = Reading.objects.get(batch=d.batch, number=1)
    for index, hours in enumerate(["12", "12", "12", "4"]):
        extra = {"readings": [reading]} if index == 0 else {}
        session = make_session(
            d.school1,
            secretary,
            starts_at=timezone.now() - datetime.timedelta(days=4 - index),
            hours=hours,
            **extra,
        )
        entries = [(members["张建国"].pk, PRESENT), (members["王强"].pk, ABSENT)]
        if index == 0:
            entries.append((members["李秀英"].pk, AttendanceStatus.HOME_DELIVERY))
        roster_save(session=session, entries=entries, user=secretary)

    _log_practice(
        d.school1,
        secretary,
        households=600,
        poor_households=100,
        funds=Decimal("100.50"),
        person_times=700,
        deeds=1200,
    )
    _log_practice(
        d.school2, d.users["leader1"], households=400, funds=Decimal("25.46"), person_times=300
    )
    _log_practice(
        d.ward, d.users["secretary2"], households=267, funds=Decimal("25"), person_times=243
    )
    d.root.households = 12670
    d.root.save()
    PracticeBaseline.objects.create(
        batch=d.batch, year=2004, households=1013, funds=Decimal("120"), person_times=992
    )

    def problem(unit, status, **fields):
        return rectification_item_create(
            unit=unit,
            user=secretary,
            problem="会风不实",
            source="self_check",
            category="conduct",
            status=status,
            **fields,
        )

    problem(d.school1, RectificationStatus.RECTIFIED)
    problem(d.school1, RectificationStatus.OPEN, deadline=today - datetime.timedelta(days=3))
    problem(
        d.school1,
        RectificationStatus.NOT_YET,
        public_explanation="资金明年到位",
        measure="列入明年预算",
        responsible="张建国",
    )
    problem(d.street, RectificationStatus.OPEN, deadline=today + datetime.timedelta(days=30))
    integrity_record_create(
        unit=d.school1,
        user=secretary,
        recorded_on=today,
        refused_banquets=34,
        refused_vouchers=15,
        refused_vouchers_value=Decimal("4537.50"),
    )
    lecture_record(
        lecturer=d.member1,
        unit=d.school1,
        kind=LectureKind.PARTY_LECTURE,
        given_on=today,
        topic="保持共产党员先进性",
        audience=40,
        user=secretary,
    )
    publicity_check_record(
        unit=d.school1,
        item=PublicityItem.BULLETIN_BOARD,
        done_on=today,
        evidence="宣传栏已更新",
        user=secretary,
    )
    TransitionApplication.objects.create(
        unit=d.school2,
        from_stage=d.stages[0],
        to_stage=d.stages[1],
        state=ApplicationState.APPROVED,
        created_by=d.users["leader1"],
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    return d


def _briefing(d, **scope):
    scope = scope or {"unit": d.root}
    # 第7期, then 第8期…: an issue number is used once in a campaign.
    briefing = Briefing.objects.create(
        batch=d.batch,
        issue_number=7 + Briefing.objects.filter(batch=d.batch).count(),
        period_start=d.batch.starts_on,
        period_end=timezone.localdate(),
        **scope,
    )
    # As the Celery task loads it.
    return Briefing.objects.select_related("batch", "unit", "group").get(pk=briefing.pk)


@pytest.fixture
def pdftotext():
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")

    def extract(pdf, *options):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *options, "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode()

    return extract


def _flat(text):
    """The text with line breaks and spaces gone: Chinese sentences wrap anywhere."""
    return re.sub(r"\s+", "", text)


def _render(briefing):
    data = briefing_collect(briefing)
    return data, briefing_pdf(briefing_html(data, briefing))


def test_the_district_briefing_says_the_ledgers_figures(ledger, pdftotext):
    data, pdf = _render(_briefing(ledger))
    text = _flat(pdftotext(pdf))
    today = timezone.localdate()
    # Masthead.
    assert text.startswith("先进性教育活动简报第7期区委先进性教育活动领导小组办公室")
    assert f"{today.year}年{today.month}月{today.day}日" in text
    assert "全区先进性教育活动进展情况" in text
    # 一、总体情况.
    assert "全区共有党员6名,已有1名完成40学时的学习任务" in text
    assert "达标率16.7%;人均学习8.7学时,集中学习占全部学时的100%" in text
    assert "缺课未补4人次;还有4名党员没有参加学习" in text
    assert "全区共有4个党支部,其中4个处于学习动员阶段" in text
    assert "本期共报送转段申请1份,同意转段1份,退回补课0份" in text
    assert "党员领导干部带头上党课1次、作形势报告0次,听课40人次" in text
    # 二、各单位进展: lagging units named, in the table lowest first.
    assert "发展不平衡:区教育党委达标率最高,为25%;区卫生党委、城关镇党委较低" in text
    assert "区卫生党委1" in text and "合计6" in text
    # A few units: the table stands in the body, no annex.
    assert "各单位学习培训进展情况(按达标率由低到高)" in text and "附件" not in text
    # 三、主题实践活动: the speech's sentence.
    assert (
        "帮扶和走访慰问困难群众1267户(其中贫困户100户),占全区总户数的10%,比上年增长25.1%"
    ) in text
    # 四: rectification and integrity.
    assert "共查找出问题4个" in text and "已整改1个,整改率25%" in text
    assert "正在整改和待整改2个,其中超过整改时限1个" in text
    assert "一时还解决不了的1个,已向群众解释清楚" in text
    assert "拒吃请30余人次,拒收购物券15张价值4530余元" in text
    # 五、存在的问题.
    assert "1个问题超过整改时限仍未整改,主要在区一中党支部(1个)" in text
    assert "1名流动党员超过30天没有联系" in text
    assert "7个单位的宣传栏里还没有先进性教育活动的内容" in text
    # The distribution block.
    assert "报:市委先进性教育办公室,市委第三督导组" in text
    assert "送:区委、区政府领导" in text
    assert "发:各党委(党组)、工委,各督导组" in text
    assert f"(共印{data['copies']}份)" in text
    # Charts, inline: their labels are text in the PDF.
    assert "各单位40学时达标率" in text and "各单位党支部所处阶段" in text


def test_collect_returns_plain_exact_figures(ledger):
    data = briefing_collect(_briefing(ledger))
    figures = data["figures"]
    assert figures["members"] == 6 and figures["complete"] == 1
    assert figures["completion_rate"] == Decimal("16.7")
    assert figures["average_hours"] == Decimal("8.7")
    assert [row["name"] for row in data["rows"]] == ["区卫生党委", "城关镇党委", "区教育党委"]
    assert [row["lagging"] for row in data["rows"]] == [True, True, False]
    assert data["lagging_branches"][0]["completion_rate"] == Decimal("0.0")
    assert data["stages"]["labels"] == ["学习动员", "分析评议", "整改提高", "已完成"]
    assert data["stages"]["totals"] == [4, 0, 0, 0]
    assert data["transitions"] == {"submitted": 1, "waiting": 0, "approved": 1, "returned": 0}
    assert data["practice"]["funds"] == Decimal("150.96")
    assert data["rectification"]["rectified_rate"] == Decimal("25.0")
    assert data["bulletin_boards"]["count"] == 7
    # 3 above and leaders, 3 committees, 3 groups, 2 filed.
    assert data["copies"] == 2 + 10 + 3 + 3 + 2


def test_the_print_run_the_office_set_is_the_one_printed(ledger, pdftotext):
    briefing = _briefing(ledger)
    briefing.copies = 120
    data, pdf = _render(briefing)
    assert data["copies"] == 120
    assert "(共印120份)" in _flat(pdftotext(pdf))


def test_a_briefing_on_an_earlier_period_states_the_figures_as_of_the_day_it_is_made(ledger):
    # The totals are today's: a briefing on last month must not claim them "截至" then.
    briefing = _briefing(ledger)
    briefing.period_start = ledger.batch.starts_on
    briefing.period_end = ledger.batch.starts_on + datetime.timedelta(days=6)
    data = briefing_collect(briefing)
    today = timezone.localdate()
    assert data["date"] == f"{today.year}年{today.month}月{today.day}日"
    assert data["sections"]["overview"][0].startswith(f"截至{data['date']},全区共有党员6名")
    # 本期 is still the period: the transition approved days ago is not in it.
    assert data["transitions"]["approved"] == 0


def test_pages_are_numbered_right_on_odd_pages_and_left_on_even(ledger, pdftotext):
    _data, pdf = _render(_briefing(ledger))
    first, second = pdftotext(pdf, "-f", "1", "-l", "1"), pdftotext(pdf, "-f", "2", "-l", "2")
    assert re.search(r"—\s*1\s*—", first) and not re.search(r"—\s*2\s*—", first)
    assert re.search(r"—\s*2\s*—", second)
    # Where: the dashes around the number, against the middle of the page.
    boxes = pdftotext(pdf, "-bbox", "-f", "1", "-l", "2")
    pages = re.findall(r'<page width="([\d.]+)".*?</page>', boxes, re.S)
    dashes = [
        [float(x) for x in re.findall(r'<word xMin="([\d.]+)"[^>]*>—</word>', page)]
        for page in re.findall(r"<page .*?</page>", boxes, re.S)
    ]
    middle = float(pages[0]) / 2
    assert dashes[0] and min(dashes[0]) > middle
    assert dashes[1] and max(dashes[1]) < middle


def test_a_group_briefing_covers_only_the_groups_units(ledger, pdftotext):
    data, pdf = _render(_briefing(ledger, group=ledger.groups[0]))
    text = _flat(pdftotext(pdf))
    assert "第一督导组督导单位先进性教育活动进展情况" in text
    assert "第一督导组督导的单位共有党员4名,已有1名完成40学时" in text
    assert [row["name"] for row in data["rows"]] == ["区教育党委"]
    # 区医院's 267 households and 东街's open problem are not the group's.
    assert "帮扶和走访慰问困难群众1000户(其中贫困户100户)" in text
    assert "占全区总户数" not in text and "比上年" not in text
    assert "共查找出问题3个" in text
    assert "区卫生党委" not in text and "城关镇党委" not in text
    assert "区医院内科党支部" not in text


def test_a_committee_briefing_has_a_row_per_branch(ledger, pdftotext):
    data, pdf = _render(_briefing(ledger, unit=ledger.education))
    text = _flat(pdftotext(pdf))
    assert "区教育党委先进性教育活动进展情况" in text
    assert "区教育党委共有党员4名" in text
    assert [row["name"] for row in data["rows"]] == ["区二中党支部", "区一中党支部"]
    assert "发展不平衡:区一中党支部达标率最高,为33.3%;区二中党支部较低,分别只有0%" in text


def test_a_branch_briefing_speaks_of_the_branch_alone(ledger, pdftotext):
    data, pdf = _render(_briefing(ledger, unit=ledger.school1))
    text = _flat(pdftotext(pdf))
    assert "区一中党支部共有党员3名,已有1名完成40学时的学习任务" in text
    assert "达标率33.3%" in text
    assert data["rows"] == [] and data["charts"] == {}
    assert "帮扶和走访慰问困难群众600户(其中贫困户100户)" in text


def test_an_empty_district_still_makes_a_briefing(district, pdftotext):
    _data, pdf = _render(_briefing(district))
    text = _flat(pdftotext(pdf))
    assert "全区共有党员6名,已有0名完成40学时" in text
    assert "本期尚未登记“二三五”主题实践活动" in text
    assert "边学边查边改台账尚未登记问题" in text


def _grow(d, n):
    """Add a committee with `n` branches, each with members, a session with its roster,
    a practice activity, a problem, an integrity record, a lecture and a 转段 round."""
    secretary = d.users["office"]
    committee = Unit.objects.create(
        name=f"新增党委{n}", kind=UnitKind.COMMITTEE, parent=d.root, stage=d.stages[0]
    )
    d.groups[1].units.add(committee)
    today = timezone.localdate()
    for index in range(n):
        branch = Unit.objects.create(
            name=f"新增党支部{n}-{index}",
            kind=UnitKind.BRANCH,
            parent=committee,
            stage=d.stages[index % 2],
        )
        members = [MemberFactory(unit=branch, is_leading_cadre=True) for _ in range(3)]
        session = make_session(branch, secretary, hours="3")
        roster_save(
            session=session,
            entries=[(members[0].pk, PRESENT), (members[1].pk, ABSENT)],
            user=secretary,
        )
        _log_practice(branch, secretary, households=5, funds=Decimal("1"), person_times=3)
        rectification_item_create(
            unit=branch,
            user=secretary,
            problem="问题",
            source="public",
            category="livelihood",
            deadline=today - datetime.timedelta(days=1),
        )
        integrity_record_create(unit=branch, user=secretary, recorded_on=today, refused_banquets=2)
        lecture_record(
            lecturer=members[2],
            unit=branch,
            kind=LectureKind.SITUATION_REPORT,
            given_on=today,
            topic="形势",
            audience=10,
            user=secretary,
        )
        TransitionApplication.objects.create(
            unit=branch,
            from_stage=d.stages[0],
            state=ApplicationState.SUBMITTED,
            created_by=secretary,
            submitted_at=timezone.now(),
        )
    progress_refresh(member_ids=Member.objects.values_list("pk", flat=True))


def _queries(briefing):
    with CaptureQueriesContext(connection) as queries:
        briefing_collect(briefing)
    return len(queries)


@pytest.mark.parametrize("scope", ["district", "group", "committee"])
def test_collecting_costs_the_same_queries_however_large_the_district(ledger, scope):
    def briefing():
        if scope == "group":
            return _briefing(ledger, group=ledger.groups[1])
        if scope == "committee":
            return _briefing(ledger, unit=ledger.health)
        return _briefing(ledger)

    small = _queries(briefing())
    _grow(ledger, 2)
    _grow(ledger, 6)
    large = briefing()
    assert _queries(large) == small
    # The growth shows in the figures, not in the queries.
    if scope != "committee":
        assert briefing_collect(large)["figures"]["members"] >= 24
    assert RectificationItem.objects.count() == 12


def test_a_committee_of_many_branches_charts_the_lowest_twenty(ledger):
    for index in range(22):
        Unit.objects.create(
            name=f"第{index}党支部",
            kind=UnitKind.BRANCH,
            parent=ledger.town,
            stage=ledger.stages[0],
        )
    data = briefing_collect(_briefing(ledger, unit=ledger.town))
    assert len(data["rows"]) == 23
    assert "各单位40学时达标率(达标率最低的20个单位)" in data["charts"]["completion"]
    # 东街 first (its member is behind), then 19 of the new branches without members.
    # A line of the chart's text a unit, its name first.
    chart = data["charts"]["completion"].split('<div class="chart-text">')[1]
    names = [line.split()[0] for line in chart.split("</div>")[0].split("\n")[1:]]
    assert names[0] == "东街社区党支部"
    assert len(names) == 20 and sum(name.startswith("第") for name in names) == 19
    assert "各单位党支部所处阶段(达标率最低的20个单位)" in data["charts"]["stages"]


def test_a_committee_of_more_units_than_the_body_holds_lists_them_all_in_an_annex(
    ledger, pdftotext
):
    # Enough branches for the annex to run on over more than one page.
    for index in range(TABLE_ROWS + 50):
        Unit.objects.create(
            name=f"第{index}党支部",
            kind=UnitKind.BRANCH,
            parent=ledger.town,
            stage=ledger.stages[0],
        )
    data, pdf = _render(_briefing(ledger, unit=ledger.town))
    assert len(data["rows"]) == TABLE_ROWS + 51
    text = _flat(pdftotext(pdf))
    assert "各单位学习培训进展情况见附件" in text
    assert "附件:各单位学习培训进展情况一览表" in text
    assert "各单位学习培训进展情况一览表(按达标率由低到高排列)" in text
    # The annex: every unit once, and the total.
    pages = pdftotext(pdf).split("\f")
    first = next(n for n, page in enumerate(pages) if _flat(page).startswith("附件各单位"))
    annex = [page for page in pages[first:] if re.search(r"第\d+党支部", page)]
    listed = _flat("".join(annex))
    assert all(listed.count(f"第{index}党支部") == 1 for index in range(10, TABLE_ROWS + 50))
    assert "东街社区党支部" in listed and listed.count("合计") == 1
    # The column heads on every page the annex runs on, once: over the table's first rows
    # on its first page, atop the later ones; on no page without its rows.
    assert len(annex) >= 2
    assert [_flat(page).count("序号单位") for page in annex] == [1] * len(annex)
    assert all("序号" not in page for page in pages[:first])
    assert all("序号" not in page for page in pages[first + len(annex) :])


def test_a_briefing_embeds_no_more_faces_than_its_headings_need(ledger, tmp_path):
    # 宋体 and its bold (masthead, titles), 黑体 (一、), 楷体 ((一)): each face more is its
    # font file read whole and subset, some 40 ms and 45 MB of the render.
    require_service(shutil.which("pdffonts"), "pdffonts (poppler-utils)")
    _data, pdf = _render(_briefing(ledger))
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", path], capture_output=True, check=True, text=True)
    faces = listing.stdout.splitlines()[2:]
    assert 1 <= len(faces) <= 4, listing.stdout


# The faces cut down to GB 2312 (reports.fonts) -------------------------------------------


def _pdffonts(pdf, tmp_path):
    require_service(shutil.which("pdffonts"), "pdffonts (poppler-utils)")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", path], capture_output=True, check=True, text=True)
    return [line.split()[0].split("+")[-1] for line in listing.stdout.splitlines()[2:]]


@pytest.fixture
def cut_faces(settings, tmp_path):
    """The five faces cut down to the characters of the masthead and the headings, a
    stand-in for GB 2312 that takes a second to cut: every other character of the
    briefing must come from the full fonts."""
    require_service(shutil.which("fc-match"), "fontconfig (fc-match)")
    masthead = "先进性教育活动简报第期区委办公室全进展情况一二三四五、总体各单位主题实践"
    written, missing = briefing_fonts_build(
        tmp_path / "fonts", set(map(ord, masthead)) | set(range(0x20, 0x7F))
    )
    assert not missing and len(written) == len(FACES)
    settings.BRIEFING_FONTS_DIR = tmp_path / "fonts"
    return tmp_path / "fonts"


def test_a_briefing_sets_the_cut_faces_and_the_full_fonts_draw_the_rest(
    ledger, cut_faces, pdftotext, tmp_path
):
    Unit.objects.filter(pk=ledger.school1.pk).update(name="区一中喆堃党支部")
    _data, pdf = _render(_briefing(ledger))
    fonts = _pdffonts(pdf, tmp_path)
    assert {"Briefing-Serif-Bold", "Briefing-Serif", "Briefing-Sans"} <= set(fonts), fonts
    # Characters outside the cut faces (here nearly all; in use, names like 喆 and 堃)
    # are drawn from the full face, not left as boxes.
    assert any(name.startswith("Noto-Serif-CJK") for name in fonts), fonts
    text = _flat(pdftotext(pdf))
    assert text.startswith("先进性教育活动简报第7期区委先进性教育活动领导小组办公室")
    assert "区一中喆堃党支部" in text


def test_without_the_cut_faces_a_briefing_sets_the_full_fonts(ledger, pdftotext, tmp_path):
    _data, pdf = _render(_briefing(ledger))
    fonts = _pdffonts(pdf, tmp_path)
    assert fonts and not any(name.startswith("Briefing") for name in fonts), fonts
    assert "全区先进性教育活动进展情况" in _flat(pdftotext(pdf))


def test_a_family_is_named_only_when_all_its_weights_are_cut(cut_faces):
    assert font_face_css().count("@font-face") == len(FACES)
    (cut_faces / "serif-bold.otf").unlink()
    css = font_face_css()
    # Without its bold, 宋体 falls back to the full face whole, not to a made-up bold.
    assert "Briefing Serif" not in css
    assert "Briefing Sans" in css and "Briefing Kai" in css

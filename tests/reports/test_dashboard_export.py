"""Every table of a dashboard as Excel: Chinese headers, numbers as numbers, rates with a
% format, the page's sort — and a fixed number of queries."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.test_dashboard import _grow, build_ledger


@pytest.fixture
def ledger(live_district):
    live_district.applications = build_ledger(live_district)
    return live_district


def _export(d, table, *, group=None):
    if group is not None:
        return reverse("reports:dashboard_group_export", args=[group.pk, table])
    return reverse("reports:dashboard_export", args=[d.root.pk, table])


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return book.active


def _rows(sheet):
    return list(sheet.iter_rows(min_row=3, values_only=True))


def _headers(sheet):
    return [cell.value for cell in sheet[2]]


def test_the_units_table_exports_with_its_headers_and_numbers(ledger, login):
    response = login(ledger.users["office"]).get(_export(ledger, "units"))

    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A1"].value.startswith("区委各单位进度(截至")
    assert _headers(sheet) == [
        "党组织",
        "党员",
        "40学时达标率",
        "人均学时",
        "集中学习占比",
        "缺课未补",
        "未参学党员",
        "必读科目未学",
        "心得体会",
        "3000字以上",
        "整改未完成",
        "整改逾期",
    ]
    rows = _rows(sheet)
    assert [row[0] for row in rows] == ["区卫生党委", "城关镇党委", "区教育党委"]
    education = rows[2]
    # 4 members, 1 complete; 40+12+12+6 = 70 学时 / 4; 66 of 70 concentrated.
    assert education[:3] == ("区教育党委", 4, pytest.approx(0.25))
    assert Decimal(str(education[3])) == Decimal("17.5")
    assert education[4] == pytest.approx(0.943)
    assert education[5:] == (3, 0, 19, 3, 2, 1, 0)
    assert isinstance(education[1], int)
    cells = list(sheet.iter_rows(min_row=5, max_row=5))[0]
    assert cells[2].number_format == "0.0%"
    assert cells[3].number_format == "0.0"
    assert cells[1].number_format == "0"
    # 城关镇 has a member with no hours: a rate of 0, no share at all.
    assert rows[1][2] == 0 and rows[1][4] is None


def test_the_units_export_keeps_the_pages_sort(ledger, login):
    client = login(ledger.users["office"])

    response = client.get(_export(ledger, "units"), {"sort": "completion", "dir": "desc"})

    assert [row[0] for row in _rows(_sheet(response))] == ["区教育党委", "区卫生党委", "城关镇党委"]
    page = client.get(reverse("reports:dashboard"), {"sort": "completion", "dir": "desc"})
    assert f"{_export(ledger, 'units')}?sort=completion&amp;dir=desc" in page.content.decode()


def test_the_lagging_list_exports(ledger, login):
    response = login(ledger.users["office"]).get(_export(ledger, "lagging"))

    sheet = _sheet(response)
    assert _headers(sheet) == [
        "序号",
        "党组织",
        "党员",
        "达标人数",
        "40学时达标率",
        "人均学时",
        "缺课未补",
        "未参学党员",
    ]
    rows = _rows(sheet)
    assert [row[1] for row in rows] == [
        "东街社区党支部",
        "区医院内科党支部",
        "区二中党支部",
        "区一中党支部",
    ]
    assert rows[3][:5] == (4, "区一中党支部", 3, 1, pytest.approx(0.333))
    assert sheet.cell(6, 5).number_format == "0.0%"


def test_the_headline_exports_as_figure_and_value(ledger, login):
    response = login(ledger.users["office"]).get(_export(ledger, "headline"))

    sheet = _sheet(response)
    assert _headers(sheet) == ["指标", "数值"]
    figures = {row[0]: row[1] for row in _rows(sheet)}
    assert figures["党员(人)"] == 6
    assert figures["40学时达标率"] == pytest.approx(0.167)
    assert figures["集中学习占全部学时"] == pytest.approx(0.943)
    assert figures["缺课未补(次)"] == 3
    assert figures["未参学党员(人)"] == 2
    assert figures["必读科目未学(篇,逐支部累计)"] == 39
    assert figures["心得体会(篇)"] == 3
    assert figures["其中3000字以上(篇)"] == 2
    assert figures["处于学习动员阶段的党支部(个)"] == 3
    assert figures["处于分析评议阶段的党支部(个)"] == 1
    assert figures["已完成教育活动的党支部(个)"] == 0
    assert figures["转段申请待审批(份)"] == 1
    assert figures["整改未完成问题(个)"] == 2
    assert figures["其中已超过整改时限(个)"] == 1
    assert figures["帮扶和走访慰问困难群众(户)"] == 15
    assert Decimal(str(figures["投入资金(万元)"])) == Decimal("1.75")
    assert figures["干群连心活动(人次)"] == 35
    assert figures["为民办实事(件次)"] == 5
    formats = {row[0].value: row[1].number_format for row in sheet.iter_rows(min_row=3)}
    assert formats["40学时达标率"] == "0.0%"
    assert formats["投入资金(万元)"] == "0.00"


def test_a_group_exports_its_own_units(ledger, login):
    client = login(ledger.users["supervisor1"])

    response = client.get(_export(ledger, "units", group=ledger.groups[0]))

    sheet = _sheet(response)
    assert sheet["A1"].value.startswith("第一督导组各单位进度")
    assert [row[0] for row in _rows(sheet)] == ["区教育党委"]


def test_a_general_branchs_own_members_are_exported_last(ledger, login):
    from tests.factories import MemberFactory

    MemberFactory(name="孙护士长", unit=ledger.hospital)
    url = reverse("reports:dashboard_export", args=[ledger.hospital.pk, "units"])

    rows = _rows(_sheet(login(ledger.users["office"]).get(url)))

    assert [row[0] for row in rows] == ["区医院内科党支部", "本党总支直属党员"]
    assert rows[1][1] == 1 and rows[1][-2:] == (None, None)


@pytest.mark.parametrize("table", ["units", "lagging", "headline"])
@pytest.mark.parametrize("scope", ["district", "group"])
def test_an_export_costs_the_same_queries_however_big_the_district(
    ledger, login, count_queries, table, scope
):
    persona, group = ("office", None) if scope == "district" else ("supervisor1", ledger.groups[0])
    client = login(ledger.users[persona])
    url = _export(ledger, table, group=group)
    before = count_queries(client, url)

    _grow(ledger)
    after = count_queries(client, url)

    assert after == before
    assert before <= 20

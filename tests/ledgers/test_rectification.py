"""边学边查边改: filing problems, changing them with every change recorded, overdue flags,
and the subtree's counts.

"查出一个问题,就想办法整改一个问题……对那些一时还解决不了的问题,要向群众解释清楚".
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from common.dates import day_text
from ledgers.models import RectificationChange, RectificationItem
from ledgers.selectors import rectification as selectors
from ledgers.services.rectification import rectification_item_create, rectification_item_update

TODAY = datetime.date(2005, 3, 15)


def _item(unit, user, **fields):
    fields.setdefault("problem", "办事窗口午休不接待群众")
    fields.setdefault("source", "self_check")
    fields.setdefault("category", "conduct")
    return rectification_item_create(unit=unit, user=user, today=TODAY, **fields)


@pytest.fixture
def secretary(live_district):
    return live_district.users["secretary1"]


# The service -------------------------------------------------------------------------------


def test_a_change_is_recorded_with_old_and_new_values(live_district, secretary):
    d = live_district
    item = _item(d.school1, secretary, responsible="王强", deadline=datetime.date(2005, 3, 31))
    item, changes = rectification_item_update(
        item=item,
        user=d.users["leader1"],
        today=TODAY,
        status="in_progress",
        responsible="张建国",
        deadline=datetime.date(2005, 4, 10),
        measure="",
    )
    assert changes == {
        "status": ["待整改", "整改中"],
        "responsible": ["王强", "张建国"],
        "deadline": ["2005-03-31", "2005-04-10"],
    }
    change = RectificationChange.objects.get(item=item)
    assert change.changed_by == d.users["leader1"]
    assert change.changes == changes


def test_rectified_is_dated_and_reopening_clears_the_date(live_district, secretary):
    item = _item(live_district.school1, secretary)
    item, changes = rectification_item_update(
        item=item, user=secretary, today=TODAY, status="rectified"
    )
    assert item.rectified_on == TODAY
    assert changes["rectified_on"] == ["", "2005-03-15"]
    later = TODAY + datetime.timedelta(days=3)
    item, changes = rectification_item_update(
        item=item, user=secretary, today=later, status="in_progress"
    )
    assert item.rectified_on is None
    assert changes["status"] == ["已整改", "整改中"]


def test_saving_without_a_change_records_nothing(live_district, secretary):
    item = _item(live_district.school1, secretary, responsible="王强")
    _item_again, changes = rectification_item_update(
        item=item, user=secretary, today=TODAY, responsible="王强", status="open"
    )
    assert changes == {}
    assert not RectificationChange.objects.exists()


PUT_OFF = {
    "public_explanation": "资金要列入明年预算,已在公示栏说明",
    "measure": "申请专项资金,暑假期间改造校舍",
    "responsible": "张建国",
}


@pytest.mark.parametrize(
    "left_out",
    [("public_explanation",), ("measure",), ("responsible",), tuple(PUT_OFF)],
    ids=["no-explanation", "no-measure", "no-responsible", "none-of-the-three"],
)
def test_not_yet_solvable_needs_explanation_measure_and_responsible(
    live_district, secretary, left_out
):
    """ "一时还解决不了的问题,要向群众解释清楚……提出解决问题的具体措施,抓好落实的责任人"."""
    item = _item(live_district.school1, secretary)
    fields = {**PUT_OFF, **dict.fromkeys(left_out, "  ")}
    with pytest.raises(ValidationError) as error:
        rectification_item_update(
            item=item, user=secretary, today=TODAY, status="not_yet", **fields
        )
    assert set(error.value.error_dict) == set(left_out)
    item.refresh_from_db()
    assert item.status == "open"
    assert not RectificationChange.objects.exists()
    with pytest.raises(ValidationError):
        _item(live_district.school1, secretary, status="not_yet", **fields)
    assert RectificationItem.objects.count() == 1


def test_not_yet_solvable_with_all_three_is_saved(live_district, secretary):
    item = _item(live_district.school1, secretary)
    item, changes = rectification_item_update(
        item=item, user=secretary, today=TODAY, status="not_yet", **PUT_OFF
    )
    assert item.status == "not_yet"
    assert changes["responsible"] == ["", "张建国"]
    assert _item(live_district.school1, secretary, status="not_yet", **PUT_OFF).pk


def test_the_other_statuses_need_no_measure_yet(live_district, secretary):
    for status in ("open", "in_progress", "rectified"):
        assert _item(live_district.school1, secretary, status=status).status == status


@pytest.mark.parametrize(
    ("deadline_offset", "status", "overdue"),
    [
        (0, "open", False),
        (-1, "open", True),
        (-1, "in_progress", True),
        (-1, "rectified", False),
        (-1, "not_yet", False),
        (None, "open", False),
    ],
    ids=["due-today", "yesterday-open", "yesterday-in-progress", "rectified", "explained", "none"],
)
def test_overdue_is_a_passed_deadline_not_dealt_with(
    live_district, secretary, deadline_offset, status, overdue
):
    deadline = None if deadline_offset is None else TODAY + datetime.timedelta(deadline_offset)
    item = _item(
        live_district.school1,
        secretary,
        deadline=deadline,
        status=status,
        **PUT_OFF,
    )
    assert selectors.is_overdue(item, TODAY) is overdue
    listed = selectors.rectification_items(live_district.school1, today=TODAY).get()
    assert listed.is_overdue is overdue
    assert selectors.rectification_summary(live_district.school1, TODAY).overdue == int(overdue)


def test_the_subtree_counts_by_status_and_category(live_district, secretary):
    d = live_district
    _item(d.school1, secretary, deadline=TODAY - datetime.timedelta(days=2))
    _item(d.school1, secretary, category="livelihood", status="rectified")
    _item(d.school2, d.users["leader1"], category="development", status="in_progress")
    _item(d.ward, d.users["secretary2"], source="public")
    summary = selectors.rectification_summary(d.education, TODAY)
    assert summary.total == 3
    assert summary.overdue == 1
    assert summary.open == 2
    assert summary.rectified == 1
    assert {v: n for v, _label, n in summary.by_status} == {
        "open": 1,
        "in_progress": 1,
        "rectified": 1,
        "not_yet": 0,
    }
    assert {v: n for v, _label, n in summary.by_category} == {
        "conduct": 1,
        "livelihood": 1,
        "development": 1,
    }
    assert selectors.open_rectification_count(d.education) == 2
    assert selectors.open_rectification_count(d.school1) == 1
    assert selectors.rectification_summary(d.root, TODAY).public == 1


# The pages ---------------------------------------------------------------------------------


def test_overdue_items_come_first_and_are_flagged_red(live_district, secretary, login):
    d = live_district
    today = timezone.localdate()
    _item(d.school1, secretary, problem="按期的问题", deadline=today)
    _item(d.school1, secretary, problem="超期的问题", deadline=today - datetime.timedelta(days=1))
    page = login(secretary).get(reverse("ledgers:rectification_items", args=[d.school1.pk]))
    html = page.content.decode()
    assert html.index("超期的问题") < html.index("按期的问题")
    flagged = html[html.index('class="list-group-item list-group-item-danger"') :]
    assert flagged.index("超期的问题") < flagged.index("已超期")
    assert html.count("已超期") == 1
    assert 'data-figure="overdue">1<' in html


def test_the_list_filters_by_status_category_source_and_overdue(live_district, secretary, login):
    d = live_district
    today = timezone.localdate()
    _item(d.school1, secretary, problem="甲问题", deadline=today - datetime.timedelta(days=5))
    _item(d.school1, secretary, problem="乙问题", category="livelihood", status="in_progress")
    _item(d.school2, d.users["leader1"], problem="丙问题", source="public")
    client = login(d.users["leader1"])
    url = reverse("ledgers:rectification_items", args=[d.education.pk])

    def listed(**params):
        html = client.get(url, params).content.decode()
        items = html[html.index('id="items"') :]
        return {name for name in ("甲问题", "乙问题", "丙问题") if name in items}

    assert listed() == {"甲问题", "乙问题", "丙问题"}
    assert listed(status="in_progress") == {"乙问题"}
    assert listed(category="livelihood") == {"乙问题"}
    assert listed(source="public") == {"丙问题"}
    assert listed(overdue="1") == {"甲问题"}
    # An unknown filter is ignored rather than an error.
    assert listed(status="nonsense") == {"甲问题", "乙问题", "丙问题"}


def test_the_rollup_shows_each_unit_above_branch_level(live_district, secretary, login):
    d = live_district
    _item(d.school1, secretary, deadline=timezone.localdate() - datetime.timedelta(days=1))
    _item(d.school2, d.users["leader1"], status="rectified")
    html = (
        login(d.users["leader1"])
        .get(reverse("ledgers:rectification_items", args=[d.education.pk]))
        .content.decode()
    )
    table = html[
        html.index('id="unit-table"') : html.index("</table>", html.index('id="unit-table"'))
    ]
    assert table.index("区一中党支部") < table.index("区二中党支部")
    branch = login(secretary).get(reverse("ledgers:rectification_items", args=[d.school1.pk]))
    assert 'id="unit-table"' not in branch.content.decode()


def test_the_item_page_shows_the_history(live_district, secretary, login):
    d = live_district
    item = _item(d.school1, secretary, responsible="王强")
    client = login(d.users["leader1"])
    response = client.post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {
            "problem": item.problem,
            "category": "conduct",
            "responsible": "张建国",
            "status": "rectified",
            "measure": "实行午间轮流值班",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已保存" in html
    history = html[html.index('id="history"') :]
    assert "王强" in history and "张建国" in history
    assert history.index("待整改") < history.index("已整改")
    assert "整改措施" in history and "实行午间轮流值班" in history
    dated = f"(空)</del> → <strong>{day_text(timezone.localdate())}</strong>"
    assert f'整改完成日期:<del class="text-body-secondary">{dated}' in history


def test_what_an_item_put_off_lacks_is_shown_on_the_form_with_what_was_typed(
    live_district, secretary, login
):
    item = _item(live_district.school1, secretary)
    response = login(secretary).post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {
            "problem": item.problem,
            "category": "development",
            "measure": "申请专项资金改造校舍",
            "responsible": "",
            "status": "not_yet",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    missing = html[html.index('id="not-yet-missing"') :]
    missing = missing[: missing.index("</div>")]
    assert "向群众的解释、责任人" in missing
    assert "整改措施" not in missing.split("还没有填写")[1]
    assert "要向群众解释清楚:请写明" in html
    assert "要抓好落实的责任人:请写明由谁负责落实" in html
    assert "也要提出解决问题的具体措施" not in html
    assert "申请专项资金改造校舍" in html
    assert 'value="not_yet" selected' in html
    item.refresh_from_db()
    assert item.status == "open"


def test_an_item_put_off_with_all_three_is_saved_from_the_form(live_district, secretary, login):
    item = _item(live_district.school1, secretary)
    response = login(secretary).post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {"problem": item.problem, "category": "development", "status": "not_yet", **PUT_OFF},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.measure, item.responsible) == (
        "not_yet",
        PUT_OFF["measure"],
        "张建国",
    )


def test_a_bad_date_is_shown_in_chinese(live_district, secretary, login):
    response = login(secretary).post(
        reverse("ledgers:rectification_item_create", args=[live_district.school1.pk]),
        {
            "problem": "校门口交通拥堵",
            "source": "self_check",
            "category": "livelihood",
            "status": "open",
            "deadline": "三月底",
        },
    )
    html = response.content.decode()
    assert "请填写正确的日期" in html
    assert "校门口交通拥堵" in html
    assert not RectificationItem.objects.exists()


def test_the_public_s_words_stay_as_written(live_district, secretary, login):
    item = _item(live_district.school1, None, problem="老师收礼", source="public")
    client = login(secretary)
    html = client.get(reverse("ledgers:rectification_item_edit", args=[item.pk])).content.decode()
    assert 'name="problem"' not in html
    assert "群众意见原文" in html
    client.post(
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        {"problem": "改写过的意见", "category": "conduct", "status": "in_progress"},
    )
    item.refresh_from_db()
    assert item.problem == "老师收礼"
    assert item.status == "in_progress"


# Query counts ------------------------------------------------------------------------------


def _grow(d, secretary):
    for n in range(6):
        _item(d.school1, secretary, problem=f"问题{n}", deadline=TODAY)
        _item(d.school2, d.users["leader1"], problem=f"二中问题{n}", status="rectified")
    item = RectificationItem.objects.filter(unit=d.school1).first()
    for status in ("in_progress", "open", "in_progress"):
        rectification_item_update(item=item, user=secretary, today=TODAY, status=status)


@pytest.mark.parametrize(
    "url",
    [
        lambda d: reverse("ledgers:rectification_items", args=[d.education.pk]),
        lambda d: reverse("ledgers:rectification_items", args=[d.school1.pk]),
        lambda d: reverse("ledgers:rectification_item", args=[d.first_item.pk]),
    ],
    ids=["committee", "branch", "item"],
)
def test_query_count_does_not_grow_with_data(live_district, secretary, login, count_queries, url):
    d = live_district
    d.first_item = _item(d.school1, secretary)
    rectification_item_update(item=d.first_item, user=secretary, today=TODAY, status="in_progress")
    client = login(d.users["leader1"])
    before = count_queries(client, url(d))
    _grow(d, secretary)
    for status in ("open", "rectified", "in_progress"):
        rectification_item_update(item=d.first_item, user=secretary, today=TODAY, status=status)
    assert count_queries(client, url(d)) == before

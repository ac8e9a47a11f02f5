"""The briefing pages: who may use them, the request form, progress, failure and retry, the
download, and a list whose query count does not grow with the briefings in it."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from config.celery import app
from reports import briefing_document
from reports.models import Briefing, BriefingState
from reports.services import briefings
from reports.services.briefings import briefing_generate

FAKE_PDF = b"%PDF-1.7\n% a stand-in for a briefing\n"


@pytest.fixture(autouse=True)
def in_process(settings, tmp_path, monkeypatch):
    """The job runs as the request commits, not in a thread beside it as it would in
    production's in-process mode: another thread would not see the test's uncommitted rows.
    tests/reports/test_briefing_in_process.py tests the thread."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    monkeypatch.setattr(briefings, "_send", briefing_generate.delay)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield
    app.conf.task_always_eager = saved


def make_briefing(district, *, issue, unit=None, group=None, state=BriefingState.DONE, by=None):
    """A briefing as the task leaves it, without running the task."""
    briefing = Briefing.objects.create(
        batch=district.batch,
        unit=unit if group is None else None,
        group=group,
        issue_number=issue,
        period_start=datetime.date(2005, 1, 20),
        period_end=datetime.date(2005, 1, 26),
        state=state,
        progress={"queued": 0, "running": 40, "failed": 60, "done": 100}[state],
        error="生成PDF文件时出错:RuntimeError: 找不到中文字体" if state == "failed" else "",
        requested_by=by or district.users["office"],
    )
    if state == BriefingState.DONE:
        briefing.file.save(f"jianbao-{issue}.pdf", ContentFile(FAKE_PDF))
    return briefing


@pytest.fixture
def made(district):
    """One briefing of each scope: the district, a 党委, the first supervision group."""
    return {
        "district": make_briefing(district, issue=1, unit=district.root),
        "unit": make_briefing(district, issue=2, unit=district.education),
        "group": make_briefing(
            district, issue=3, group=district.groups[0], by=district.users["supervisor1"]
        ),
    }


def url(name, briefing=None):
    args = [briefing.pk] if briefing is not None else []
    return reverse(f"reports:{name}", args=args)


# Who may see what ------------------------------------------------------------------------

LIST_ACCESS = {
    "office": 200,
    "supervisor1": 200,
    "supervisor2": 200,
    "leader1": 403,
    "secretary1": 403,
    "member1": 403,
    "outsider": 403,
}


@pytest.mark.parametrize(("persona", "status"), LIST_ACCESS.items(), ids=LIST_ACCESS.keys())
def test_who_may_open_the_list(district, login, persona, status):
    assert login(district.users[persona]).get(url("briefing_list")).status_code == status


@pytest.mark.parametrize("persona", ["leader1", "secretary1", "member1", "outsider"])
def test_who_may_not_brief_cannot_post_a_request(district, login, persona):
    client = login(district.users[persona])
    response = client.post(url("briefing_list"), {"scope": "district", "issue_number": 1})
    assert response.status_code == 403
    assert not Briefing.objects.exists()


# (persona, scope of the briefing) → status, for detail, status, download and retry.
# A unit outside the persona's sight is a 404, a unit seen but not theirs a 403; a group's
# briefing, like the group's other pages, does not exist for those outside the group.
ACCESS = {
    ("office", "district"): 200,
    ("office", "unit"): 200,
    ("office", "group"): 200,
    ("supervisor1", "district"): 404,
    ("supervisor1", "unit"): 403,
    ("supervisor1", "group"): 200,
    ("supervisor2", "group"): 404,
    ("supervisor2", "unit"): 404,
    ("leader1", "unit"): 403,
    ("leader1", "group"): 404,
    ("leader1", "district"): 404,
    ("secretary1", "unit"): 404,
    ("member1", "district"): 404,
    ("member1", "group"): 404,
    ("outsider", "unit"): 404,
    ("outsider", "group"): 404,
}
VIEWS = ["briefing_detail", "briefing_status", "briefing_download"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("who", "status"), ACCESS.items(), ids=[f"{p}-{s}" for p, s in ACCESS])
def test_who_may_open_a_briefing(district, made, login, view, who, status):
    persona, scope = who
    response = login(district.users[persona]).get(url(view, made[scope]))
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), ACCESS.items(), ids=[f"{p}-{s}" for p, s in ACCESS])
def test_who_may_retry_a_briefing(district, login, django_capture_on_commit_callbacks, who, status):
    persona, scope = who
    target = {"district": district.root, "unit": district.education, "group": None}[scope]
    group = district.groups[0] if scope == "group" else None
    failed = make_briefing(district, issue=9, unit=target, group=group, state="failed")
    with django_capture_on_commit_callbacks(execute=False):
        response = login(district.users[persona]).post(url("briefing_retry", failed))
    expected = 302 if status == 200 else status
    assert response.status_code == expected
    failed.refresh_from_db()
    assert failed.state == (BriefingState.QUEUED if status == 200 else BriefingState.FAILED)


@pytest.mark.parametrize("view", ["briefing_list", *VIEWS, "briefing_retry"])
def test_anonymous_users_are_sent_to_log_in(client, made, view):
    target = None if view == "briefing_list" else made["district"]
    response = client.get(url(view, target))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_retry_takes_only_a_post(district, made, login):
    response = login(district.users["office"]).get(url("briefing_retry", made["district"]))
    assert response.status_code == 405


# The list and the request form -----------------------------------------------------------


def test_the_office_sees_every_briefing_newest_first(district, made, login):
    weekly = make_briefing(district, issue=4, unit=district.root, state="queued")
    Briefing.objects.filter(pk=weekly.pk).update(requested_by=None)
    page = login(district.users["office"]).get(url("briefing_list")).content.decode()
    order = [page.index(f'data-briefing="{b.pk}"') for b in [weekly, *reversed(made.values())]]
    assert order == sorted(order)
    assert "每周自动生成" in page
    assert page.count("下载PDF") == 3
    assert 'name="issue_number" value="5"' in page


def test_a_supervisor_sees_only_their_groups_briefings(district, made, login):
    page = login(district.users["supervisor1"]).get(url("briefing_list")).content.decode()
    assert f'data-briefing="{made["group"].pk}"' in page
    assert f'data-briefing="{made["district"].pk}"' not in page
    assert f'data-briefing="{made["unit"].pk}"' not in page
    # The form offers their own group only, and no other scope.
    assert 'value="district"' not in page
    assert "第一督导组" in page
    assert "第二督导组" not in page


def test_the_office_requests_a_district_briefing(
    district, login, django_capture_on_commit_callbacks
):
    client = login(district.users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("briefing_list"),
            {
                "scope": "district",
                "period_start": "2005-01-20",
                "period_end": "2005-01-26",
                "issue_number": "1",
                "copies": "80",
            },
        )
    briefing = Briefing.objects.get()
    assert response.status_code == 302
    assert briefing.copies == 80
    assert response.url == url("briefing_detail", briefing)
    assert briefing.unit == district.root
    assert briefing.requested_by == district.users["office"]

    page = client.get(response.url).content.decode()
    assert "已申请第1期简报。" in page
    # Finished: the page says so, and nothing on it says it is still being made.
    assert "data-state-badge>已完成</span>" in page
    assert "简报在后台生成" not in page
    assert url("briefing_download", briefing) in page
    assert 'http-equiv="refresh"' not in page

    download = client.get(url("briefing_download", briefing))
    assert download["Content-Type"] == "application/pdf"
    assert quote("先进性教育活动简报第1期.pdf") in download["Content-Disposition"]
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("scope", "field", "value"),
    [("unit", "unit", "education"), ("group", "group", "groups")],
    ids=["a-committee", "a-group"],
)
def test_the_office_requests_a_briefing_of_a_committee_or_a_group(
    district, login, django_capture_on_commit_callbacks, scope, field, value
):
    target = getattr(district, value)
    target = target[1] if isinstance(target, list) else target
    with django_capture_on_commit_callbacks(execute=False):
        login(district.users["office"]).post(
            url("briefing_list"),
            {
                "scope": scope,
                field: target.pk,
                "period_start": "2005-01-20",
                "period_end": "2005-01-26",
                "issue_number": "7",
            },
        )
    briefing = Briefing.objects.get()
    assert getattr(briefing, field) == target
    assert briefing.issue_number == 7


def test_a_supervisor_requests_their_groups_briefing(
    district, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = login(district.users["supervisor1"]).post(
            url("briefing_list"),
            {
                "scope": "group",
                "group": district.groups[0].pk,
                "period_start": "2005-01-20",
                "period_end": "2005-01-26",
                "issue_number": "1",
            },
        )
    assert response.status_code == 302
    assert Briefing.objects.get().group == district.groups[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "group", "group": "other"}, "只能为本督导组申请简报。"),
        ({"scope": "district"}, "选择一个有效的选项"),
        ({"scope": "unit", "unit": "education"}, "选择一个有效的选项"),
    ],
    ids=["another-group", "the-district", "a-committee"],
)
def test_a_supervisor_cannot_request_another_scope(district, login, data, message):
    data = dict(data)
    if data.get("group") == "other":
        data["group"] = district.groups[1].pk
    if data.get("unit") == "education":
        data["unit"] = district.education.pk
    response = login(district.users["supervisor1"]).post(
        url("briefing_list"),
        {**data, "period_start": "2005-01-20", "period_end": "2005-01-26", "issue_number": "1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Briefing.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"issue_number": "1"}, "第1期简报已经有了,下一期是第4期。"),
        (
            {"period_start": "2005-02-07", "period_end": "2005-02-01"},
            "统计截止日期不能早于起始日期。",
        ),
        ({"period_start": "2004-12-01"}, "统计期间应在本批次活动期间"),
        ({"scope": "unit"}, "请选择党委。"),
        ({"scope": "group"}, "请选择督导组。"),
        ({"issue_number": "0"}, "期号从第1期开始。"),
        ({"period_start": ""}, "请填写日期。"),
        ({"copies": "0"}, "印数至少1份。"),
        ({"copies": "三十"}, "印数应是整数。"),
    ],
    ids=[
        "issue-taken",
        "ends-before-start",
        "before-campaign",
        "no-committee",
        "no-group",
        "issue-zero",
        "no-date",
        "no-copies",
        "copies-in-words",
    ],
)
def test_a_request_the_rules_refuse_shows_why(district, made, login, data, message):
    response = login(district.users["office"]).post(
        url("briefing_list"),
        {
            "scope": "district",
            "period_start": "2005-01-20",
            "period_end": "2005-01-26",
            "issue_number": "10",
            **data,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Briefing.objects.count() == 3


def test_without_a_current_batch_the_list_says_so(district, made, login):
    district.batch.is_current = False
    district.batch.save()
    page = login(district.users["office"]).get(url("briefing_list")).content.decode()
    assert "尚未设置当前批次" in page
    assert 'id="briefing-form"' not in page
    assert f'data-briefing="{made["district"].pk}"' in page


# Progress, failure, retry ----------------------------------------------------------------


def test_a_briefing_being_made_shows_its_progress_and_polls(district, login):
    running = make_briefing(district, issue=1, unit=district.root, state="running")
    client = login(district.users["office"])
    page = client.get(url("briefing_detail", running)).content.decode()
    assert 'aria-valuenow="40"' in page
    assert f'data-status-url="{url("briefing_status", running)}"' in page
    assert "js/briefing.js" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    # Without JavaScript, a plain link refreshes it too.
    assert f'id="refresh" href="{url("briefing_detail", running)}"' in page
    assert "下载PDF" not in page

    status = client.get(url("briefing_status", running)).json()
    assert status == {
        "state": "running",
        "state_label": "生成中",
        "progress": 40,
        "error": "",
        "download_url": None,
    }


def test_the_status_of_a_finished_briefing_says_where_to_download(district, made, login):
    status = login(district.users["office"]).get(url("briefing_status", made["district"]))
    assert status.json()["download_url"] == url("briefing_download", made["district"])


def test_an_unfinished_briefing_has_nothing_to_download(district, login):
    running = make_briefing(district, issue=1, unit=district.root, state="running")
    response = login(district.users["office"]).get(url("briefing_download", running))
    assert response.status_code == 404


def test_a_pdf_missing_from_storage_is_a_404(district, made, login):
    made["district"].file.delete(save=False)
    response = login(district.users["office"]).get(url("briefing_download", made["district"]))
    assert response.status_code == 404


def test_a_failed_briefing_shows_the_reason_and_is_retried(
    district, login, django_capture_on_commit_callbacks, monkeypatch
):
    client = login(district.users["office"])

    def broken(html):
        raise RuntimeError("找不到中文字体")

    form = {
        "scope": "district",
        "period_start": "2005-01-20",
        "period_end": "2005-01-26",
        "issue_number": "1",
    }
    with monkeypatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr(briefing_document, "briefing_pdf", broken)
        client.post(url("briefing_list"), form)
    # The task ran as the request committed: the page shows what it left.
    briefing = Briefing.objects.get()
    page = client.get(url("briefing_detail", briefing)).content.decode()
    assert "简报生成失败" in page
    assert "生成PDF文件时出错:RuntimeError: 找不到中文字体" in page
    assert url("briefing_retry", briefing) in page
    assert "重试" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("briefing_retry", briefing))
    page = client.get(url("briefing_detail", briefing)).content.decode()
    assert "已重新申请生成第1期简报" in page
    assert url("briefing_download", briefing) in page
    briefing.refresh_from_db()
    assert briefing.state == BriefingState.DONE


def test_retrying_a_briefing_that_did_not_fail_says_so(district, made, login):
    response = login(district.users["office"]).post(
        url("briefing_retry", made["district"]), follow=True
    )
    assert "只有生成失败的简报才能重试" in response.content.decode()


# Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office", "supervisor1"])
def test_the_list_makes_the_same_queries_however_many_briefings(
    district, login, count_queries, persona
):
    client = login(district.users[persona])
    make_briefing(district, issue=1, group=district.groups[0])
    few = count_queries(client, url("briefing_list"))
    for issue in range(2, 12):
        make_briefing(district, issue=issue, group=district.groups[0], state="failed")
        make_briefing(district, issue=issue + 100, unit=district.education, state="running")
    many = count_queries(client, url("briefing_list"))
    assert few == many


def test_the_detail_page_makes_a_fixed_number_of_queries(district, made, login, count_queries):
    client = login(district.users["office"])
    assert count_queries(client, url("briefing_detail", made["group"])) <= 6

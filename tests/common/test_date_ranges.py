"""Every date a form takes lies between 1900 and 2100, and the forms whose dates depend on
each other say so: a member born by today and joined at eighteen at the earliest, a
rectification deadline not before the problem was filed, a 转段 or a corrected stage date
inside the batch."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from campaign.models import Batch
from ledgers.models import RectificationItem
from ledgers.services.rectification import rectification_item_create
from supervision.models import StageCorrection
from tests.factories import UserFactory
from tests.supervision.test_application_pages import url, with_opinion

DAY = datetime.timedelta(days=1)
RANGE_ERROR = "应在1900年1月1日至2100年12月31日之间"


def _today():
    return timezone.localdate()


def _errors(response, field):
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors.get(field, []))


# Every date field ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("0001-01-01", False),
        ("1899-12-31", False),
        ("1900-01-01", True),
        ("2100-12-31", True),
        ("2101-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_a_date_field_takes_1900_to_2100(typed, accepted):
    field = forms.DateField(label="出生日期")
    if accepted:
        assert field.clean(typed) == datetime.date.fromisoformat(typed)
    else:
        with pytest.raises(forms.ValidationError) as error:
            field.clean(typed)
        assert error.value.messages == [f"出生日期{RANGE_ERROR},请核对年份。"]


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [("0001-01-01 08:00", False), ("2005-03-01 08:00", True), ("9999-12-31 23:59", False)],
)
def test_a_date_and_time_field_takes_1900_to_2100(typed, accepted):
    field = forms.DateTimeField(label="开始时间")
    if accepted:
        assert field.clean(typed).year == 2005
    else:
        with pytest.raises(forms.ValidationError, match=f"开始时间{RANGE_ERROR}"):
            field.clean(typed)


def test_an_empty_optional_date_is_still_empty():
    assert forms.DateField(required=False).clean("") is None


def test_the_admin_refuses_a_batch_ending_in_9999(district, client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    batch = district.batch

    response = client.post(
        reverse("admin:campaign_batch_change", args=[batch.pk]),
        {
            "name": batch.name,
            "targets": batch.targets,
            "starts_on": batch.starts_on.isoformat(),
            "ends_on": "9999-12-31",
            "is_current": "on",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["ends_on"]
    assert errors == [f"结束日期{RANGE_ERROR},请核对年份。"]
    assert Batch.objects.get(pk=batch.pk).ends_on == batch.ends_on


# A member's birth and 入党 --------------------------------------------------------------


def _member_post(district, login, **dates):
    return login(district.users["office"]).post(
        reverse("units:member_edit", args=[district.member1.pk]),
        {"name": "张建国", "unit": district.school1.pk, "category": "in_service", **dates},
    )


@pytest.mark.parametrize(
    ("birth", "error"),
    [
        ("1899-12-31", f"出生日期{RANGE_ERROR}"),
        ("1900-01-01", ""),
        ("today", ""),
        ("tomorrow", "出生日期不能晚于今天"),
        ("2100-01-01", "出生日期不能晚于今天"),
        ("9999-12-31", f"出生日期{RANGE_ERROR}"),
    ],
)
def test_a_member_is_born_between_1900_and_today(district, login, birth, error):
    typed = {"today": _today(), "tomorrow": _today() + DAY}.get(birth, birth)

    response = _member_post(district, login, birth_date=str(typed))

    if error:
        assert error in _errors(response, "birth_date")
    else:
        assert response.status_code == 302
        district.member1.refresh_from_db()
        assert str(district.member1.birth_date) == str(typed)


@pytest.mark.parametrize(
    ("birth", "joined", "error"),
    [
        ("1960-05-04", "1978-05-04", ""),
        ("1960-05-04", "1978-05-03", "入党日期不能早于1978年5月4日:党章规定年满十八岁"),
        ("1960-05-04", "1950-07-01", "入党日期不能早于1978年5月4日"),
        ("1960-02-29", "1978-03-01", ""),
        ("1960-02-29", "1978-02-28", "入党日期不能早于1978年3月1日"),
        ("1960-02-29", "1988-02-29", ""),
        ("", "1921-07-01", ""),
        ("", "0001-01-01", f"入党日期{RANGE_ERROR}"),
        ("", "9999-12-31", f"入党日期{RANGE_ERROR}"),
        ("", "tomorrow", "入党日期不能晚于今天"),
    ],
)
def test_a_member_joins_at_eighteen_and_by_today(district, login, birth, joined, error):
    if joined == "tomorrow":
        joined = str(_today() + DAY)

    response = _member_post(district, login, birth_date=birth, joined_on=joined)

    if error:
        assert error in _errors(response, "joined_on")
    else:
        assert response.status_code == 302
        district.member1.refresh_from_db()
        assert str(district.member1.joined_on) == joined


# A rectification deadline ----------------------------------------------------------------


def _deadline_post(client, target, deadline):
    return client.post(
        target,
        {
            "problem": "办事窗口午休不接待群众",
            "source": "self_check",
            "category": "conduct",
            "status": "open",
            "deadline": str(deadline),
        },
    )


@pytest.mark.parametrize(
    ("days", "error"),
    [(-1, "整改时限不能早于问题登记的日期"), (0, ""), (60, "")],
    ids=["yesterday", "today", "in two months"],
)
def test_a_new_problem_s_deadline_is_today_or_later(live_district, login, days, error):
    client = login(live_district.users["secretary1"])
    target = reverse("ledgers:rectification_item_create", args=[live_district.school1.pk])

    response = _deadline_post(client, target, _today() + datetime.timedelta(days=days))

    if error:
        assert error in _errors(response, "deadline")
        assert not RectificationItem.objects.exists()
    else:
        assert response.status_code == 302
        assert RectificationItem.objects.get().deadline == _today() + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("deadline", "error"),
    [
        ("day before filing", "整改时限不能早于问题登记的日期"),
        ("filing day", ""),
        ("1900-01-01", "整改时限不能早于问题登记的日期"),
        ("2101-01-01", f"整改时限{RANGE_ERROR}"),
    ],
)
def test_an_edited_deadline_is_not_before_the_problem_was_filed(
    live_district, login, deadline, error
):
    d = live_district
    secretary = d.users["secretary1"]
    item = rectification_item_create(
        unit=d.school1,
        user=secretary,
        problem="办事窗口午休不接待群众",
        source="self_check",
        category="conduct",
    )
    filed = _today() - datetime.timedelta(days=10)
    RectificationItem.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    typed = {"day before filing": filed - DAY, "filing day": filed}.get(deadline, deadline)

    response = _deadline_post(
        login(secretary),
        reverse("ledgers:rectification_item_edit", args=[item.pk]),
        typed,
    )

    if error:
        assert error in _errors(response, "deadline")
        item.refresh_from_db()
        assert item.deadline is None
    else:
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.deadline == filed


# A 转段 and a corrected stage ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("last day", ""),
        ("day after", "转段日期应在本批次活动期间"),
        ("9999-12-31", f"转段日期{RANGE_ERROR}"),
    ],
)
def test_a_transition_date_lies_inside_the_batch(live_district, login, day, error):
    d = live_district
    application = with_opinion(d)
    typed = {"last day": d.batch.ends_on, "day after": d.batch.ends_on + DAY}.get(day, day)

    response = login(d.users["office"]).post(
        url("application_approve", application),
        {"transition_date": str(typed), "reason": "合格", "confirm": "on"},
    )

    d.school1.refresh_from_db()
    if error:
        assert response.status_code == 200
        assert error in response.content.decode()
        assert d.school1.stage == d.stages[0]
    else:
        assert response.status_code == 302
        assert (d.school1.stage, d.school1.stage_since) == (d.stages[1], d.batch.ends_on)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("first day", ""),
        ("day before", "进入该阶段的日期应在本批次活动期间"),
        ("1900-01-01", "进入该阶段的日期应在本批次活动期间"),
        ("0001-01-01", f"进入该阶段的日期{RANGE_ERROR}"),
    ],
)
def test_a_corrected_stage_date_lies_inside_the_batch(live_district, login, day, error):
    d = live_district
    first = d.batch.starts_on
    typed = {"first day": first, "day before": first - DAY}.get(day, day)

    response = login(d.users["office"]).post(
        reverse("supervision:stage_correct", args=[d.school1.pk]),
        {"stage": d.stages[1].pk, "since": str(typed), "reason": "建档时阶段录错。"},
    )

    if error:
        assert error in _errors(response, "since")
        assert not StageCorrection.objects.exists()
    else:
        assert response.status_code == 302
        d.school1.refresh_from_db()
        assert (d.school1.stage, d.school1.stage_since) == (d.stages[1], first)

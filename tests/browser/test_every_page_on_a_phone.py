"""Each role's day on a 375-px phone: every page a secretary, a member, a leader, a
supervisor and the office open fits the screen (no sideways scrolling) and every button,
page link and choice on it is at least 44 px high, a target a thumb can hit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from study.models import AttendanceStatus, WritingKind
from study.services.sessions import roster_save
from study.services.writings import writing_submit
from tests.conftest import log_in
from tests.factories import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements that are targets, and those of them smaller than a thumb, with what they say.
SMALL_TARGETS = """() => {
  const targets = document.querySelectorAll(
    "main .btn, main .page-link, main .form-check, main .list-group-item-action, " +
    "main input.form-control, main select.form-select, main textarea.form-control"
  );
  const small = [];
  for (const target of targets) {
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown on a phone
    if (box.height < 44) {
      const text = target.textContent.trim().slice(0, 20);
      small.push(`${target.className.split(" ")[0]} "${text}" ${Math.round(box.height)}px`);
    }
  }
  return small;
}"""


def _pages(d, session):
    school = d.school1.pk
    committee = d.school1.parent_id
    return {
        "secretary1": [
            reverse("home"),
            reverse("study:sessions", args=[school]),
            reverse("study:session", args=[session.pk]),
            reverse("study:session_create", args=[school]),
            reverse("study:review_queue", args=[school]),
            reverse("study:makeups", args=[school]),
            reverse("study:leave_list", args=[school]),
            reverse("study:mobile_members", args=[school]),
            reverse("study:unit_progress", args=[school]),
            reverse("units:detail", args=[school]),
            reverse("units:members", args=[school]),
            reverse("supervision:unit_transition", args=[school]),
        ],
        "member1": [
            reverse("home"),
            reverse("study:my_progress"),
            reverse("study:checkin"),
            reverse("study:my_writings"),
            reverse("study:my_leave"),
            reverse("study:my_self_study"),
            reverse("campaign:plan"),
        ],
        "leader1": [
            reverse("home"),
            reverse("reports:dashboard"),
            reverse("study:unit_progress", args=[committee]),
            reverse("units:detail", args=[committee]),
            reverse("ledgers:leaders_trips"),
            reverse("supervision:applications"),
        ],
        "supervisor1": [
            reverse("home"),
            reverse("reports:dashboard"),
            reverse("supervision:applications"),
            reverse("study:review_queue", args=[school]),
        ],
        "office": [
            reverse("home"),
            reverse("reports:dashboard"),
            reverse("reports:briefing_list"),
            reverse("supervision:applications"),
            reverse("supervision:notifications"),
            reverse("units:tree"),
            reverse("campaign:plan"),
        ],
    }


@pytest.fixture
def day(live_district):
    """A session held this morning with its roster saved, and a note waiting for 批阅."""
    d = live_district
    secretary = d.users["secretary1"]
    session = make_session(
        d.school1, secretary, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    members = list(d.school1.members.order_by("pk"))
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE]
    roster_save(
        session=session,
        entries=[(m.pk, statuses[i % 3]) for i, m in enumerate(members)],
        user=secretary,
    )
    writing_submit(
        member=d.member1,
        kind=WritingKind.NOTE,
        title="学习党章的体会",
        text="认真学习党章,对照检查自己。" * 20,
        user=d.users["member1"],
    )
    return d, session


@pytest.mark.parametrize("persona", ["secretary1", "member1", "leader1", "supervisor1", "office"])
def test_every_page_of_the_day_fits_a_phone_and_its_targets_a_thumb(day, phone, persona):
    d, session = day
    log_in(phone, persona)
    problems = {}
    for path in _pages(d, session)[persona]:
        response = phone.open(path)
        assert response.status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        small = phone.evaluate(SMALL_TARGETS)
        if width > 375 or small:
            problems[path] = {"width": width, "small targets": small}
    assert not problems, problems


def test_a_form_sent_back_shows_its_summary_first(live_district, phone):
    log_in(phone, "secretary1")
    phone.open(reverse("study:session_create", args=[live_district.school1.pk]))
    phone.get_by_label("学习内容").fill("")
    phone.get_by_role("button", name="保存").click()
    summary = phone.locator(".form-error-summary")
    # The page comes back with the summary in view and focused, each field linked.
    assert summary.evaluate("el => el === document.activeElement")
    assert summary.evaluate("el => el.getBoundingClientRect().top") < 740
    summary.get_by_role("link", name="学习内容").click()
    assert phone.evaluate("document.activeElement.id") == "id_title"

"""Each persona's pages run under the Content-Security-Policy (config/settings.py) without
a single violation: nothing inline is refused, so nothing the user needs is lost. The
browser reports a refusal twice, on its console ("… violates the following Content
Security Policy directive …"; older versions "Refused to …") and as a
securitypolicyviolation event in the page; the test listens to both. And what moved from
inline code and styles to static files still works: the writing counter, the questions
before a delete, the briefings' progress bars, the public page's narrow column."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import Reading
from ledgers.services.rectification import survey_token
from reports.models import Briefing, BriefingState
from study.models import WritingKind
from tests.browser.test_every_page_on_a_phone import _pages
from tests.conftest import log_in
from tests.factories import make_session
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Run in every document before its own scripts.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""

# The events are queued as tasks: read them once those before have run.
READ_VIOLATIONS = """() => new Promise((resolve) => {
  setTimeout(() => resolve(window.__cspViolations || ["the recorder did not run"]), 100);
})"""


@pytest.fixture
def watched(phone):
    """The phone, with `watched.visit(path)`: opens the page and returns what went wrong
    there (the policy header missing, a violation, a script's uncaught error)."""
    phone.add_init_script(RECORD_VIOLATIONS)
    heard = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            heard.append(message.text)

    phone.on("console", on_console)
    phone.on("pageerror", lambda error: heard.append(f"uncaught: {error}"))

    def visit(path):
        heard.clear()
        response = phone.open(path)
        problems = [] if response.status == 200 else [f"status {response.status}"]
        policy = response.headers.get("content-security-policy", "")
        if "script-src 'self'" not in policy or "style-src 'self'" not in policy:
            problems.append(f"Content-Security-Policy header: {policy!r}")
        problems += phone.evaluate(READ_VIOLATIONS) + heard
        return problems

    phone.visit = visit
    return phone


@pytest.fixture
def campaign_day(live_district):
    """A session under way with its sign-in open, and a briefing halfway made."""
    d = live_district
    session = make_session(
        d.school1, d.users["secretary1"], starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    briefing = _briefing(d, progress=40)
    return d, session, briefing


def _briefing(d, *, progress):
    # Halfway, as a worker leaves it, and never finished: the page keeps polling and the
    # bar stays where it is.
    return Briefing.objects.create(
        batch=d.batch,
        unit=d.root,
        issue_number=1,
        period_start=d.batch.starts_on,
        period_end=timezone.localdate(),
        state=BriefingState.RUNNING,
        progress=progress,
        requested_by=d.users["office"],
    )


def _more_pages(d, briefing):
    """Besides a phone's day (test_every_page_on_a_phone, which has the session with its
    roster, the unit, the sign-in and the member's writings): the other pages whose inline
    script, style or handler moved to static files."""
    return {
        "secretary1": [reverse("study:topics")],
        "member1": [],
        "leader1": [reverse("study:topics")],
        "supervisor1": [reverse("reports:briefing_list")],
        "office": [
            reverse("reports:briefing_detail", args=[briefing.pk]),
            reverse("units:detail", args=[d.street.pk]),
            reverse("study:topics"),
            reverse("ledgers:survey_results", args=[d.school1.pk]),
        ],
    }


@pytest.mark.parametrize("persona", ["secretary1", "member1", "leader1", "supervisor1", "office"])
def test_every_page_of_a_persona_runs_without_a_violation(campaign_day, watched, persona):
    d, session, briefing = campaign_day
    log_in(watched, persona)
    paths = _pages(d, session)[persona] + _more_pages(d, briefing)[persona]
    problems = {path: found for path in paths if (found := watched.visit(path))}
    assert not problems, problems


def test_the_public_survey_runs_without_a_violation(live_district, watched):
    problems = watched.visit(reverse("ledgers:survey", args=[survey_token(live_district.school1)]))
    assert not problems, problems
    # The column once drawn by style="max-width: 40rem", now app.css's .public-column.
    assert watched.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "640px"


def test_an_inline_script_style_or_handler_is_caught(live_district, watched):
    # The check itself: the login page, as the server sends it (its policy included), with
    # what the policy refuses put back in.
    def put_back(route):
        response = route.fetch()
        refused = (
            '<p style="color: red">—</p><button onclick="go()">—</button><script>go();</script>'
        )
        route.fulfill(
            response=response, body=response.text().replace("</main>", refused + "</main>")
        )

    watched.route("**/login/", put_back)
    problems = "\n".join(watched.visit(reverse("login")))
    # Each once as an event, once on the console.
    for directive in ("script-src-elem", "script-src-attr", "style-src-attr"):
        assert f"{directive} refused inline" in problems
    assert problems.count("Content Security Policy directive") == 3


def test_the_writing_counter_counts_as_the_member_types(live_district, watched):
    log_in(watched, "member1")
    assert not watched.visit(reverse("study:my_writings"))
    counter = watched.locator("#char-counter")
    expect(counter).to_have_text("已写 0 字")
    watched.get_by_label("类别").select_option(WritingKind.ESSAY)
    watched.get_by_label("正文").fill("学习 党章")
    expect(counter).to_have_text("已写 4 字,距3000字还差 2996 字")


def _answer(page, *, accept):
    """Answer the page's next confirm(): the list it returns gets the question."""
    asked = []

    def reply(dialog):
        asked.append(dialog.message)
        if accept:
            dialog.accept()
        else:
            dialog.dismiss()

    page.once("dialog", reply)
    return asked


def test_a_required_reading_is_removed_only_once_the_office_says_yes(live_district, watched):
    reading = Reading.objects.filter(batch=live_district.batch).order_by("number").first()
    log_in(watched, "office")
    assert not watched.visit(reverse("study:topics"))
    row = watched.locator(f"#reading-{reading.pk}")
    row.locator("summary").click()

    asked = _answer(watched, accept=False)
    row.get_by_role("button", name="删除").click()
    assert asked == ["确定删除这篇必读科目吗?"]
    assert Reading.objects.filter(pk=reading.pk).exists()

    _answer(watched, accept=True)
    row.get_by_role("button", name="删除").click()
    expect(watched.get_by_text(f"已删除必读科目“{reading.title}”。")).to_be_visible()
    assert not Reading.objects.filter(pk=reading.pk).exists()


def test_a_unit_is_not_deleted_when_the_office_says_no(live_district, watched):
    unit = live_district.street
    log_in(watched, "office")
    assert not watched.visit(reverse("units:detail", args=[unit.pk]))
    asked = _answer(watched, accept=False)
    watched.get_by_role("button", name="删除此党组织").click()
    assert asked == ["确定删除这个党组织吗?"]
    assert watched.url.endswith(reverse("units:detail", args=[unit.pk]))
    assert Unit.objects.filter(pk=unit.pk).exists()


def _bar_share(progress):
    """How much of its track the bar fills, 0 to 1."""
    return progress.evaluate(
        "el => el.querySelector('.progress-bar').getBoundingClientRect().width"
        " / el.getBoundingClientRect().width"
    )


def test_the_progress_bars_show_how_far_a_briefing_has_got(live_district, watched):
    briefing = _briefing(live_district, progress=40)
    log_in(watched, "office")
    assert not watched.visit(reverse("reports:briefing_list"))
    listed = watched.locator(f"[data-briefing='{briefing.pk}'] .progress")
    assert _bar_share(listed) == pytest.approx(0.4, abs=0.01)

    assert not watched.visit(reverse("reports:briefing_detail", args=[briefing.pk]))
    progress = watched.locator("#progress")
    expect(progress.locator(".progress-bar")).to_have_text("40%")
    assert _bar_share(progress) == pytest.approx(0.4, abs=0.01)

    # static/js/briefing.js moves it as the briefing is made.
    Briefing.objects.filter(pk=briefing.pk).update(progress=60)
    expect(progress).to_have_attribute("aria-valuenow", "60", timeout=8_000)
    expect(progress.locator(".progress-bar")).to_have_text("60%")
    watched.wait_for_function(
        "() => { const p = document.getElementById('progress');"
        " return p.querySelector('.progress-bar').getBoundingClientRect().width"
        " / p.getBoundingClientRect().width > 0.59; }"
    )

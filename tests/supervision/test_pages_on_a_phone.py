"""The pages this issue touched, on a 375-px phone: the round's page with its route and the
office's decision forms, the 更正阶段 page, and the unit page with its stage history fit the
screen, and their buttons and checkboxes are at least 44 px high."""

import pytest
from django.urls import reverse

from tests.conftest import log_in
from tests.supervision.test_application_pages import approved, url, with_opinion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The buttons and checkboxes under `root` shorter than a thumb, with what they say.
SMALL_TARGETS = """(root) => {
  const small = [];
  for (const target of document.querySelectorAll(`${root} .btn, ${root} .form-check`)) {
    const box = target.getBoundingClientRect();
    if (box.height > 0 && box.height < 44) {
      small.push(`"${target.textContent.trim().slice(0, 20)}" ${Math.round(box.height)}px`);
    }
  }
  return small;
}"""


def test_the_decision_the_correction_and_the_history_fit_a_phone(live_district, phone):
    d = live_district
    approved(d)
    log_in(phone, "office")
    problems = {}
    pages = [
        reverse("supervision:stage_correct", args=[d.school1.pk]),
        reverse("units:detail", args=[d.school1.pk]),
    ]
    for path in pages:
        assert phone.open(path).status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        small = phone.evaluate(SMALL_TARGETS, "main")
        if width > 375 or small:
            problems[path] = {"width": width, "small targets": small}
    assert not problems, problems


def test_the_decision_forms_fit_a_phone(live_district, phone):
    application = with_opinion(live_district)
    log_in(phone, "office")

    phone.open(url("application", application))

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    small = phone.evaluate(SMALL_TARGETS, "#decision")
    assert not small, small
    # Without JavaScript doing anything: the box is ticked by tapping its label.
    phone.get_by_text("确认退回补课").click()
    assert phone.locator("#id_return_confirm").is_checked()

"""Every page carries the Content-Security-Policy (django-csp, config/settings.py), and no
template holds what the policy would refuse: an inline script, a <style>, a style="…"
attribute or an on…="…" handler. tests/browser/test_content_security_policy.py watches
the pages in a browser."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ledgers.services.rectification import survey_token

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
}

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Drawn into PDFs by WeasyPrint, never sent to a browser: their <style> stays, so that
# WeasyPrint needs no file lookups (reports.briefing_document, ledgers.posters).
PDF_ONLY = {"reports/briefings/document.html", "ledgers/rectification/survey_poster.html"}

# HTML built in Python rather than in a template.
HTML_IN_PYTHON = sorted(Path(settings.BASE_DIR).glob("*/templatetags/*.py"))

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
REFUSED = {
    "<style>": re.compile(r"<style\b", re.IGNORECASE),
    'style="…"': re.compile(r"\sstyle\s*=", re.IGNORECASE),
    'on…="…"': re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


def _refused(text: str) -> list[str]:
    found = [
        tag
        for tag in SCRIPT_TAG.findall(text)
        # json_script's data is not run, and the policy lets it be.
        if not re.search(r"\ssrc\s*=|type=[\"']application/json", tag, re.IGNORECASE)
    ]
    for name, pattern in REFUSED.items():
        found += [f"{name}: {match}" for match in pattern.findall(text)]
    return found


def _policy(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize("url", ["login", "home", "study:checkin"], ids=lambda u: u)
def test_pages_carry_the_policy(district, login, url):
    response = login(district.users["member1"]).get(reverse(url))
    assert response.status_code == 200
    assert _policy(response) == POLICY


def test_the_public_survey_carries_the_policy(district, client):
    response = client.get(reverse("ledgers:survey", args=[survey_token(district.school1)]))
    assert response.status_code == 200
    assert _policy(response) == POLICY


def test_no_template_holds_an_inline_script_style_or_handler():
    refused = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name not in PDF_ONLY and (found := _refused(path.read_text(encoding="utf-8"))):
            refused[name] = found
    assert not refused, refused


def test_no_template_tag_builds_an_inline_script_style_or_handler():
    assert HTML_IN_PYTHON
    refused = {}
    for path in HTML_IN_PYTHON:
        if found := _refused(path.read_text(encoding="utf-8")):
            refused[path.relative_to(settings.BASE_DIR).as_posix()] = found
    assert not refused, refused


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">',
        "<style>p { color: red }</style>",
        '<div class="x" style="width: 5%">',
        "<button onclick=\"return confirm('?')\">",
        '<form method="post" onsubmit="go()">',
        '<a href="javascript:void(0)">',
    ],
    ids=["script", "typed-script", "style", "style-attribute", "onclick", "onsubmit", "href"],
)
def test_the_check_finds_what_the_policy_refuses(html):
    assert _refused(html)


@pytest.mark.parametrize(
    "html",
    [
        "<script src=\"{% static 'js/forms.js' %}\" defer></script>",
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<button data-confirm="确定删除吗?" type="submit">',
        '<div class="progress" data-online="1">',
    ],
    ids=["src", "json", "data-confirm", "data-attribute"],
)
def test_the_check_lets_the_rest_be(html):
    assert not _refused(html)

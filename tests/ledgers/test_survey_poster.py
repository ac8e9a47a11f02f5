"""The survey's poster for a unit's 宣传栏: the unit's name, the QR code, the link and what
the survey is for, as an A4 PDF and as a PNG, for whoever may see the unit's ledger."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from ledgers import posters
from ledgers.services.rectification import survey_token
from tests.conftest import PERSONAS, require_service

READERS = {"office", "supervisor1", "leader1", "secretary1"}


@pytest.fixture
def pdftotext():
    require_service(shutil.which("pdftotext"), "pdftotext (poppler-utils)")

    def extract(pdf):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return result.stdout.decode()

    return extract


def _flat(text):
    """Without line breaks and spaces: Chinese lines and the link wrap anywhere."""
    return re.sub(r"\s+", "", text)


def _poster(client, unit, kind):
    return client.get(reverse(f"ledgers:survey_poster_{kind}", args=[unit.pk]))


def test_the_pdf_poster_names_the_unit_and_the_link(live_district, login, pdftotext):
    unit = live_district.school1
    response = _poster(login(live_district.users["secretary1"]), unit, "pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _flat(pdftotext(response.content))
    assert "群众满意度测评" in text
    assert "区一中党支部" in text
    assert "“边学边查边改”台账" in text
    assert f"http://testserver/ledgers/public/{survey_token(unit)}/" in text


def test_the_pdf_poster_is_one_a4_page(live_district, login):
    require_service(shutil.which("pdfinfo"), "pdfinfo (poppler-utils)")
    response = _poster(login(live_district.users["leader1"]), live_district.education, "pdf")

    info = subprocess.run(
        ["pdfinfo", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()

    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "(A4)" in info


def test_the_png_poster_is_a_png_of_an_a4_sheet(live_district, login):
    from PIL import Image

    response = _poster(login(live_district.users["secretary1"]), live_district.school1, "png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(response.content)).size == posters.PNG_SIZE


def test_without_the_chinese_font_the_png_is_the_qr_code_alone(live_district, login, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(posters, "_font_file", lambda pattern: None)

    response = _poster(login(live_district.users["secretary1"]), live_district.school1, "png")

    assert response.content.startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(response.content)).size
    assert width == height < posters.PNG_SIZE[0]


@pytest.mark.parametrize("kind", ["pdf", "png"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_poster_is_for_those_who_see_the_ledger(live_district, login, persona, kind):
    response = _poster(login(live_district.users[persona]), live_district.school1, kind)
    assert response.status_code == (200 if persona in READERS else 404)


def test_anonymous_visitors_are_sent_to_log_in(live_district, client):
    response = _poster(client, live_district.school1, "pdf")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize(
    "page", ["ledgers:survey_results", "ledgers:rectification_items"], ids=["survey", "ledger"]
)
def test_the_unit_s_pages_link_to_the_poster(live_district, login, page):
    unit = live_district.school1
    html = login(live_district.users["secretary1"]).get(reverse(page, args=[unit.pk]))
    assert reverse("ledgers:survey_poster_pdf", args=[unit.pk]) in html.content.decode()

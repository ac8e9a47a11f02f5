"""The site's icon: every page links it, and /favicon.ico, which browsers ask for on their
own, leads to it rather than to a 404."""

from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.templatetags.static import static

SVG = "{http://www.w3.org/2000/svg}"


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == static("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        # An ICO file's header: reserved 0, type 1 (icon), then how many images.
        header = icon.read(6)
    assert header[:4] == b"\x00\x00\x01\x00"
    assert header[4] >= 1


def test_every_page_links_the_svg_icon(client, db):
    page = client.get("/login/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in page
    root = ElementTree.parse(finders.find("favicon.svg")).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 32 32"
    # Drawn, not lettered: nothing in it depends on a font.
    assert not list(root.iter(f"{SVG}text"))

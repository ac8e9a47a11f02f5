"""The public survey's poster for a unit's 宣传栏: its name, the QR code, the link and what
the survey is for, as an A4 PDF to print and as a PNG to send round or print at a shop.

"从群众意见最大、最不满意的问题改起": the poster takes the survey two levels deep in the
ledger out to where the public comes. The PDF is drawn by WeasyPrint from a template; the
PNG by Pillow (which WeasyPrint depends on), in the same Noto Sans CJK SC, found through
fontconfig as WeasyPrint finds it.
"""

import functools
import io
import re
import subprocess

import segno
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from units.models import Unit

# A4 at 150 dpi: sharp enough to print, small enough to send on a phone.
PNG_SIZE = (1240, 1754)

PNG_MARGIN = 110

RED = (179, 18, 27)

GREY = (90, 90, 90)


def poster_lines(unit: Unit) -> dict[str, str]:
    """The poster's words, the same on the PDF and the PNG."""
    return {
        "title": _("群众满意度测评"),
        "unit": unit.name,
        "purpose": _(
            "我们正在开展保持共产党员先进性教育活动。请您对本单位、本单位党组织和共产党员"
            "作出评价,提出意见和建议。您的意见将登记在本单位“边学边查边改”台账上,逐条落实整改。"
        ),
        "how": _("用手机扫描二维码,匿名填写,不需要登录。"),
        "link_label": _("也可以在浏览器中打开:"),
    }


def _url_parts(url: str) -> list[str]:
    """The link in pieces it may wrap between: after each "/". Wrapped at a "-" of the
    token, it would read as a hyphenated word, and whoever types it leaves the "-" out."""
    return re.findall(r"[^/]*/|[^/]+$", url)


def survey_poster_pdf(*, unit: Unit, url: str) -> bytes:
    """The A4 poster as a PDF."""
    # Imported here: WeasyPrint loads Pango and its fonts, which only this needs.
    from weasyprint import HTML

    qr = segno.make(url, error="m").svg_data_uri(scale=10, border=2)
    html = render_to_string(
        "ledgers/rectification/survey_poster.html",
        {"lines": poster_lines(unit), "qr": qr, "url_parts": _url_parts(url)},
    )
    return HTML(string=html).write_pdf()


class FontMissing(Exception):
    """Noto Sans CJK SC is not installed: the PNG can't write Chinese."""


@functools.cache
def _font_file(pattern: str) -> tuple[str, int] | None:
    """The file and index of the face fontconfig gives for `pattern`, if it is that face
    (fontconfig answers with another font when it isn't installed). As reports.fonts finds
    the briefing's faces; not shared, since the reports app builds on this one."""
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}\t%{index}\t%{family}", pattern],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, families = (found.split("\t") + ["", "", ""])[:3]
    if not path or pattern.split(":")[0] not in families.split(","):
        return None
    return path, int(index or 0)


def _font(bold: bool, size: int):
    from PIL import ImageFont

    style = "Bold" if bold else "Regular"
    found = _font_file(f"Noto Sans CJK SC:style={style}")
    if found is None:
        raise FontMissing
    path, index = found
    return ImageFont.truetype(path, size, index=index)


def _wrapped(draw, pieces, font, width: int) -> list[str]:
    """The pieces (a Chinese text's characters: it wraps between any two) in lines."""
    lines, line = [], ""
    for piece in pieces:
        if line and draw.textlength(line + piece, font=font) > width:
            lines.append(line)
            line = ""
        line += piece
    return [*lines, line] if line else lines


def survey_poster_png(*, unit: Unit, url: str) -> bytes:
    """The poster as a PNG; without the Chinese font, the QR code alone (FontMissing is
    caught here, so the unit still gets something to print)."""
    from PIL import Image, ImageDraw

    code = segno.make(url, error="m")
    try:
        title, name, body, small = (
            _font(True, 96),
            _font(True, 64),
            _font(False, 40),
            _font(False, 30),
        )
    except FontMissing:
        alone = io.BytesIO()
        code.save(alone, kind="png", scale=20, border=2)
        return alone.getvalue()
    lines = poster_lines(unit)
    width, height = PNG_SIZE
    text_width = width - 2 * PNG_MARGIN
    poster = Image.new("RGB", PNG_SIZE, "white")
    draw = ImageDraw.Draw(poster)
    y = PNG_MARGIN

    def block(pieces, font, fill, gap):
        nonlocal y
        for line in _wrapped(draw, pieces, font, text_width):
            draw.text((width / 2, y), line, font=font, fill=fill, anchor="ma")
            y += int(font.size * 1.4)
        y += gap

    block(lines["title"], title, RED, 10)
    draw.line((PNG_MARGIN, y, width - PNG_MARGIN, y), fill=RED, width=6)
    y += 40
    block(lines["unit"], name, (0, 0, 0), 30)
    block(lines["purpose"], body, (0, 0, 0), 30)
    # Whole pixels a module, as large as fits above the lines below it (about 700 px).
    modules = code.symbol_size(scale=1, border=2)[0]
    qr = io.BytesIO()
    code.save(qr, kind="png", scale=max(1, min(700, height - y - 330) // modules), border=2)
    image = Image.open(qr).convert("RGB")
    poster.paste(image, ((width - image.width) // 2, y))
    y += image.height + 30
    block(lines["how"], body, (0, 0, 0), 20)
    block(lines["link_label"], small, GREY, 0)
    block(_url_parts(url), small, GREY, 0)
    out = io.BytesIO()
    poster.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()

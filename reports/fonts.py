"""The briefing's typefaces, cut down to the characters a Chinese document uses.

A briefing sets four faces (宋体 regular and bold, 黑体 regular and bold, 楷体), and the CJK
fonts Debian installs hold every character of Chinese, Japanese and Korean: 65,000 glyphs
a face, 20–27 MB a file. WeasyPrint reads each whole face it uses to subset it into the
PDF, which costs 60–70 MB of memory a face and a third of a short briefing's time, however
few characters it prints. `briefing_fonts_build` cuts each face down once, at deployment,
to GB 2312's 7,445 characters with ASCII, the CJK punctuation and the full-width forms
(4 MB a face; the same outlines); the briefing names these faces first and the full fonts
after them, so that a character outside GB 2312 (a name's 喆, 堃, 赟) is still drawn, from
the full face, at the full face's cost. Without the cut faces the briefing looks the same
and costs what it did.

The faces are the fonts of Debian's fonts-noto-cjk and fonts-arphic-ukai (SIL Open Font
License 1.1 and the Arphic Public License: modified copies may be made and used), found
through fontconfig, as WeasyPrint finds them.
"""

import os
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Face:
    family: str  # the cut face's name in the briefing's CSS
    weight: str
    source: str  # the fontconfig pattern of the full face
    file_name: str


FACES = (
    Face("Briefing Serif", "normal", "Noto Serif CJK SC:style=Regular", "serif-regular.otf"),
    Face("Briefing Serif", "bold", "Noto Serif CJK SC:style=Bold", "serif-bold.otf"),
    Face("Briefing Sans", "normal", "Noto Sans CJK SC:style=Regular", "sans-regular.otf"),
    Face("Briefing Sans", "bold", "Noto Sans CJK SC:style=Bold", "sans-bold.otf"),
    Face("Briefing Kai", "normal", "AR PL UKai CN", "kai.ttf"),
)


def _characters() -> set[int]:
    """GB 2312 (its 6,763 hanzi and 682 symbols), ASCII, general punctuation, the CJK
    punctuation, the enclosed numbers (①) and the full-width forms."""
    characters = set(range(0x20, 0x7F)) | {0xB7, 0xD7, 0xF7}
    for first, last in ((0x2000, 0x206F), (0x2460, 0x24FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)):
        characters |= set(range(first, last + 1))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                characters.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return characters


def fonts_dir() -> Path:
    return Path(settings.BRIEFING_FONTS_DIR)


def _source(face: Face) -> tuple[str, int] | None:
    """The file and the index in it of the full face, or None when it isn't installed
    (fontconfig would answer with another font: the family is checked)."""
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{file}\t%{index}\t%{family}", face.source],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, index, families = (found.split("\t") + ["", "", ""])[:3]
    wanted = face.source.split(":")[0]
    if not path or wanted not in families.split(","):
        return None
    return path, int(index or 0)


def _rename(font, face: Face) -> None:
    """Name the cut face for what it is, so that a PDF's font list (pdffonts) tells it
    from the full one."""
    style = "Bold" if face.weight == "bold" else "Regular"
    postscript = f"{face.family.replace(' ', '')}-{style}"
    names = {1: face.family, 2: style, 4: f"{face.family} {style}", 6: postscript}
    names |= {16: face.family, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.setName(names[record.nameID], record.nameID, *record_key(record))
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]


def record_key(record) -> tuple[int, int, int]:
    return record.platformID, record.platEncID, record.langID


def _cut(face: Face, source: tuple[str, int], target: Path, characters: set[int]) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index = source
    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features = ["*"]  # the vertical and full-width forms stay
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a renderer reads
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    _rename(font, face)
    # Written aside and renamed: a worker never reads half a font.
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    font.save(temporary)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def briefing_fonts_build(
    directory: Path | None = None, characters: set[int] | None = None
) -> tuple[list[Face], list[Face]]:
    """Cut each face the machine has down to the briefing's characters, into `directory`
    (BRIEFING_FONTS_DIR), skipping those already there; the faces written, and those the
    machine lacks. About a minute for the five, on as many cores as there are."""
    directory = directory or fonts_dir()
    directory.mkdir(parents=True, exist_ok=True)
    characters = characters or _characters()
    jobs, missing = [], []
    for face in FACES:
        target = directory / face.file_name
        if target.exists():
            continue
        source = _source(face)
        if source is None:
            missing.append(face)
        else:
            jobs.append((face, source, target))
    with ProcessPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        for future in [pool.submit(_cut, *job, characters) for job in jobs]:
            future.result()
    return [face for face, _source, _target in jobs], missing


# The full faces each family of the briefing falls back to, in the order tried.
FALLBACKS = {
    "Briefing Serif": ("Noto Serif CJK SC", "Source Han Serif SC", "serif"),
    "Briefing Sans": ("Noto Sans CJK SC", "Source Han Sans SC", "sans-serif"),
    "Briefing Kai": ("AR PL UKai CN", "AR PL UKai", "Noto Serif CJK SC", "serif"),
}


def _complete(directory: Path, family: str) -> bool:
    return all((directory / face.file_name).exists() for face in FACES if face.family == family)


def font_families(directory: Path | None = None) -> dict[str, str]:
    """The CSS font-family of the briefing's 宋体, 黑体 and 楷体 (keys serif, sans, kai):
    the cut face first where it is there. Never a cut face's name where it isn't: for a
    family fontconfig doesn't know it puts its default face (DejaVu) first, and the digits
    would be set in it."""
    directory = directory or fonts_dir()
    families = {}
    for family, fallbacks in FALLBACKS.items():
        names = ((family,) if _complete(directory, family) else ()) + fallbacks
        generic = {"serif", "sans-serif"}
        families[family.split()[-1].lower()] = ", ".join(
            name if name in generic else f'"{name}"' for name in names
        )
    return families


def font_face_css(directory: Path | None = None) -> str:
    """@font-face rules for the cut faces present, a family only when all its weights are
    (else WeasyPrint would embolden the regular cut face rather than take the full bold
    one); empty when there are none."""
    directory = directory or fonts_dir()
    rules = []
    for family in FALLBACKS:
        faces = [face for face in FACES if face.family == family]
        if _complete(directory, family):
            rules += [
                f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; '
                f'src: url("{(directory / face.file_name).resolve().as_uri()}"); }}'
                for face in faces
            ]
    return "\n".join(rules)

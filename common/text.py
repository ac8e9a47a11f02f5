"""Text as people paste it, made safe to keep and to write into Excel.

Word pastes a line break as a vertical tab (\\x0b) and a page break as a form feed
(\\x0c); other C0 control characters come with text copied out of old systems. They show
as nothing on a page, but openpyxl refuses every one of them (IllegalCharacterError) and
Excel refuses a sheet title with / \\ : [ ] * ?. Forms drop them from what is typed
(common.validation.install_field_checks); the Excel writers pass every stored string
through `excel_value`, for what was stored before that, and name their sheets with
`sheet_title`.
"""

import re
from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Word's line and page breaks: kept as the line break they stand for.
WORD_BREAKS = re.compile(r"[\x0b\x0c]")
# The C0 controls but tab, line feed and carriage return — which are ordinary text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f]")

SHEET_TITLE_LENGTH = 31
# Excel's forbidden sheet-title characters, as their full-width forms: a unit named
# 区委/区政府 stays readable.
SHEET_TITLE_CHARACTERS = str.maketrans("/\\:[]*?", "\uff0f\uff3c\uff1a\uff3b\uff3d\uff0a\uff1f")
ALL_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")


def strip_control_characters(text: str) -> str:
    """`text` without C0 control characters, tab and line breaks kept; Word's \\x0b and
    \\x0c become the line break they stand for."""
    return CONTROL_CHARACTERS.sub("", WORD_BREAKS.sub("\n", text))


def excel_value(value: object) -> object:
    """A cell's value as openpyxl will write it: a string without the characters it
    refuses (openpyxl's own list), Word's breaks kept as line breaks; any other value as
    it is."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", WORD_BREAKS.sub("\n", value))


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A sheet title Excel accepts, made from `name`: no / \\ : [ ] * ? (their full-width
    forms instead), no control characters, not opening or closing with an apostrophe, at
    most 31 characters, and unlike every title in `taken` (Excel ignores case there)."""
    title = ALL_CONTROL_CHARACTERS.sub("", name.translate(SHEET_TITLE_CHARACTERS))
    title = title.strip().strip("'")[:SHEET_TITLE_LENGTH].strip("'") or "Sheet"
    used = {other.casefold() for other in taken}
    number = 1
    unique = title
    while unique.casefold() in used:
        number += 1
        suffix = f"({number})"
        unique = title[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
    return unique

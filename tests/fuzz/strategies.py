"""What the fuzz test types into a form: for each field, values it could take (a date near
today, a choice it offers, a member of the district) mixed with what people, phones and
scripts really send (nothing, a page of text, Word's control characters, RTL marks and
emoji, 0001-01-01 and 2024-02-30, NaN and numbers past any column, a list for one value,
a choice that doesn't exist, the id of something in another unit).

A form's data is drawn whole and valid-looking first, then some of its fields are broken:
that way a good share of the examples gets past the form to the service and the save,
where a half-saved record would be.
"""

import datetime
import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

# Values no field should fall over on.
NASTY = [
    "",
    " ",
    "\u3000",
    "\x00",
    "a\x00b",
    "\x0b第一章\x0c",
    "\x1f\x1e\x08",
    "\r\n\t",
    "\u202e\u05e9\u05dc\u05d5\u05dd\u202c",
    "\u200b\ufeff",
    "👩‍👩‍👧‍👦🎉🇨🇳",
    "-1",
    "0",
    "-0",
    "00",
    "1e309",
    "1e-400",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "1.000000000000000000001",
    "123456789012345.6789",
    "0.005",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1,5",
    "0x10",
    "²",
    "١٢",
    "１２",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2005-13-01",
    "1899-12-31",
    "2101-01-01",
    "0000-00-00",
    "10000-01-01",
    "2005-03-08T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "garbage",
    "null",
    "None",
    "true",
    "on",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
]

# Chinese as the ledgers hold it: names, places, titles, paragraphs.
CHINESE = [
    "张建国",
    "李秀英",
    "学习《党章》第一章",
    "区一中会议室",
    "支部委员5人,党员23人",
    "认真学习,对照检查,边学边改。",
    "窗口服务态度生硬,群众办事要跑多次",
    "  第一段。\n  第二段。",
]

# Pages of text, made when drawn: a failing example's report names them, not their length.
LONG = [("党", 3000), ("x", 10_000), ("\x0b", 500)]


def nasty_text() -> SearchStrategy[str]:
    """Anything a browser or a script might send as one value."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(LONG).map(lambda pair: pair[0] * pair[1]),
        # Every code point but the surrogates, which can't be sent as UTF-8.
        st.text(max_size=60),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
    )


def chinese_text(max_length: int | None) -> SearchStrategy[str]:
    """Text a person would type: letters, digits, punctuation and spaces of any script."""
    limit = min(max_length or 300, 300)
    return st.one_of(
        st.sampled_from([text[:limit] for text in CHINESE]),
        st.text(
            alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")),
            min_size=1,
            max_size=limit,
        ),
    )


def near_today(days_before: int = 45, days_after: int = 5) -> SearchStrategy[datetime.date]:
    """Days around today, which the live district's batch holds: mostly past ones, as the
    ledgers record what was done."""
    today = timezone.localdate()
    return st.integers(-days_before, days_after).map(
        lambda offset: today + datetime.timedelta(days=offset)
    )


def day_text() -> SearchStrategy[str]:
    near = near_today().map(datetime.date.isoformat)
    return st.one_of(
        near,
        near,
        near,
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)).map(
            datetime.date.isoformat
        ),
    )


def moment_text() -> SearchStrategy[str]:
    return st.builds(
        lambda day, hour, minute, sep: f"{day.isoformat()}{sep}{hour:02}:{minute:02}",
        near_today(),
        st.integers(0, 23),
        st.sampled_from([0, 30, 59]),
        st.sampled_from(["T", " "]),
    )


def number_text(field: forms.Field, *, places: int = 0) -> SearchStrategy[str]:
    """Mostly small counts, hours and amounts, as ledgers hold; now and then any number
    the field's own bounds let through."""
    low = field.min_value if getattr(field, "min_value", None) is not None else -100
    high = field.max_value if getattr(field, "max_value", None) is not None else 10**9
    low, high = int(low), int(high)
    small = st.integers(max(low, 0), max(min(high, 10), max(low, 0)))
    whole = st.one_of(small, small, small, st.integers(low, high))
    if not places:
        return whole.map(str)
    return st.one_of(
        whole.map(str),
        st.builds(
            lambda n, fraction: f"{n}.{fraction}",
            small,
            st.integers(0, 10**places - 1).map(lambda f: str(f).zfill(places)),
        ),
    )


def choice_values(field: forms.ChoiceField) -> list[str]:
    """The values a choice field offers, its option groups flattened."""
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):
            values.extend(str(inner) for inner, _label in label)
        else:
            values.append(str(value))
    return values


def pks_of(field: forms.ModelChoiceField) -> tuple[list[str], list[str]]:
    """The ids the field offers, and every id of its model: those of other units too."""
    offered = [str(pk) for pk in field.queryset.values_list("pk", flat=True)]
    model = field.queryset.model
    everyone = [str(pk) for pk in model._base_manager.values_list("pk", flat=True)]
    return offered, everyone


def upload(name: str, content: bytes) -> SearchStrategy[SimpleUploadedFile]:
    """That file, new for each example: an upload is read once."""
    return st.builds(SimpleUploadedFile, st.just(name), st.just(content))


def broken_uploads() -> SearchStrategy[SimpleUploadedFile]:
    """A file no form should take: empty, not what its name says, a name no file has."""
    return st.one_of(
        upload("empty.jpg", b""),
        upload("photo.jpg", b"not a jpeg at all"),
        upload("scan.pdf", b"%PDF-1.4\n%garbage"),
        upload("名册.xlsx", b"PK\x03\x04 not a workbook"),
        upload("a\x00b.png", b"\x89PNG\r\n\x1a\n"),
        upload("x" * 300 + ".png", b"\x89PNG\r\n\x1a\n"),
        upload("virus.exe", b"MZ\x90\x00"),
        upload("名册.xls", b"\xd0\xcf\x11\xe0"),
    )


def png_bytes() -> bytes:
    """A real one-pixel PNG, which an attachment check accepts."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def valid_value(field: forms.Field) -> SearchStrategy[Any]:
    """What the field, filled in by a person, might hold."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        offered, everyone = pks_of(field)
        return st.lists(st.sampled_from(offered or everyone or ["1"]), max_size=3, unique=True)
    if isinstance(field, forms.ModelChoiceField):
        offered, everyone = pks_of(field)
        if not offered:
            return st.sampled_from(everyone or ["1"])
        if field.required:
            return st.sampled_from(offered)
        return st.one_of(st.sampled_from(offered), st.sampled_from(offered), st.just(""))
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(st.sampled_from(choice_values(field)), min_size=1, max_size=3, unique=True)
    if isinstance(field, forms.ChoiceField):
        values = [value for value in choice_values(field) if value] or [""]
        return st.sampled_from(values)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "on", "", "false", "1"])
    if isinstance(field, forms.DateTimeField):
        return moment_text()
    if isinstance(field, forms.DateField):
        return day_text()
    if isinstance(field, forms.DecimalField):
        return number_text(field, places=field.decimal_places or 0)
    if isinstance(field, forms.IntegerField):
        return number_text(field)
    if isinstance(field, forms.FileField):
        return upload("photo.png", png_bytes())
    if isinstance(field, forms.CharField):
        return chinese_text(field.max_length)
    return nasty_text()


# What breaks a number or a date in particular: drawn as often as all the rest together.
NASTY_NUMBERS = [
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "1.000000000000000000001",
    "123456789012345.6789",
    "²",
]
NASTY_DAYS = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2005-13-01",
    "1899-12-31",
    "2101-01-01",
    "10000-01-01",
    "2005-03-08T25:61",
    "9999-12-31T23:59",
]


def broken_value(field: forms.Field | None) -> SearchStrategy[Any]:
    """What the field should refuse, or survive: nasty text, a list where one value goes,
    the id of something elsewhere, a broken file."""
    options = [nasty_text(), st.lists(nasty_text(), min_size=2, max_size=3)]
    # What breaks this kind of field in particular, drawn as often as all the rest.
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.ModelChoiceField)):
        options += [st.sampled_from(NASTY_NUMBERS)] * 2
    if isinstance(field, forms.ModelMultipleChoiceField):
        options.append(st.lists(st.sampled_from(NASTY_NUMBERS), min_size=1, max_size=2))
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        options += [st.sampled_from(NASTY_DAYS)] * 2
    if isinstance(field, forms.ModelChoiceField):
        everyone = pks_of(field)[1]
        if everyone:
            options.append(st.sampled_from(everyone))
            options.append(st.lists(st.sampled_from(everyone), min_size=2, max_size=4))
    if isinstance(field, forms.FileField):
        options.append(broken_uploads())
        options.append(st.lists(broken_uploads(), min_size=2, max_size=7))
    return st.one_of(options)


class _Missing:
    """A field left out of the POST altogether."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()

Strategies = dict[str, tuple[SearchStrategy[Any], SearchStrategy[Any]]]


def field_strategies(fields: dict[str, forms.Field]) -> Strategies:
    """For each posted name, what a person would type and what breaks it. Built before the
    examples run: the ids offered are read from the database once."""
    return {name: (valid_value(field), broken_value(field)) for name, field in fields.items()}


def extra_strategies(values: dict[str, SearchStrategy[Any]]) -> Strategies:
    """Values a view reads from the POST itself (a button's name, a hidden pk)."""
    return {name: (strategy, broken_value(None)) for name, strategy in values.items()}


@st.composite
def form_data(draw: st.DrawFn, strategies: Strategies) -> dict[str, Any]:
    """POST data: every name valid-looking first, then a few of them broken (left out, a
    nasty value, several values)."""
    data = {name: draw(valid, label=name) for name, (valid, _broken) in strategies.items()}
    data = {name: value for name, value in data.items() if value is not MISSING}
    if not strategies:
        return data
    # Mostly one field broken: the others valid-looking take it past the form's first
    # error to the service and the save.
    count = min(draw(st.sampled_from([0, 1, 1, 1, 1, 2, 2, 4]), label="broken"), len(strategies))
    broken = draw(
        st.lists(st.sampled_from(sorted(strategies)), min_size=count, max_size=count, unique=True)
    )
    for name in sorted(broken):
        value = draw(
            st.one_of(st.just(MISSING), strategies[name][1], strategies[name][1]),
            label=f"{name} broken",
        )
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return data


# Numbers past the columns' ranges: a PostgreSQL integer's, and any integer's SQLite holds.
PAST_THE_COLUMN = ["2147483648", "9223372036854775808"]


def plain_value(field: forms.Field) -> Any:
    """A value a person might type, the same every time: what a sweep's other fields hold."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return pks_of(field)[0][:1]
    if isinstance(field, forms.ModelChoiceField):
        return next(iter(pks_of(field)[0]), "")
    if isinstance(field, forms.MultipleChoiceField):
        return choice_values(field)[:1]
    if isinstance(field, forms.ChoiceField):
        return next((value for value in choice_values(field) if value), "")
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.DateTimeField):
        return f"{timezone.localdate().isoformat()}T09:00"
    if isinstance(field, forms.DateField):
        return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        return str(max(int(field.min_value or 1), 1))
    if isinstance(field, forms.FileField):
        return MISSING
    return "学习党章"[: field.max_length or None] if isinstance(field, forms.CharField) else ""


def sweep(fields: dict[str, forms.Field]) -> list[dict[str, Any]]:
    """The form filled in plainly with one number past its column, field by field, every
    number a field takes and every id of a multiple choice: what a random draw is unlikely
    to hit, tried every run."""
    plain = {name: plain_value(field) for name, field in fields.items()}
    plain = {name: value for name, value in plain.items() if value is not MISSING}
    examples = []
    for name, field in fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            values = [[number] for number in PAST_THE_COLUMN]
        elif isinstance(field, (forms.IntegerField, forms.DecimalField)):
            values = PAST_THE_COLUMN
        else:
            continue
        examples += [{**plain, name: value} for value in values]
    return examples

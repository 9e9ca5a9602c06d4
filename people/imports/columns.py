"""The columns of the people import: what each holds, how one cell is read, how headings match.

A heading matches in any of the site's languages, with or without diacritics and case, and
under its key (`service_number`); the people list's export uses the same headings, so an
exported file imports back unchanged. Cells are read here without the database; names of
organisations, ranks, specialties and languages are looked up by `people.imports.validate`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import unneutralise
from core.text import fold
from people.models import CEFRLevel, MedicalResult, PassportKind, Service, Sex

# What each column belongs to: the person, one of the documents in the same row, or nothing
# (columns the export writes that the import reads past: they are computed, not kept).
PERSON = "person"
PASSPORT = "passport"
MEDICAL = "medical"
LICENCE = "licence"
LANGUAGES = "languages"
IGNORED = "ignored"


class CellError(ValueError):
    """A cell that cannot be read; the message says why, for the officer to fix."""


# --- reading one cell ----------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as single-line text: numbers as written, spaces collapsed, formulas refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("Expected text, found a yes/no value."))
    if isinstance(value, datetime.date):
        raise CellError(_("Expected text, found a date."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a service or phone number the spreadsheet stored as a number
    if isinstance(value, int | float | Decimal):
        return str(value)
    raw = " ".join(str(value).split())
    if raw.startswith("="):
        raise CellError(
            _("“%(value)s” is a formula; type the value itself.") % {"value": shorten(raw)}
        )
    return unneutralise(raw)


def shorten(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"


def upper_text(value: Any) -> str:
    return text(value).upper()


# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 1 Jan 1900 is 1 and
# 31 Dec 2099 is 73050: a bigger number in a date column is no date.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_LAST_SERIAL = 73050
EARLIEST = datetime.date(1900, 1, 1)
DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
SERIAL = re.compile(r"^\d{1,5}(?:\.0+)?$")
# Month names as UN documents write them: 1 Mar 2024, 01-Mar-2024, 1 March 2024, Mar 1, 2024.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[ \-]([a-z]+)\.?[ \-,]+(\d{4})$")
MONTH_NAME_DAY = re.compile(r"^([a-z]+)\.? (\d{1,2}),? (\d{4})$")


def date(value: Any) -> datetime.date | None:
    """A date from a date cell, an Excel serial number or text in one of the usual ways.

    Text is read as 2024-03-01, 01/03/2024 (day first, as Viet Nam writes it), 1 Mar 2024 or
    Mar 1, 2024. A day-first reading is the only one tried for 01/03/2024: guessing month
    first for some rows and day first for others would scramble a file silently.
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Expected a date, found a yes/no value."))
    if isinstance(value, int | float | Decimal):
        return from_serial(value)
    raw = " ".join(str(value).split()).lower()
    if not raw:
        return None
    try:
        day = parse_date_text(raw)
    except ValueError:
        day = None
    if day is None:
        raise CellError(
            _("“%(value)s” is not a date; write 2024-03-01, 01/03/2024 (day first) or 1 Mar 2024.")
            % {"value": shorten(str(value).strip())}
        )
    if day < EARLIEST:
        raise CellError(_("%(date)s is too long ago to be right.") % {"date": day.isoformat()})
    return day


def parse_date_text(raw: str) -> datetime.date | None:
    """The date `raw` spells, None when it spells none; ValueError for 31/02/2024."""
    if match := YEAR_FIRST.match(raw):
        year, month, day = match.groups()
    elif match := DAY_FIRST.match(raw):
        day, month, year = match.groups()
    elif match := COMPACT.match(raw):
        year, month, day = match.groups()
    elif SERIAL.match(raw):
        return from_serial(Decimal(raw))
    elif (match := DAY_MONTH_NAME.match(raw)) and match.group(2) in MONTHS:
        day, month, year = match.group(1), MONTHS[match.group(2)], match.group(3)
    elif (match := MONTH_NAME_DAY.match(raw)) and match.group(1) in MONTHS:
        month, day, year = MONTHS[match.group(1)], match.group(2), match.group(3)
    else:
        return None
    return datetime.date(int(year), int(month), int(day))


def from_serial(value: int | float | Decimal) -> datetime.date:
    if value != int(value) or not 1 <= value <= EXCEL_LAST_SERIAL:
        raise CellError(_("%(value)s is a number, not a date.") % {"value": value})
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


def choice_reader(
    choices: type[models.Choices], extra: dict[str, str] | None = None
) -> Callable[[Any], str]:
    """Read a choice by its code or its label in any of the site's languages."""

    def read(value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        found = choice_lookup(choices, tuple(sorted((extra or {}).items()))).get(fold(raw))
        if found is None:
            labels = ", ".join(str(label) for label in choices.labels)
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": raw, "choices": labels}
            )
        return found

    return read


@cache
def choice_lookup(choices: type[models.Choices], extra: tuple[tuple[str, str], ...]) -> dict:
    found = {fold(word): value for word, value in extra}
    for value, label in zip(choices.values, choices.labels, strict=True):
        found[fold(str(value))] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[fold(str(label))] = value
    return found


# Vietnamese forms as registers write them (Nữ, Nam), and the one-letter UN codes.
read_sex = choice_reader(Sex, {"nu": Sex.FEMALE, "nam": Sex.MALE, "w": Sex.FEMALE})
read_service = choice_reader(Service)
read_passport_kind = choice_reader(PassportKind)
read_medical_result = choice_reader(MedicalResult)

LEVELS = {label.lower(): value for value, label in CEFRLevel.choices}
LANGUAGE_ITEM = re.compile(r"^(?P<name>.+?)[\s:\-]+(?P<level>[abc][12])$", re.IGNORECASE)


def languages(value: Any) -> list[tuple[str, int]]:
    """ "English B2; French A2" → [("English", 4), ("French", 2)] (names found later)."""
    raw = text(value)
    if not raw:
        return []
    skills = []
    for item in re.split(r"[;,/\n]", raw):
        item = item.strip()
        if not item:
            continue
        match = LANGUAGE_ITEM.match(item)
        if not match:
            raise CellError(
                _("“%(item)s”: write a language and its level, e.g. “English B2; French A2”.")
                % {"item": item}
            )
        skills.append((match.group("name").strip(), LEVELS[match.group("level").lower()]))
    return skills


# --- the columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    group: str
    read: Callable[[Any], Any]
    help: Promise
    example: Any = ""
    field: str = ""  # the model field it fills; empty for lookups made in validation
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(self.header)


COLUMNS: list[Column] = [
    Column(
        "organisation",
        gettext_lazy("Organisation"),
        PERSON,
        text,
        gettext_lazy("Required. Short name or name of one of your organisations."),
        example="H175",
    ),
    Column(
        "service_number",
        gettext_lazy("Service number"),
        PERSON,
        text,
        gettext_lazy("Required. With the organisation, finds the person to update."),
        example="QD01000001",
        field="service_number",
    ),
    Column(
        "full_name",
        gettext_lazy("Name"),
        PERSON,
        text,
        gettext_lazy("Required for a new person. As written, with diacritics."),
        example="Nguyễn Thị Hương",
        field="full_name",
        aliases=("full name", "ho ten", "ho va ten"),
    ),
    Column(
        "latin_name",
        gettext_lazy("Name in Latin letters"),
        PERSON,
        text,
        gettext_lazy("As on UN documents; empty: made from the name."),
        example="NGUYEN THI HUONG",
        field="latin_name",
        aliases=("latin name",),
    ),
    Column(
        "sex",
        gettext_lazy("Sex"),
        PERSON,
        read_sex,
        gettext_lazy("Required for a new person. F or M (Female/Male, Nữ/Nam)."),
        example="F",
        field="sex",
    ),
    Column(
        "date_of_birth",
        gettext_lazy("Date of birth"),
        PERSON,
        date,
        gettext_lazy("Required for a new person. 2024-03-01, 01/03/2024 or 1 Mar 2024."),
        example=datetime.date(1990, 5, 17),
        field="date_of_birth",
    ),
    Column(
        "nationality",
        gettext_lazy("Nationality"),
        PERSON,
        text,
        gettext_lazy("Empty: this country."),
        example="Viet Nam",
        field="nationality",
    ),
    Column(
        "service",
        gettext_lazy("Service"),
        PERSON,
        read_service,
        gettext_lazy("Required for a new person. Army, Navy, Air Force, Police or Civilian."),
        example="Army",
        field="service",
    ),
    Column(
        "rank",
        gettext_lazy("Rank"),
        PERSON,
        text,
        gettext_lazy("A rank of the person's service, e.g. Captain."),
        example="Captain",
    ),
    Column(
        "specialty",
        gettext_lazy("Specialty"),
        PERSON,
        text,
        gettext_lazy("Name or code of a specialty."),
        example="Surgeon",
    ),
    Column(
        "service_start",
        gettext_lazy("Service start"),
        PERSON,
        date,
        gettext_lazy("Date the person joined the service."),
        example=datetime.date(2012, 9, 1),
        field="service_start",
    ),
    Column(
        "email",
        gettext_lazy("Email"),
        PERSON,
        text,
        gettext_lazy("Email address."),
        example="huong@example.org",
        field="email",
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        PERSON,
        text,
        gettext_lazy("Phone number, e.g. +84 912 345 678."),
        example="+84 912 345 678",
        field="phone",
    ),
    Column(
        "passport_number",
        gettext_lazy("Passport number"),
        PASSPORT,
        text,
        gettext_lazy("Adds the passport, or updates the one with this number."),
        example="C1234567",
        field="number",
    ),
    Column(
        "passport_type",
        gettext_lazy("Passport type"),
        PASSPORT,
        read_passport_kind,
        gettext_lazy("Ordinary, Official or Diplomatic; empty: Official for a new passport."),
        example="Official",
        field="kind",
    ),
    Column(
        "passport_issued",
        gettext_lazy("Passport issued"),
        PASSPORT,
        date,
        gettext_lazy("Date of issue."),
        example=datetime.date(2021, 3, 1),
        field="issued_on",
    ),
    Column(
        "passport_expires",
        gettext_lazy("Passport expires"),
        PASSPORT,
        date,
        gettext_lazy("Required with a passport number."),
        example=datetime.date(2031, 3, 1),
        field="expires_on",
    ),
    Column(
        "medical_examined",
        gettext_lazy("Medical examined"),
        MEDICAL,
        date,
        gettext_lazy("Date of the medical examination; updates the one of that date."),
        example=datetime.date(2025, 1, 15),
        field="examined_on",
    ),
    Column(
        "medical_result",
        gettext_lazy("Medical result"),
        MEDICAL,
        read_medical_result,
        gettext_lazy("Fit, Fit with restrictions or Unfit."),
        example="Fit",
        field="result",
    ),
    Column(
        "medical_valid_until",
        gettext_lazy("Medical valid until"),
        MEDICAL,
        date,
        gettext_lazy("Last day the clearance holds."),
        example=datetime.date(2026, 1, 15),
        field="valid_until",
    ),
    Column(
        "licence_category",
        gettext_lazy("Driving licence category"),
        LICENCE,
        upper_text,
        gettext_lazy("e.g. B, C, D; updates the licence of this category and issue date."),
        example="B",
        field="category",
    ),
    Column(
        "licence_issued",
        gettext_lazy("Driving licence issued"),
        LICENCE,
        date,
        gettext_lazy("Required with a category."),
        example=datetime.date(2015, 6, 1),
        field="issued_on",
    ),
    Column(
        "licence_expires",
        gettext_lazy("Driving licence expires"),
        LICENCE,
        date,
        gettext_lazy("Empty: does not expire."),
        example=datetime.date(2035, 6, 1),
        field="expires_on",
    ),
    Column(
        "languages",
        gettext_lazy("Languages"),
        LANGUAGES,
        languages,
        gettext_lazy("Languages and CEFR levels, e.g. English B2; French A2. Adds or updates."),
        example="English B2; French A2",
    ),
    # Written by the people list's export, read past by the import: a grade follows from the
    # rank, and whether someone is deployed from their deployments.
    Column("grade", gettext_lazy("Grade"), IGNORED, text, gettext_lazy("Ignored.")),
    Column("deployed", gettext_lazy("Deployed"), IGNORED, text, gettext_lazy("Ignored.")),
]
BY_KEY = {c.key: c for c in COLUMNS}
TEMPLATE_COLUMNS = [c for c in COLUMNS if c.group != IGNORED]
REQUIRED_KEYS = ("organisation", "service_number")
# A new person needs these (the model's required fields); an existing one keeps them.
NEEDED_FOR_NEW = ("full_name", "sex", "date_of_birth", "service")
GROUP_TITLES = {
    PASSPORT: gettext_lazy("Passport"),
    MEDICAL: gettext_lazy("Medical clearance"),
    LICENCE: gettext_lazy("Driving licence"),
    LANGUAGES: gettext_lazy("Languages"),
}


def normalise_heading(heading: Any) -> str:
    """ "Date of birth *", "DATE OF BIRTH", "date_of_birth" → "date of birth"."""
    return " ".join(fold(str(heading or "")).replace("_", " ").strip(" *:").split())


@lru_cache(maxsize=1)
def heading_lookup() -> dict[str, Column]:
    """Every accepted heading, folded, in every language of the site → its column."""
    found: dict[str, Column] = {}
    for col in COLUMNS:
        found[normalise_heading(col.key)] = col
        for alias in col.aliases:
            found[normalise_heading(alias)] = col
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[normalise_heading(str(col.header))] = col
    return found


def find_column(heading: Any) -> Column | None:
    return heading_lookup().get(normalise_heading(heading))

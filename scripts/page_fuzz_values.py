"""Hostile values for scripts/page_fuzz.py: parameter names, and values to put in them.

Fixed lists first (each a known way to break a parser), then a seeded generator of more of
the same kinds, so that a run is repeated exactly by its seed.
"""

from __future__ import annotations

import random

# Names many pages read, whether or not a form on the page declares them.
COMMON_PARAMETERS = [
    "page",
    "per_page",
    "sort",
    "ordering",
    "order_by",
    "month",
    "year",
    "date",
    "since",
    "until",
    "as_of",
    "rotation",
    "person",
    "position",
    "mission",
    "organisation",
    "q",
    "export",
    "format",
    "return_url",
    "next",
]
ADMIN_PARAMETERS = ["q", "o", "p", "all", "e", "_to_field", "_popup", "_changelist_filters"]

# Digits that str.isdigit() or a regular expression's \d accept: int() refuses the first
# (superscripts, Ethiopic, Kharosthi) and reads the others (Arabic-Indic, Devanagari, ...).
ODD_DIGITS = "²³¹⁰፫𐩃" + "٣٠١۴५০๒༣၅៦᠗０𝟗"

# Each parameter alone gets every one of these: the values that broke parsers before.
PARSER_BREAKERS: list[str | list[str]] = [
    "0000-01",
    "2024-13",
    "0000-01-01",
    "2024-02-30",
    "9999-12-31",
    "²",
    "٣",
    str(2**63),
    "-1",
    "1e999999999",
    "\x00",
    "x" * 3000,
    "",
    ["1", "2"],
]

FIXED: list[str | bytes] = [
    "",
    " ",
    "0",
    "-0",
    "1",
    "-1",
    "1.5",
    "1e999999999",
    "-1e999999999",
    "NaN",
    "Infinity",
    str(2**31),
    str(2**63),
    str(2**64),
    "9" * 40,
    "-" + "9" * 40,
    "²",
    "٣",
    "²٣",
    "١٢٣",
    "𝟗",
    "፫",
    "Ⅻ",
    "0000-01",
    "2024-13",
    "2024-00",
    "9999-12",
    "10000-01",
    "-001-01",
    "٢٠٢٤-٠١",
    "2024-²",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "31/12/2024",
    "2024-1-1",
    "20240101",
    "٢٠٢٤-٠١-٠١",
    "2024-01-01T25:61",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "ÿ" * 200,
    "🙂" * 50,
    b"\xc0\xff",  # not UTF-8: sent as the raw bytes
    "' OR 1=1 --",
    "1; DROP TABLE people_person;--",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "true",
    "None",
    "[]",
    "csv",
    "xlsx",
    "pdf",
    "json",
    "-id",
    "-pk",
    "__str__",
    "organisation__name",
    "-",
    ".",
    "//evil.example",
]


def odd_number(rng: random.Random) -> str:
    """Digits of several scripts mixed, or a number of a size no field stores."""
    kind = rng.randrange(4)
    if kind == 0:
        return "".join(rng.choice("0123456789" + ODD_DIGITS) for _ in range(rng.randint(1, 6)))
    if kind == 1:
        return str(rng.choice([-1, 1]) * rng.randrange(2**31, 2**70))
    if kind == 2:
        return f"{rng.randint(-5, 5)}e{rng.randint(-400, 400)}"
    return str(rng.randint(-1000, 1000))


def odd_date(rng: random.Random) -> str:
    """A month or a date with parts out of range, in several shapes."""
    year = rng.choice([0, 1, 1947, 2024, 9999, 10000, rng.randint(0, 99999)])
    month, day = rng.randint(0, 14), rng.randint(0, 32)
    shape = rng.randrange(4)
    if shape == 0:
        return f"{year:04d}-{month:02d}"
    if shape == 1:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if shape == 2:
        return f"{day:02d}/{month:02d}/{year}"
    return f"{year}-{rng.choice(ODD_DIGITS)}"


def odd_text(rng: random.Random) -> str:
    """Text with control characters, other scripts, or far longer than any field."""
    pool = "aZ09 -_%'\"\\/<>&;=\x00\t\n" + ODD_DIGITS + "ĐứcΩЖ中🙂"
    length = rng.choice([1, 3, 20, 300, 10000])
    return "".join(rng.choice(pool) for _ in range(length))


GENERATORS = [odd_number, odd_date, odd_text]


def hostile_values(rng: random.Random) -> list[str | bytes]:
    """The fixed values and a few generated ones, in an order that varies with the seed."""
    found: list[str | bytes] = FIXED + [gen(rng) for gen in GENERATORS for _ in range(3)]
    rng.shuffle(found)
    return found


def random_values(rng: random.Random) -> list[str | bytes]:
    """One hostile value, or two for the same parameter (a repeated parameter)."""

    def one() -> str | bytes:
        return rng.choice(FIXED) if rng.random() < 0.5 else rng.choice(GENERATORS)(rng)

    return [one(), one()] if rng.random() < 0.15 else [one()]


# Hostile values for a path's parameters: an <int:...> converter takes ASCII digits only, the
# others any text without a slash.
INT_PATH_VALUES = ["0", str(2**63), "9" * 30]
TEXT_PATH_VALUES = [
    "0000-01",
    "2024-13",
    "2024-00",
    "9999-12",
    "0001-01",
    "²٣²٣-01",
    "٢٠٢٤-٠١",
    "²",
    "-1",
    str(2**63),
    "x" * 300,
    "\x00",
    "%",
    "..",
    "' OR 1=1 --",
    "ĐứcΩ",
]

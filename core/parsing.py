"""Reading ids, months and search text from what a user controls (a query string, a URL).

One place for it because the obvious tools are wrong at the edges: `str.isdigit()` is true
for "²" and "٣", which `int()` then refuses or reads; `\\d` in a regular expression matches
every script's digits; `datetime.date` raises for year 0 or a 13th month; and PostgreSQL
refuses text with a NUL character. Each function here answers None (or no text) for what it
cannot read, so a view shows a message or a 404 instead of failing with a server error.
Form fields do the same for what goes through a form.
"""

from __future__ import annotations

import datetime
import re

# Database keys are 64-bit signed integers (BigAutoField); a longer number names no record
# and could overflow the database driver.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


def parse_id(text: object) -> int | None:
    """A record id written in ASCII digits (as in a URL or a form), or None."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 < text <= MAX_ID else None
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_month(text: object) -> datetime.date | None:
    """ "2021-01" → 1 January 2021; None for anything else (year 0, month 13, other digits)."""
    match = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (datetime.MINYEAR <= year <= datetime.MAXYEAR and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def query_text(text: object) -> str:
    """Search text from a query string, stripped; none if it holds a NUL character, which
    PostgreSQL can neither store nor compare (forms refuse it alike)."""
    if not isinstance(text, str) or "\x00" in text:
        return ""
    return text.strip()

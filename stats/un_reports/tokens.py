"""Recognising the pieces of a report line: numbers, dates, mission codes, personnel types."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .extract import Line, Word
from .report import EXPERTS, FPU, INDIVIDUAL_POLICE, STAFF_OFFICER, TROOPS

NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Mission codes are upper-case acronyms; the few upper-case words of the column headers of
# the October 2019 matrix (UNMEM, UNPOL) are never read as missions.
MISSION = re.compile(r"^(UN|MIN|MON|BIN)[A-Z]{2,}$")
NOT_MISSIONS = {"UNMEM", "UNPOL"}

# Every spelling of the five categories seen over the decade, longest first so that
# "Formed Police Units" wins over "Police".
TYPE_PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    (
        (tuple(phrase.split()), code)
        for phrase, code in [
            ("contingent troops", TROOPS),
            ("contingent troop", TROOPS),
            ("contingent", TROOPS),
            ("troops", TROOPS),
            ("troop", TROOPS),
            ("staff officers", STAFF_OFFICER),
            ("staff officer", STAFF_OFFICER),
            ("staff", STAFF_OFFICER),
            ("experts on mission", EXPERTS),
            ("expert on mission", EXPERTS),
            ("experts", EXPERTS),
            ("formed police units", FPU),
            ("formed police unit", FPU),
            ("fpu", FPU),
            ("individual police", INDIVIDUAL_POLICE),
            ("ind police", INDIVIDUAL_POLICE),
            ("police", INDIVIDUAL_POLICE),
        ]
    ),
    key=lambda item: -len(item[0]),
)


def number(text: str) -> int:
    return int(text.replace(",", ""))


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


def is_mission(text: str) -> bool:
    return bool(MISSION.match(text)) and text not in NOT_MISSIONS


def parse_date(text: str) -> datetime.date | None:
    match = DATE.match(text)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


@dataclass(slots=True)
class Parts:
    """A line cut into what it says: text words, numbers, dates (with positions)."""

    line: Line
    text: list[Word]
    numbers: list[Word]
    dates: list[Word]

    @property
    def label(self) -> str:
        return " ".join(w.text for w in self.text)

    @property
    def values(self) -> list[int]:
        return [number(w.text) for w in self.numbers]

    @property
    def top(self) -> float:
        return self.line.words[0].middle


def parts(line: Line) -> Parts:
    text, numbers, dates = [], [], []
    for word in line.words:
        if is_number(word.text):
            numbers.append(word)
        elif DATE.match(word.text):
            dates.append(word)
        else:
            text.append(word)
    return Parts(line, text, numbers, dates)


def find_type(words: list[str]) -> tuple[str | None, int, int]:
    """The personnel type named in `words`: (code, start, end) or (None, 0, 0)."""
    lowered = [w.lower().rstrip(",") for w in words]
    for phrase, code in TYPE_PHRASES:
        size = len(phrase)
        for start in range(len(lowered) - size + 1):
            if tuple(lowered[start : start + size]) == phrase:
                return code, start, start + size
    return None, 0, 0


@dataclass(slots=True)
class Label:
    mission: str
    country: str
    personnel_type: str | None


def split_label(words: list[str]) -> Label:
    """Mission code first (if any), then the country name, then the personnel type."""
    mission = ""
    if words and is_mission(words[0]):
        mission, words = words[0], words[1:]
    code, start, end = find_type(words)
    if code is None:
        return Label(mission, " ".join(words), None)
    return Label(mission, " ".join(words[:start] + words[end:]), code)


def is_page_furniture(text: str) -> bool:
    """Page numbers and "Report Generated On" footers, repeated on every page."""
    lowered = text.lower()
    return (
        bool(re.match(r"^page \d+ of \d+$", lowered))
        or lowered.startswith("report generated")
        or bool(re.search(r"\bpage \d+ of \d+$", lowered) and "generated" in lowered)
        or lowered in {"pm", "am"}
    )

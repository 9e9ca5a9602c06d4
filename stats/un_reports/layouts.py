"""The layouts the UN used for this report from 2015 to 2025, and how each is recognised.

A layout is recognised from the first page's title and column header, never from the file
name; a file that matches none is refused with what its first page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import country_first, mission_first
from .errors import ReportRefused
from .extract import Document
from .report import ParsedReport


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    # Every pattern must be found in the first page's text (whitespace collapsed, lower case).
    patterns: tuple[str, ...]
    parse: Callable[[Document, str], ParsedReport]


LAYOUTS: list[Layout] = [
    Layout(
        "summary-by-country-2015",
        "UN Mission's Summary detailed by Country (2015-2017)",
        (r"un mission's summary", r"detailed by country", r"country un mission description"),
        country_first.parse_country_blocks,
    ),
    Layout(
        "country-mission-detail-2016",
        "Summary of Contributions by Country and Mission Detail (November 2016)",
        (r"by country and mission detail", r"country mission male female total"),
        country_first.parse_country_blocks,
    ),
    Layout(
        "country-mission-post-2017",
        "Summary of Contributions by Country, Mission and Post (May 2017 - February 2018)",
        (r"by country, mission and post", r"country mission post male female total"),
        country_first.parse_country_blocks,
    ),
    Layout(
        "country-post-2018",
        "Summary of Contributions by Country and Post, no missions (March 2018 - August 2019)",
        (r"by country and post\.", r"country name post male female total"),
        country_first.parse_country_post,
    ),
    Layout(
        "flat-rows-2019",
        "One line per figure with a report_date column (September 2019)",
        (r"mission country description male female total report_date",),
        mission_first.parse_flat,
    ),
    Layout(
        "country-mission-matrix-2019",
        "Matrix of male/female per category by country and mission (October 2019)",
        (r"by country and post", r"country mission unmem m unmem f troops m"),
        country_first.parse_matrix,
    ),
    Layout(
        "mission-country-post-2019",
        "Summary by Mission, Country and Post, post after the figures (November 2019)",
        (r"by mission, country and post", r"mission country male female total post"),
        mission_first.parse_mission_blocks,
    ),
    Layout(
        "mission-country-description-2019",
        "Summary by Mission, Country and Post, with descriptions (December 2019 - January 2020)",
        (r"by mission, country and post", r"mission country description male female total"),
        mission_first.parse_mission_blocks,
    ),
    Layout(
        "mission-contributor-2020",
        "Summary by Mission, Country and Post, contributor headings (February 2020 - January 2021)",
        (r"by mission,? country and post", r"mission contributor description male female total"),
        mission_first.parse_mission_blocks,
    ),
    Layout(
        "mission-country-type-2021",
        "Contribution of Uniformed Personnel to UN by Mission, Country, and Personnel Type "
        "(February 2021 - July 2025)",
        (
            r"by mission, country, and personnel type",
            r"mission country personnel type male female total",
            r"as of: ?\d",
        ),
        mission_first.parse_mission_type,
    ),
    Layout(
        "country-type-matrix-2023",
        "Contribution of Uniformed Personnel to UN by Country and Personnel Type, no gender "
        "(September 2023)",
        (r"by country and personnel type", r"country experts on formed police individual"),
        country_first.parse_type_matrix,
    ),
    Layout(
        "flat-rows-report-date-2024",
        "One line per figure with a Report Date column (October 2024)",
        (r"mission country personnel type male female total report date",),
        mission_first.parse_flat,
    ),
]

# Words that any of these reports shows on its first page; a PDF with none of them is not a
# UN contribution report at all (rather than one of an unknown layout).
REPORT_WORDS = re.compile(r"peacekeeping|uniformed personnel|un mission|personnel type")


def first_page_text(document: Document) -> str:
    text = document.pages[0].text if document.pages else ""
    return re.sub(r"\s+", " ", text).strip().lower()


def detect(document: Document) -> Layout:
    text = first_page_text(document)
    if not text:
        raise ReportRefused(document.name, "the PDF has no text on its first page (scanned?)")
    for layout in LAYOUTS:
        if all(re.search(pattern, text) for pattern in layout.patterns):
            return layout
    begins = " / ".join(line.text for line in document.pages[0].lines[:4])[:200]
    if not REPORT_WORDS.search(text):
        raise ReportRefused(
            document.name,
            f"not a UN report of uniformed personnel contributions (first page begins: '{begins}')",
        )
    raise ReportRefused(document.name, f"unknown report layout (first page begins: '{begins}')")

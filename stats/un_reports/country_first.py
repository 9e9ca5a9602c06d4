"""Layouts that list countries, then their missions (January 2015 to October 2019)."""

from __future__ import annotations

import datetime

from .common import (
    Refuse,
    body_lines,
    by_column,
    end_of_month_date,
    first_slash_date,
    gender_columns,
    month_of_report_date,
    printed_as_of,
    title_lines,
)
from .extract import Document
from .report import (
    EXPERTS,
    FPU,
    INDIVIDUAL_POLICE,
    STAFF_OFFICER,
    TROOPS,
    ParsedReport,
    PrintedTotal,
    Row,
)
from .tokens import Parts, is_mission, split_label


def report_date(document: Document, refuse: Refuse) -> datetime.date:
    """The date printed in the title: "Month of Report", "by End of ...", or dd/mm/yyyy."""
    title = title_lines(document)
    text = "\n".join(line.text for line in title)
    as_of = month_of_report_date(text) or end_of_month_date(text) or first_slash_date(title)
    if as_of is None:
        refuse("no report date is printed above the table")
    return as_of


def parse_country_blocks(document: Document, layout: str) -> ParsedReport:
    """Countries as headings, their missions under them, one line per personnel type.

    Covers 2015 to February 2018. Variants differ in a sequence number before the country,
    whether the mission has a line of its own or starts the first figures line, and which
    subtotals are printed: a mission's total alone ("UNMISS 3") or with gender ("Total for
    Mission"), a country's total alone ("Albania 3") or with gender ("Total for Country").
    """
    refuse = Refuse(document)
    report = ParsedReport(document.name, layout, report_date(document, refuse), document.page_count)
    country = mission = ""
    heading_open = False  # the last line was a country heading (a long name may wrap)
    columns = gender_columns(document)
    for page, line in body_lines(document):
        words = [w.text for w in line.text]
        values = line.values
        if line.text and len(line.numbers) == 1 and line.numbers[0].x1 < line.text[0].x0:
            # "12 Argentina": the report's sequence number before a country heading.
            country, mission, heading_open = " ".join(words), "", True
            continue
        if words[:2] == ["Grand", "Total"] or words == ["Total"]:
            report.grand_total = _total("Grand Total", page, values, refuse, line)
            continue
        if words[:3] == ["Total", "for", "Mission"]:
            report.totals.append(
                _total(f"Total for Mission {mission} of {country}", page, values, refuse, line)
            )
            report.totals[-1].mission, report.totals[-1].country = mission, country
            continue
        if words[:3] == ["Total", "for", "Country"]:
            report.totals.append(_total(f"Total for Country {country}", page, values, refuse, line))
            report.totals[-1].country = country
            continue
        label = split_label(words)
        if label.personnel_type is not None:
            if label.mission:
                mission = label.mission
            if label.country or not country or not mission:
                refuse("figures outside a country and mission", page, line.line)
            heading_open = False
            if len(values) != 3:
                # January-February 2015 print lines with blank cells ("Individual Police 0"
                # with no female or total): a line whose printed figures are all zero has
                # no personnel; any other incomplete line is refused.
                cells = by_column(line, columns) if columns else None
                if cells is None or cells[2] is not None or any(cells[:2]):
                    refuse("a row without male, female and total figures", page, line.line)
                continue
            male, female, total = values
            report.rows.append(
                Row(mission, country, label.personnel_type, male, female, total, page)
            )
            continue
        if label.mission and not label.country:
            if not values:
                mission, heading_open = label.mission, False
                continue
            # "UNMISS 3": the mission's subtotal for the current country, total only. Its
            # cell may cut the code short ("MINUJUST" for MINUJUSTH).
            if label.mission != mission and not mission.startswith(label.mission):
                refuse(f"total of {label.mission} inside mission {mission}", page, line.line)
            report.totals.append(_total(f"{mission} of {country}", page, values, refuse, line))
            report.totals[-1].mission, report.totals[-1].country = mission, country
            continue
        if label.mission:
            refuse("unexpected line", page, line.line)
        if values and not words and len(values) == 3 and report.totals:
            # The country's subtotal whose name the PDF draws without text (October 2017
            # prints "Côte d'Ivoire" there as shapes): it closes the current country.
            report.totals.append(_total(f"Total of {country}", page, values, refuse, line))
            report.totals[-1].country = country
            heading_open = False
            continue
        if values:
            # "Argentina 880" or "Argentina 403 55 458": the country's subtotal.
            # The subtotal's cell may cut a long name short: "Bosnia and Herzeg".
            if not (
                label.country == country
                or (len(label.country) >= 6 and country.startswith(label.country))
            ):
                refuse(f"total of {label.country} under {country}", page, line.line)
            report.totals.append(_total(f"Total of {country}", page, values, refuse, line))
            report.totals[-1].country = country
            heading_open = False
            continue
        if heading_open:
            country = f"{country} {label.country}"
        else:
            country, mission, heading_open = label.country, "", True
    return report


def _total(label: str, page: int, values: list[int], refuse: Refuse, line: Parts) -> PrintedTotal:
    if len(values) == 3:
        return PrintedTotal(f"{label}, page {page}", page, *values)
    if len(values) == 1:
        return PrintedTotal(f"{label}, page {page}", page, None, None, values[0])
    refuse("a total with an unexpected number of figures", page, line.line)


def parse_country_post(document: Document, layout: str) -> ParsedReport:
    """ "Summary of Contributions to UN Peacekeeping by Country and Post" (March 2018 to
    August 2019): no missions; a category's label may wrap onto two lines and sit above or
    below its figures, so within each country the figures lines and the labels are read in
    order, top to bottom, and paired one to one (their counts must agree).
    """
    refuse = Refuse(document)
    report = ParsedReport(document.name, layout, report_date(document, refuse), document.page_count)
    country = ""
    figures: list[tuple[int, Parts]] = []
    label_words: list[str] = []

    def close_country(page: int, line: Parts) -> None:
        types = _types_in_order(label_words)
        if types is None or len(types) != len(figures):
            refuse(
                f"cannot pair the categories ({' '.join(label_words)}) with "
                f"{len(figures)} lines of figures for {country}",
                page,
                line.line,
            )
        for (row_page, row), personnel_type in zip(figures, types, strict=True):
            male, female, total = row.values
            report.rows.append(Row("", country, personnel_type, male, female, total, row_page))
        figures.clear()
        label_words.clear()

    for page, line in body_lines(document):
        words = [w.text for w in line.text]
        values = line.values
        if line.numbers and line.text and line.numbers[0].x1 < line.text[0].x0:
            if figures or label_words:
                refuse(f"{country} has no 'Total for Country' line", page, line.line)
            country = " ".join(words)
            continue
        if words[:3] == ["Total", "for", "Country"]:
            close_country(page, line)
            report.totals.append(_total(f"Total for Country {country}", page, values, refuse, line))
            report.totals[-1].country = country
            continue
        if words == ["Total"]:
            report.grand_total = _total("Total", page, values, refuse, line)
            continue
        if values:
            if len(values) != 3:
                refuse("a row without male, female and total figures", page, line.line)
            figures.append((page, line))
        label_words.extend(words)
    return report


def _types_in_order(words: list[str]) -> list[str] | None:
    """ "Contingent Troops Mission Experts on Individual Police" → the categories, in order.

    The second line of a wrapped label ("Mission" of "Experts on Mission") is drawn on the
    figures' line, above the first ("Experts on"), so "Mission" is dropped and "Experts on"
    read as the experts' label.
    """
    cleaned = [w for w in words if w != "Mission"]
    result: list[str] = []
    vocabulary = [
        (("Contingent", "Troops"), TROOPS),
        (("Experts", "on"), EXPERTS),
        (("FPU",), FPU),
        (("Individual", "Police"), INDIVIDUAL_POLICE),
        (("Staff", "Officer"), STAFF_OFFICER),
    ]
    index = 0
    while index < len(cleaned):
        for phrase, code in vocabulary:
            if tuple(cleaned[index : index + len(phrase)]) == phrase:
                result.append(code)
                index += len(phrase)
                break
        else:
            return None
    return result


# The October 2019 matrix: per country and mission, male and female for each category, in
# this column order (UNMEM = military experts on mission, UNPOL = individual police officers,
# MSO = military staff officers).
MATRIX_COLUMNS = [EXPERTS, TROOPS, INDIVIDUAL_POLICE, FPU, STAFF_OFFICER]


def parse_matrix(document: Document, layout: str) -> ParsedReport:
    """ "Summary of Contribution to UN Peacekeeping by Country and Post" (October 2019)."""
    refuse = Refuse(document)
    as_of = printed_as_of(
        document, refuse, "the report prints no 'as of' date, so its month cannot be read from it"
    )
    report = ParsedReport(document.name, layout, as_of, document.page_count)
    country = ""
    for page, line in body_lines(document):
        words = [w.text for w in line.text]
        values = line.values
        if not values:
            country = " ".join(words)
            continue
        if len(values) != 10:
            refuse("expected male and female figures for five categories", page, line.line)
        pairs = list(zip(values[0::2], values[1::2], strict=True))
        if words[:2] == ["Grand", "Total"]:
            for code, (male, female) in zip(MATRIX_COLUMNS, pairs, strict=True):
                report.totals.append(
                    PrintedTotal(
                        f"Grand Total {code}",
                        page,
                        male,
                        female,
                        male + female,
                        personnel_type=code,
                    )
                )
            continue
        if words[:3] == ["Total", "by", "Country"]:
            for code, (male, female) in zip(MATRIX_COLUMNS, pairs, strict=True):
                report.totals.append(
                    PrintedTotal(
                        f"Total by Country {country} {code}, page {page}",
                        page,
                        male,
                        female,
                        male + female,
                        country=country,
                        personnel_type=code,
                    )
                )
            continue
        if len(words) != 1 or not is_mission(words[0]):
            refuse("unexpected line", page, line.line)
        for code, (male, female) in zip(MATRIX_COLUMNS, pairs, strict=True):
            if male or female:
                report.rows.append(Row(words[0], country, code, male, female, male + female, page))
    return report


# September 2023, "by Country and Personnel Type": one line per country, totals per category,
# no gender and no missions.
TYPE_MATRIX_COLUMNS = [EXPERTS, FPU, INDIVIDUAL_POLICE, STAFF_OFFICER, TROOPS]


def parse_type_matrix(document: Document, layout: str) -> ParsedReport:
    refuse = Refuse(document)
    as_of = printed_as_of(document, refuse)
    report = ParsedReport(document.name, layout, as_of, document.page_count, has_gender=False)
    entries: list[tuple[list[str], list[int], int]] = []  # (name words, figures, page)
    for page, line in body_lines(document):
        words = [w.text for w in line.text]
        values = line.values
        if not values:
            if words == ["Mission", "Units", "Police"]:
                continue  # the second line of the column header
            if not entries or entries[-1][2] != page:
                refuse("unexpected line", page, line.line)
            # A long name wraps below its figures: "United Republic of" / "Tanzania".
            entries[-1][0].extend(words)
            continue
        if len(values) != 6:
            refuse("expected five categories and a total", page, line.line)
        if words[:2] == ["Grand", "Total"]:
            for code, value in zip(TYPE_MATRIX_COLUMNS, values, strict=False):
                report.totals.append(
                    PrintedTotal(
                        f"Grand Total {code}", page, None, None, value, personnel_type=code
                    )
                )
            report.grand_total = PrintedTotal("Grand Total", page, None, None, values[5])
            continue
        if len(line.dates) != 1 or line.dates[0].text != as_of.strftime("%d/%m/%Y"):
            refuse("a line whose end date is not the report's date", page, line.line)
        entries.append((words, values, page))
    for words, values, page in entries:
        country = " ".join(words)
        for code, value in zip(TYPE_MATRIX_COLUMNS, values, strict=False):
            report.rows.append(Row("", country, code, None, None, value, page))
        report.totals.append(
            PrintedTotal(
                f"Total of {country}, page {page}", page, None, None, values[5], country=country
            )
        )
    return report

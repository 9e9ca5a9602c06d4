"""Layouts that list missions, then the countries in each (September 2019 to July 2025)."""

from __future__ import annotations

import datetime

from .common import Refuse, body_lines, printed_as_of, single_row_date
from .extract import Document
from .report import ParsedReport, PrintedTotal, Row
from .tokens import Parts, is_mission, parse_date, split_label


def parse_flat(document: Document, layout: str) -> ParsedReport:
    """One self-contained line per figure: mission, country, type, M, F, T, report date.

    September 2019 and October 2024 were published like this, with no totals at all; the
    date is read from the rows' own report-date column.
    """
    refuse = Refuse(document)
    rows: list[Row] = []
    dates: set[datetime.date] = set()
    # A name too long for its cell wraps around the line's middle: its first part on a line
    # of its own just above the figures, the rest just below.
    above: list[str] = []
    awaiting_rest: Row | None = None
    for page, line in body_lines(document):
        label = split_label([w.text for w in line.text])
        if not line.numbers and not line.dates and not label.mission:
            if label.personnel_type is not None or not label.country:
                refuse("unexpected line", page, line.line)
            if awaiting_rest is not None:
                awaiting_rest.country += " " + label.country
                awaiting_rest = None
            elif above:
                refuse("a country name with no figures", page, line.line)
            else:
                above.append(label.country)
            continue
        if not label.mission or label.personnel_type is None or len(line.numbers) != 3:
            refuse("a row without mission, personnel type and three figures", page, line.line)
        if len(line.dates) != 1:
            refuse("a row without its report date", page, line.line)
        if awaiting_rest is not None:
            refuse("a wrapped country name without its second line", page, line.line)
        dates.add(parse_date(line.dates[0].text))
        male, female, total = line.values
        row = Row(label.mission, label.country, label.personnel_type, male, female, total, page)
        if not label.country:
            if not above:
                refuse("a row without its country", page, line.line)
            row.country, awaiting_rest = above.pop(), row
        elif above:
            refuse("a country name with no figures", page, line.line)
        rows.append(row)
    if above or awaiting_rest is not None:
        refuse("a country name with no figures on the last page")
    as_of = single_row_date(dates, refuse)
    return ParsedReport(document.name, layout, as_of, document.page_count, rows)


def parse_mission_blocks(document: Document, layout: str) -> ParsedReport:
    """Missions as headings, countries under them, one line per personnel type.

    Covers the November 2019 to January 2021 reports, whose variants differ in where the
    country sits (on the figures' line or on a line of its own above them) and in how
    subtotals are printed (figures alone on a line after the mission, or figures on the
    mission's and the country's own heading lines).
    """
    refuse = Refuse(document)
    as_of = printed_as_of(document, refuse)
    report = ParsedReport(document.name, layout, as_of, document.page_count)
    mission = country = ""
    # What the previous line was, for wrapped names: "row" (figures naming their country),
    # "heading" (a country's own line), or "" (anything else).
    previous = ""
    heading_pending = False  # a country heading whose figures have not come yet
    after_mission_total = False
    for page, line in body_lines(document):
        words = [w.text for w in line.text]
        values = line.values
        if not words and len(values) == 1 and after_mission_total:
            # November 2019 prints the number of lines alone under the last mission.
            report.printed_row_count = values[0]
            continue
        if not words and len(values) == 4 and after_mission_total:
            # December 2019/January 2020: the number of lines, then the grand total.
            report.printed_row_count = values[0]
            report.grand_total = PrintedTotal(f"Grand Total, page {page}", page, *values[1:])
            continue
        if words[:2] == ["Grand", "Total"] or (not words and after_mission_total):
            grand = _figures(values, refuse, page, line)
            report.grand_total = PrintedTotal(f"Grand Total, page {page}", page, *grand)
            continue
        if not words:
            figures = _figures(values, refuse, page, line)
            report.totals.append(
                PrintedTotal(f"Total of {mission}, page {page}", page, *figures, mission=mission)
            )
            after_mission_total, previous = True, ""
            continue
        after_mission_total = False
        label = split_label(words)
        if label.mission and not label.country and label.personnel_type is None:
            if heading_pending:
                refuse(f"no figures under {country}", page, line.line)
            mission, country, previous = label.mission, "", ""
            if values:
                figures = _figures(values, refuse, page, line)
                report.totals.append(
                    PrintedTotal(f"{mission}, page {page}", page, *figures, mission=mission)
                )
            continue
        if not mission:
            refuse("figures before any mission heading", page, line.line)
        if label.personnel_type is None:
            if label.mission:
                refuse("unexpected line", page, line.line)
            if not values and previous == "row":
                # A long name wraps below the figures line that starts it.
                report.rows[-1].country += " " + label.country
                country = report.rows[-1].country
                continue
            if not values and previous == "heading":
                country += " " + label.country  # a heading's name wraps
                if report.totals and report.totals[-1].country is not None:
                    report.totals[-1].country = country
                continue
            if heading_pending:
                refuse(f"no figures under {country}", page, line.line)
            country, previous, heading_pending = label.country, "heading", True
            if values:
                figures = _figures(values, refuse, page, line)
                report.totals.append(
                    PrintedTotal(
                        f"{mission} {country}, page {page}",
                        page,
                        *figures,
                        mission=mission,
                        country=country,
                    )
                )
            continue
        if label.country:
            if heading_pending:
                refuse(f"no figures under {country}", page, line.line)
            country, previous = label.country, "row"
        else:
            previous = ""
        heading_pending = False
        if not country:
            refuse("figures before any country", page, line.line)
        male, female, total = _figures(values, refuse, page, line)
        report.rows.append(Row(mission, country, label.personnel_type, male, female, total, page))
    return report


def parse_mission_type(document: Document, layout: str) -> ParsedReport:
    """The "Contribution of Uniformed Personnel to UN" report (February 2021 to July 2025).

    A country's name is printed once per mission, centred vertically on its group of lines:
    on the line of its first figures when it has one line, on the middle line when it has an
    odd number, between two lines (on a line of its own) when it has an even number. The
    groups are recovered from those positions and must account for every line exactly;
    anything else is refused rather than guessed.
    """
    refuse = Refuse(document)
    as_of = printed_as_of(document, refuse)
    report = ParsedReport(document.name, layout, as_of, document.page_count)
    mission = ""
    block: list[tuple[int, Parts, str | None]] = []  # figures lines of one mission on one page
    names: list[tuple[int, Parts]] = []
    # The last country of the previous page, and how many of its lines the next page must
    # still hold (see _centred_groups), for groups that run over a page break.
    carry: tuple[str, int] = ("", 0)

    def close_block() -> None:
        nonlocal carry
        carry = _assign_centred(block, names, mission, carry, report, refuse)
        block.clear()
        names.clear()

    last_page = 0
    for page, line in body_lines(document):
        if page != last_page:
            close_block()
            last_page = page
        words = [w.text for w in line.text]
        if words[:2] == ["Grand", "Total"]:
            close_block()
            figures = _figures(line.values, refuse, page, line)
            report.grand_total = PrintedTotal(f"Grand Total, page {page}", page, *figures)
            continue
        if words[:1] == ["Total"] and len(words) == 2 and is_mission(words[1]):
            close_block()
            if words[1] != mission:
                refuse(f"total of {words[1]} inside mission {mission}", page, line.line)
            figures = _figures(line.values, refuse, page, line)
            report.totals.append(
                PrintedTotal(f"Total {mission}, page {page}", page, *figures, mission=mission)
            )
            carry = ("", 0)
            continue
        label = split_label(words)
        if label.mission and not label.country and label.personnel_type is None:
            close_block()
            if line.numbers:
                refuse("figures on a mission heading", page, line.line)
            mission, carry = label.mission, ("", 0)
            continue
        if not mission:
            refuse("figures before any mission heading", page, line.line)
        if label.personnel_type is None:
            if line.numbers or label.mission:
                refuse("unexpected line", page, line.line)
            names.append((page, line))
            continue
        if len(line.numbers) != 3:
            refuse("a row without male, female and total figures", page, line.line)
        block.append((page, line, label.personnel_type))
    close_block()
    return report


def _assign_centred(
    block: list[tuple[int, Parts, str | None]],
    names: list[tuple[int, Parts]],
    mission: str,
    carry: tuple[str, int],
    report: ParsedReport,
    refuse: Refuse,
) -> tuple[str, int]:
    """Give each figures line of one page its country from the centred names; see above."""
    carried_name, owed = carry
    if not block:
        if names:
            page, line = names[0]
            refuse("a country name with no figures", page, line.line)
        return carry
    # Names printed on a figures line are centred on that line.
    events: list[tuple[float, str]] = []
    for _, line, _type in block:
        label = split_label([w.text for w in line.text])
        if label.country:
            events.append((line.top, label.country))
    # A name too long for its cell wraps onto two lines of its own, a little less than a
    # line's height apart: they are one name, centred between them.
    merged: list[tuple[float, str, float]] = []  # (middle, name, height) of standalone names
    for _, line in names:
        height = max(w.top - w.bottom for w in line.text)
        if merged and merged[-1][0] - line.top < 1.3 * height:
            previous_top, previous_name, _height = merged[-1]
            merged[-1] = ((previous_top + line.top) / 2, f"{previous_name} {line.label}", height)
        else:
            merged.append((line.top, line.label, height))
    events.extend((middle, name) for middle, name, _height in merged)
    events.sort(key=lambda event: -event[0])
    tops = [line.top for _, line, _type in block]
    result = None
    if owed:
        # The previous page's last name was centred on lines that run onto this page; the
        # spreadsheet prints the name again here, centred on the whole group as well (so
        # above the page's first lines): that copy names no new group.
        if (
            events
            and events[0][1] == carried_name
            and events[0][0] > tops[min(owed, len(tops)) - 1]
        ):
            events.pop(0)
        if owed <= len(tops):
            result = _centred_groups(tops[owed:], events, tops)
            carried = owed
    else:
        # Or the name is printed again on this page; or, in some files, the first lines
        # continue the previous country with no name: try none, one, two... such lines,
        # and take the first reading that accounts for every line.
        for carried in range(0, len(block) + 1 if carried_name else 1):
            result = _centred_groups(tops[carried:], events, tops)
            if result is not None:
                break
    if result is None:
        page, line, _type = block[0]
        refuse(f"cannot tell which lines belong to which country in {mission}", page, line.line)
    owner, overflow = result
    owner = [carried_name] * carried + owner
    for (page, line, personnel_type), country in zip(block, owner, strict=True):
        male, female, total = line.values
        report.rows.append(Row(mission, country, personnel_type, male, female, total, page))
    return owner[-1], overflow


def _centred_groups(
    tops: list[float], events: list[tuple[float, str]], page_tops: list[float]
) -> tuple[list[str], int] | None:
    """Each name, top to bottom, takes the run of lines whose middle is its own (±2 points).

    The last name of a page may be centred on a group that runs onto the next page (the
    spreadsheet-printed September 2022 report): its group is then completed with lines
    continuing below the page at the same spacing, and the count of those lines is returned
    so that the next page must begin with exactly that many lines of the same country.
    """
    owner: list[str] = []
    start = 0
    pitch = _pitch(page_tops)
    for number, (centre, name) in enumerate(events):
        last = number == len(events) - 1
        size = None
        limit = len(tops) - start + (len(tops) if last and pitch else 0)
        for candidate in range(1, limit + 1):
            end = start + candidate - 1
            bottom = tops[end] if end < len(tops) else tops[-1] - pitch * (end - len(tops) + 1)
            middle = (tops[start] + bottom) / 2
            if abs(middle - centre) <= 2.0:
                size = candidate
                break
            if middle < centre - 2.0:
                break
        if size is None:
            return None
        owner.extend([name] * min(size, len(tops) - start))
        if start + size > len(tops):
            return owner, start + size - len(tops)
        start += size
    return (owner, 0) if start == len(tops) else None


def _pitch(tops: list[float]) -> float:
    """The usual distance between two lines of figures on a page (0 if it cannot be told)."""
    gaps = sorted(a - b for a, b in zip(tops, tops[1:], strict=False) if a > b)
    return gaps[len(gaps) // 2] if gaps else 0.0


def _figures(values: list[int], refuse: Refuse, page: int, line: Parts) -> tuple[int, int, int]:
    if len(values) != 3:
        refuse("expected male, female and total figures", page, line.line)
    return values[0], values[1], values[2]

"""Checking a parsed report against the totals it prints: a correct parse reproduces them all."""

from __future__ import annotations

from .report import ParsedReport, PrintedTotal, Row


def _matches(row: Row, total: PrintedTotal) -> bool:
    return (
        (total.mission is None or row.mission == total.mission)
        and (total.country is None or row.country == total.country)
        and (total.personnel_type is None or row.personnel_type == total.personnel_type)
    )


def _compare(label: str, printed: PrintedTotal, rows: list[Row]) -> list[str]:
    problems = []
    for part in ("male", "female", "total"):
        expected = getattr(printed, part)
        if expected is None:
            continue
        values = [getattr(row, part) for row in rows]
        if any(value is None for value in values):
            problems.append(f"{label}: the report prints {part} figures its rows do not give")
            continue
        found = sum(values)
        if found != expected:
            problems.append(f"{label}: {part} printed {expected}, the lines add up to {found}")
    return problems


def reconcile(report: ParsedReport) -> list[str]:
    """Every disagreement between the figures and the report's own totals (empty: all agree)."""
    problems: list[str] = []
    if not report.rows:
        return ["no figures were found in the report"]
    for row in report.rows:
        if row.male is not None and row.female is not None and row.male + row.female != row.total:
            problems.append(
                f"page {row.page}: {row.country} {row.mission} {row.personnel_type}: "
                f"male {row.male} + female {row.female} is not the printed total {row.total}"
            )
    for printed in report.totals:
        rows = [row for row in report.rows if _matches(row, printed)]
        if not rows:
            if not any((printed.male, printed.female, printed.total)):
                continue  # a printed zero with no lines (zero lines are not kept)
            problems.append(f"{printed.label}: no lines of figures belong to this total")
            continue
        problems.extend(_compare(printed.label, printed, rows))
    if report.grand_total is not None:
        problems.extend(_compare(report.grand_total.label, report.grand_total, report.rows))
    if report.printed_row_count is not None and report.printed_row_count != len(report.rows):
        problems.append(
            f"the report counts {report.printed_row_count} lines, {len(report.rows)} were read"
        )
    return problems

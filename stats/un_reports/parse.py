"""Reading one UN report end to end: text, layout, figures, and the check of its totals."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from .errors import ReportRefused
from .extract import read_document
from .layouts import detect
from .reconcile import reconcile
from .report import ParsedReport

# A disagreement is reported with its first few instances; more would bury the cause.
SHOWN_PROBLEMS = 3


def parse_report(source: str | Path | bytes | BinaryIO, name: str | None = None) -> ParsedReport:
    """Parse and reconcile a report, or raise ReportRefused saying why it cannot be used."""
    if isinstance(source, Path):
        source = str(source)
    name = name or (source if isinstance(source, str) else "uploaded file")
    name = Path(name).name
    document = read_document(source, name)
    if not document.pages:
        raise ReportRefused(name, "the PDF has no pages")
    layout = detect(document)
    report = layout.parse(document, layout.name)
    problems = reconcile(report)
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        more = (
            f" (and {len(problems) - SHOWN_PROBLEMS} more)"
            if len(problems) > SHOWN_PROBLEMS
            else ""
        )
        raise ReportRefused(
            name, f"its figures do not reconcile with its printed totals: {shown}{more}"
        )
    return report

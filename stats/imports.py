"""Importing UN monthly reports: one file, one transaction, one month replaced whole."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from stats.countries import UnknownCountries, ensure_countries, resolve
from stats.models import UNContribution, UNReport
from stats.un_reports.errors import ReportRefused
from stats.un_reports.parse import parse_report

IMPORTED = "imported"
REPLACED = "replaced"
ALREADY_IMPORTED = "already imported"
REFUSED = "refused"


@dataclass
class ImportResult:
    file: str
    status: str
    message: str
    report: UNReport | None = None
    # For a replaced month: the file it was imported from before.
    replaced_file: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != REFUSED


def import_report(
    source: str | Path | bytes | BinaryIO, by: Any = None, name: str | None = None
) -> ImportResult:
    """Import one report file; on any problem nothing of it is stored.

    The same content (by SHA-256) already imported: nothing changes. A different file for a
    month already imported: that month's figures are replaced in the same transaction.
    """
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        try:
            content = Path(source).read_bytes()
        except OSError as error:
            return ImportResult(name, REFUSED, _("cannot be read (%(error)s)") % {"error": error})
    elif isinstance(source, bytes):
        content = source
    else:
        content = source.read()
    name = Path(name or "uploaded file").name
    digest = hashlib.sha256(content).hexdigest()
    existing = UNReport.objects.filter(sha256=digest).first()
    if existing is not None:
        return ImportResult(
            name,
            ALREADY_IMPORTED,
            _("already imported (same content as %(file)s, %(month)s)")
            % {"file": existing.file_name, "month": f"{existing.month:%Y-%m}"},
            existing,
        )
    ensure_countries()
    try:
        parsed = parse_report(content, name)
        countries = resolve(row.country for row in parsed.rows)
    except ReportRefused as refused:
        return ImportResult(name, REFUSED, refused.reason)
    except UnknownCountries as unknown:
        return ImportResult(
            name, REFUSED, _("names countries it cannot match: %(names)s") % {"names": unknown}
        )
    # One figure per mission, country and type: a layout may split one over two lines
    # (the October 2019 matrix), and lines with no personnel are not kept.
    figures: dict[tuple[str, int, str], list[int | None]] = defaultdict(lambda: [0, 0, 0])
    for row in parsed.rows:
        if not row.total:
            continue
        key = (row.mission, countries[row.country].pk, row.personnel_type)
        figure = figures[key]
        figure[0] = None if row.male is None or figure[0] is None else figure[0] + row.male
        figure[1] = None if row.female is None or figure[1] is None else figure[1] + row.female
        figure[2] += row.total
    month = parsed.as_of.replace(day=1)
    grand = parsed.grand_total
    with transaction.atomic():
        previous = UNReport.objects.select_for_update().filter(month=month).first()
        replaced_file = previous.file_name if previous else None
        if previous is not None:
            previous.delete()
        report = UNReport.objects.create(
            file_name=name,
            sha256=digest,
            as_of=parsed.as_of,
            month=month,
            layout=parsed.layout,
            page_count=parsed.page_count,
            line_count=len(parsed.rows),
            has_gender=parsed.has_gender,
            printed_male=grand.male if grand else None,
            printed_female=grand.female if grand else None,
            printed_total=grand.total if grand else None,
            total=sum(f[2] for f in figures.values()),
            female=sum(f[1] for f in figures.values()) if parsed.has_gender else None,
            imported_by=by if getattr(by, "pk", None) else None,
        )
        UNContribution.objects.bulk_create(
            UNContribution(
                report=report,
                month=month,
                mission=mission,
                country_id=country_id,
                personnel_type=personnel_type,
                male=male,
                female=female,
                total=total,
            )
            for (mission, country_id, personnel_type), (male, female, total) in figures.items()
        )
    details = {
        "as_of": f"{parsed.as_of:%d/%m/%Y}",
        "lines": len(parsed.rows),
        "layout": parsed.layout,
    }
    if replaced_file:
        return ImportResult(
            name,
            REPLACED,
            _("month %(month)s replaced (it was imported from %(previous)s); as of %(as_of)s")
            % {"month": f"{month:%Y-%m}", "previous": replaced_file, **details},
            report,
            replaced_file,
        )
    return ImportResult(
        name,
        IMPORTED,
        _("imported: as of %(as_of)s, %(lines)s lines, layout %(layout)s") % details,
        report,
    )


def report_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and the PDF files inside the folders named, in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() == ".pdf")
        else:
            yield path


def repeated_months(results: Iterable[ImportResult]) -> dict[str, list[str]]:
    """Months that more than one of these files holds ("2015-04": [two file names])."""
    files_by_month: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if result.report is not None:
            files_by_month[f"{result.report.month:%Y-%m}"].append(result.file)
    return {month: files for month, files in sorted(files_by_month.items()) if len(files) > 1}

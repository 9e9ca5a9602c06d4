"""Time to import the 126 UN monthly reports, beside the time just to read their text.

Usage (from the project root):
    .venv/bin/python bench/un_import.py                # SQLite in a fresh temporary file
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/un_import.py

Deterministic: the same files in name order into an empty database (its UN tables are
emptied first). Baseline, measured in the same run: opening every file with pdfium and
extracting the text of every page (get_text_range), the least any importer must do, so the
overhead of the positional extraction, layout parsing, reconciliation and database writes is
visible. Target: all 126 under two minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from common import ROOT, configure

# SQLite: a fresh temporary file; PostgreSQL: the database DB_NAME (its UN tables emptied).
configure(sqlite=None)


def main() -> None:
    default = Path(os.environ.get("UN_DATA_DIR") or ROOT.parent / "shared" / "data" / "un") / "pdf"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(default))
    args = parser.parse_args()
    files = sorted(Path(args.folder).glob("*.pdf"))
    if not files:
        sys.exit(f"no PDF files in {args.folder}")

    import django

    django.setup()
    import pypdfium2 as pdfium
    from django.core.management import call_command

    from stats.imports import REFUSED, import_report, repeated_months
    from stats.models import UNContribution, UNReport

    call_command("migrate", verbosity=0)
    UNReport.objects.all().delete()

    started = time.perf_counter()
    pages = 0
    for path in files:
        document = pdfium.PdfDocument(str(path))
        for page in document:
            page.get_textpage().get_text_range()
            pages += 1
        document.close()
    baseline = time.perf_counter() - started
    print(f"baseline: open + extract text of {len(files)} files ({pages} pages): {baseline:.1f} s")

    results = []
    started = time.perf_counter()
    for number, path in enumerate(files, start=1):
        began = time.perf_counter()
        result = import_report(path)
        results.append(result)
        print(
            f"[{number:>3}/{len(files)}] {path.name}: {result.status} "
            f"({time.perf_counter() - began:.2f} s)"
            + (f" - {result.message}" if result.status == REFUSED else "")
        )
    elapsed = time.perf_counter() - started

    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print()
    print(
        f"import of {len(files)} files: {elapsed:.1f} s (baseline {baseline:.1f} s, "
        f"x{elapsed / baseline:.1f}); target < 120 s: {'met' if elapsed < 120 else 'MISSED'}"
    )
    print("outcome: " + ", ".join(f"{status} {count}" for status, count in sorted(counts.items())))
    print(f"stored: {UNReport.objects.count()} months, {UNContribution.objects.count()} figures")
    for month, names in repeated_months(results).items():
        print(f"month {month} repeated by: {', '.join(names)}")


if __name__ == "__main__":
    main()

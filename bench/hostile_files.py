"""Time and peak memory of refusing each hostile spreadsheet, beside reading a normal one.

Usage (from the project root):
    .venv/bin/python bench/hostile_files.py

Deterministic: the hostile files are core.hostile_files' corpus (each built the same way
every run), the baseline the 2,000-row people workbook of bench/people_import.py (seed 2014).
Each file goes through core.spreadsheets.read_table with the people import's limits and with
a course run's results import's limits, as the two import pages read it; the time is the
median of three reads, the peak memory (tracemalloc) is that of a fourth. Target: every
hostile file refused in under 2 s (and under 100 MB, which the tests assert). No database.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from common import configure

configure(sqlite=None)

TARGET_SECONDS = 2.0
BASELINE_ROWS = 2000
REPEAT = 3


def read(content: bytes, name: str, limits: object) -> str:
    """ "" when the file is read, else the refusal."""
    from core import spreadsheets

    try:
        spreadsheets.read_table(io.BytesIO(content), name, limits, sheet="People")
    except spreadsheets.FileRefused as refusal:
        return str(refusal)
    return ""


def measure(content: bytes, name: str, limits: object) -> tuple[float, float, str]:
    """(median seconds, peak MB, refusal) of reading `content` uploaded as `name`."""
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        refusal = read(content, name, limits)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    read(content, name, limits)
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return statistics.median(times), peak, refusal


def main() -> None:
    import django

    django.setup()
    from people_import import write_workbook

    from core.hostile_files import CORPUS
    from people.imports import readers
    from training import imports

    limits = {"people": readers.limits(), "results": imports.limits()}
    path = Path(tempfile.mkdtemp()) / "people.xlsx"
    write_workbook(path, BASELINE_ROWS)
    baseline = path.read_bytes()
    print(f"{'file':<22} {'size':>10}  " + "  ".join(f"{k + ' ms':>11} {'MB':>6}" for k in limits))
    row = f"{'baseline: ' + str(BASELINE_ROWS) + ' rows':<22} {len(baseline) / 1024:7,.0f} KB"
    for name, chosen in limits.items():
        seconds, peak, refusal = measure(baseline, "people.xlsx", chosen)
        assert not refusal, (name, refusal)
        row += f"  {seconds * 1000:11.1f} {peak:6.1f}"
    print(row)
    slowest = 0.0
    for hostile in CORPUS:
        content = hostile.build()
        row = f"{hostile.key:<22} {len(content) / 1024:7,.0f} KB"
        message = ""
        for name, chosen in limits.items():
            seconds, peak, refusal = measure(content, f"people.{hostile.extension}", chosen)
            assert refusal, f"{hostile.key} was read with the {name} import's limits"
            slowest = max(slowest, seconds)
            row += f"  {seconds * 1000:11.1f} {peak:6.1f}"
            message = message or refusal  # the people import's, the first
        print(f"{row}  {message[:90]}")
    verdict = "within" if slowest < TARGET_SECONDS else "OVER"
    print(f"slowest refusal: {slowest * 1000:.0f} ms, {verdict} the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()

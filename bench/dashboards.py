"""Statistics pages' times and query counts with the scale data and the imported UN reports.

Usage (from the project root):
    .venv/bin/python bench/dashboards.py                 # SQLite, bench/bench.sqlite3
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/dashboards.py

Uses the database of bench/pages.py (run that first: it generates 100,000 people and 500,000
deployments). The UN monthly reports are imported into it once, when no report is there yet.
Each page is fetched `--repeat` times as the "bench" user; the median and the query count are
printed beside the sign-in page baseline of the same run. Target: each page under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from common import ROOT, configure, migrate, time_get

configure()

TARGET_MS = 300


def main() -> None:
    default = Path(os.environ.get("UN_DATA_DIR") or ROOT.parent / "shared" / "data" / "un") / "pdf"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reports", default=str(default))
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    from people.models import Person
    from stats import tallies
    from stats.imports import import_report
    from stats.models import TallyState, UNReport

    settings.ALLOWED_HOSTS = ["*"]
    # Before anything reads the tables: a database made by older code may lack some of them.
    migrate()
    user = User.objects.filter(username="bench").first()
    if user is None or not Person.objects.exists():
        sys.exit("no scale data: run bench/pages.py first")
    if not UNReport.objects.exists():
        files = sorted(Path(args.reports).glob("*.pdf"))
        if not files:
            sys.exit(f"no UN reports in {args.reports}")
        started = time.perf_counter()
        for path in files:
            import_report(path)
        print(f"imported {len(files)} UN reports in {time.perf_counter() - started:.0f} s")

    # Made in bulk, the scale data sent no signal: its tallies are counted here, once, as
    # generate_scale_data and load_demo do; the pages then read them.
    started = time.perf_counter()
    tallies.recount()
    organisations = TallyState.objects.count()
    seconds = time.perf_counter() - started
    print(f"recount of all {organisations} organisations' tallies: {seconds:.1f} s")

    client = Client()
    client.force_login(user)
    pages = [
        ("baseline: sign-in page", "/login/"),
        ("national figures", "/stats/national/"),
        ("gender parity", "/stats/parity/"),
        ("rotations timeline, units", "/stats/rotations/"),
        ("rotations timeline, all", "/stats/rotations/?kind=all"),
        ("UN ranking, 2021-01", "/stats/un/ranking/?month=2021-01"),
        ("UN country history, VNM", "/stats/un/country/VNM/"),
        ("UN system-wide figures", "/stats/un/system/"),
    ]
    print(f"{'page':32} {'median ms':>10} {'queries':>8} {'× baseline':>11} {'< 300 ms':>9}")
    baseline = None
    for label, url in pages:
        median, queries = time_get(client, url, args.repeat)
        baseline = baseline or median
        verdict = "" if url == "/login/" else ("met" if median < TARGET_MS else "MISSED")
        print(f"{label:32} {median:10.1f} {queries:8d} {median / baseline:11.1f} {verdict:>9}")

    # After a deployment changes, the next view recounts that one organisation first.
    person = Person.objects.filter(deployments__isnull=False).order_by("pk").first()
    times = []
    for _ in range(args.repeat):
        tallies.mark_stale([person.organisation_id])
        started = time.perf_counter()
        response = client.get("/stats/national/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    median = statistics.median(times)
    verdict = "met" if median < TARGET_MS else "MISSED"
    label = "national, 1 organisation stale"
    print(f"{label:32} {median:10.1f} {'':8} {median / baseline:11.1f} {verdict:>9}")


if __name__ == "__main__":
    main()

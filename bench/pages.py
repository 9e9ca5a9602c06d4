"""Page times and query counts with the scale data (100,000 people, 500,000 deployments).

Usage (from the project root):
    .venv/bin/python bench/pages.py                      # SQLite, bench/bench.sqlite3
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/pages.py

The database is made once (migrate + generate_scale_data with a fixed seed) and reused on
later runs. Each page is fetched through Django's test client, signed in as a user scoped to the
scale organisation, `--repeat` times; the median and the query count are printed beside the
baseline of the same run: the sign-in page, which touches no domain data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueberet.settings")
if os.environ.get("DB_ENGINE", "sqlite") == "sqlite":
    os.environ.setdefault("DB_NAME", str(ROOT / "bench" / "bench.sqlite3"))
os.environ.setdefault("DEBUG", "False")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core import roles, testing
    from core.models import Organisation
    from people.models import Person
    from units.models import Rotation

    settings.ALLOWED_HOSTS = ["*"]
    engine = connection.vendor
    print(f"database: {engine} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if Person.objects.count() < args.people:
        started = time.perf_counter()
        call_command(
            "generate_scale_data", people=args.people, deployments=args.deployments, seed=42
        )
        print(f"generated scale data in {time.perf_counter() - started:.0f} s")

    from django.contrib.auth.models import User

    user = User.objects.filter(username="bench").first()
    if user is None:
        top = Organisation.objects.filter(parent=None).order_by("pk")
        user = testing.user("bench", roles.VIEWER, *top)
    client = Client()
    client.force_login(user)

    person = Person.objects.order_by("pk")[args.people // 2]
    rotation = max(Rotation.objects.order_by("-pk")[:50], key=lambda r: r.positions.count())
    organisation = person.organisation
    pages = [
        ("baseline: sign-in page", "/login/"),
        ("people list, unfiltered", "/people/"),
        ("people list, search 'nguyen thi'", "/people/?q=nguyen+thi"),
        ("people list, organisation + sex", f"/people/?organisation={organisation.pk}&sex=F"),
        ("people list, sorted by rank, page 50", "/people/?sort=-rank&page=50"),
        ("person page", f"/people/{person.pk}/"),
        (
            f"rotation page ({rotation.positions.count()} positions)",
            f"/units/rotations/{rotation.pk}/",
        ),
        ("deployments list, unfiltered", "/deployments/"),
        ("home page", "/"),
    ]
    print(f"{'page':44} {'median ms':>10} {'queries':>8} {'× baseline':>11}")
    baseline = None
    for label, url in pages:
        times = []
        queries = 0
        for _ in range(args.repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)
        median = statistics.median(times)
        baseline = baseline or median
        print(f"{label:44} {median:10.1f} {queries:8d} {median / baseline:11.1f}")


if __name__ == "__main__":
    main()

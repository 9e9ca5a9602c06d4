"""REST API times and query counts on the scale data (100,000 people, 500,000 deployments).

Usage (from the project root):
    .venv/bin/python bench/api.py                      # SQLite, bench/bench.sqlite3
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/api.py

The database is bench/pages.py's (made once, with a fixed seed, and reused). Each request is
made through Django's test client with the token of a viewer scoped to the scale data,
`--repeat` times; the median and the query count are printed beside the baseline of the same
run: the sign-in page, which touches no domain data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueberet.settings")
if os.environ.get("DB_ENGINE", "sqlite") == "sqlite":
    os.environ.setdefault("DB_NAME", str(ROOT / "bench" / "bench.sqlite3"))
os.environ.setdefault("DEBUG", "False")
# WhiteNoise's note that collectstatic has not run: true, and beside the point here.
warnings.filterwarnings("ignore", message="No directory at")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from core import roles, testing
    from core.models import Organisation
    from people.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if Person.objects.count() < args.people:
        started = time.perf_counter()
        call_command(
            "generate_scale_data", people=args.people, deployments=args.deployments, seed=42
        )
        print(f"generated scale data in {time.perf_counter() - started:.0f} s")

    # The same reader as bench/pages.py: a viewer of every top organisation.
    user = User.objects.filter(username="bench").first()
    if user is None:
        top = Organisation.objects.filter(parent=None).order_by("pk")
        user = testing.user("bench", roles.VIEWER, *top)
    token, _ = Token.objects.get_or_create(user=user)
    script = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT="application/json")

    person = Person.objects.order_by("pk")[args.people // 2]
    requests = [
        ("baseline: sign-in page", Client(), "/login/"),
        ("API people, 100 a page", script, "/api/people/?page_size=100"),
        ("API people, 100, page 500", script, "/api/people/?page_size=100&page=500"),
        ("API people, 100, search 'nguyen thi'", script, "/api/people/?q=nguyen+thi&page_size=100"),
        ("API person", script, f"/api/people/{person.pk}/"),
        ("API deployments, 100 a page", script, "/api/deployments/?page_size=100"),
    ]
    print(f"{'request':44} {'median ms':>10} {'queries':>8} {'× baseline':>11}")
    baseline = None
    for label, client, url in requests:
        times = []
        queries = 0
        for _ in range(args.repeat):
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

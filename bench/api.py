"""REST API times and query counts on the scale data (100,000 people, 500,000 deployments).

Usage (from the project root):
    .venv/bin/python bench/api.py                      # SQLite, bench/bench.sqlite3
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/api.py

The database is bench/pages.py's (made once, with a fixed seed, and reused). Each request is
made through Django's test client with the token of the "bench" user, a viewer of every top
organisation, `--repeat` times; the median and the query count are printed beside the
baseline of the same run: the sign-in page, which touches no domain data.
"""

from __future__ import annotations

import argparse

from common import configure, scale_reader, time_get

configure()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from knox.models import AuthToken

    from people.models import Person

    # The same reader as bench/pages.py: a viewer of every top organisation.
    _token, key = AuthToken.objects.create(user=scale_reader(args.people, args.deployments))
    script = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="application/json")

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
        median, queries = time_get(client, url, args.repeat)
        baseline = baseline or median
        print(f"{label:44} {median:10.1f} {queries:8d} {median / baseline:11.1f}")


if __name__ == "__main__":
    main()

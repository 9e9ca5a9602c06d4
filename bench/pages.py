"""Page times and query counts with the scale data (100,000 people, 500,000 deployments).

Usage (from the project root):
    .venv/bin/python bench/pages.py                      # SQLite, bench/bench.sqlite3
    DB_ENGINE=postgres DB_NAME=blueberet_bench DB_PASSWORD=... .venv/bin/python bench/pages.py

The database is made once (migrate + generate_scale_data with a fixed seed) and reused on
later runs; bench/api.py and bench/dashboards.py read the same one. Each page is fetched through
Django's test client, signed in as the "bench" user, a viewer of every top organisation (so of
the scale data and whatever else the database holds), `--repeat` times; the median and the
query count are printed beside the baseline of the same run: the sign-in page, which touches no
domain data.
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

    from people.models import Person
    from units.models import Rotation

    client = Client()
    client.force_login(scale_reader(args.people, args.deployments))

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
        median, queries = time_get(client, url, args.repeat)
        baseline = baseline or median
        print(f"{label:44} {median:10.1f} {queries:8d} {median / baseline:11.1f}")


if __name__ == "__main__":
    main()

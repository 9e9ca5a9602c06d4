#!/usr/bin/env python
"""Bounded fuzz of every page's GET parameters: no query string may cause a server error.

The REST API is fuzzed against its schema by scripts/api_fuzz.sh; this script does the same
for the pages (HTML, and the CSV, Excel and PDF files they offer), which have no schema. It
migrates a throw-away database (SQLite, DEBUG off as in production), makes a few records of
two ministries, signs in an administrator of one of them (every model permission and the
admin site, still scoped to one ministry) and walks every pattern of the URL configuration,
breadth first so that a short budget still reaches every page:

1. fills each path's parameters with ids of real records (in and out of the user's scope)
   until one answers, and collects the page's parameter names: the forms, filtersets, tables
   and admin filters in the response's template context, the names the view's code reads
   from request.GET, and common ones (page, sort, month, rotation, ...);
2. puts hostile values in each path parameter (month 0000-01, id 2**63, "²", NUL, ...);
3. sends each value that breaks parsers in all of a page's parameters at once;
4. shares the time left among the pages, by their number of parameters: each parameter
   alone with those values; every value of a seeded generator (page_fuzz_values.py) once,
   all parameters set; then random mixes of hostile and valid values (a valid category
   beside a bad month reaches code that an invalid form skips).

Only /api/ is left out: schemathesis covers it. Of the admin, its lists are in (their
filters, search and ordering come from our admin classes); its pages of one record are
Django's and django-simple-history's own views, fuzzed with --admin all. --database postgres
runs on a database made for the run on the server of DB_HOST (PostgreSQL refuses text with a
NUL character, which SQLite stores).

Every answer of 500 or more is printed with its URL and traceback, once per distinct cause,
and the exit status is 1 if there was any. Usage:

    .venv/bin/python scripts/page_fuzz.py [--budget 120] [--seed 42] [--pages REGEX] [-v]
        [--admin none|lists|all] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import secrets
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

import page_fuzz_values as values  # noqa: E402 - needs the path above


def configure(work: Path, database: str) -> None:
    """Django on a fresh database, DEBUG off, migrated: SQLite in `work`, or a PostgreSQL
    database made for the run on the server the DB_* variables name (dropped after it)."""
    os.environ.update(
        DB_ENGINE=database,
        DB_NAME=str(work / "fuzz.sqlite3") if database == "sqlite" else work.name,
        DEBUG="False",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="blueberet.settings",
    )
    # A throw-away key: the settings may refuse the demo key once DEBUG is off.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    # WhiteNoise warns that collectstatic has not run: the pages serve from the finders.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()
    if database == "postgres":
        postgres_database("CREATE", work.name)
    # Instrumented template rendering, so that response.context holds the page's forms.
    setup_test_environment()
    call_command("migrate", "--noinput", verbosity=0)


def postgres_database(verb: str, name: str) -> None:
    """CREATE or DROP the run's database, from the server's maintenance database."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'{verb} DATABASE "{name}"')


class RequestLog(logging.Handler):
    """What django.request logs during one request: a server error's traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Fuzzer:
    def __init__(self, user: Any, seed: int, budget: float, verbose: bool) -> None:
        from django.test import Client

        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.rng = random.Random(seed)
        self.deadline = time.monotonic() + budget
        self.verbose = verbose
        self.requests = 0
        self.failures: dict[str, list[str]] = {}  # cause -> failing URLs
        self.cut_short = ""  # the step the budget ran out in, if it did
        self.log = RequestLog()
        logging.getLogger("django.request").addHandler(self.log)

    def get(self, path: str, params: list[tuple[str, str | bytes]] | None = None) -> Any:
        query = urlencode(params or [])
        url = f"{path}?{query}" if query else path
        self.log.records.clear()
        self.requests += 1
        # secure=True: the same answer whether or not the settings redirect to HTTPS.
        response = self.client.get(url, secure=True)
        if response.status_code >= 500:
            self.record_failure(url, response)
        return response

    def record_failure(self, url: str, response: Any) -> None:
        exc_info = getattr(response, "exc_info", None)
        if exc_info and exc_info[0] is not None:
            text = "".join(traceback.format_exception(*exc_info))
        else:
            text = "\n".join(self.log.format(r) for r in self.log.records) or "(no traceback)"
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        frames = [line for line in lines if line.startswith("File ")]
        ours = [f for f in frames if str(ROOT) in f and "/.venv/" not in f] or frames or ["?"]
        # The kind of error and where our code met it (the message often repeats the hostile
        # value; the library frame is the same for many of our bugs).
        error = lines[-1].split(":")[0] if lines else ""
        cause = f"{response.status_code} {error} at {ours[-1]}"
        urls = self.failures.setdefault(cause, [])
        urls.append(url)
        if len(urls) == 1:
            print(f"\n== {response.status_code} GET {url[:500]}\n{text}", flush=True)

    def survey(self, page: Any) -> Target | None:
        """A path of the page made of real ids that answers, and the parameters it takes."""
        from page_fuzz_pages import discover_parameters, probe_paths, probe_queries, valid_values

        answers = []  # (path, query, response)
        for path in probe_paths(page):
            answers.append((path, [], self.get(path)))
            if answers[-1][2].status_code == 200:
                break
        if answers and answers[0][2].status_code == 404:
            # A page that needs a record named in its query string (?position=7).
            path = answers[0][0]
            answers += [(path, [q], self.get(path, [q])) for q in probe_queries(page)]
        # A page that answers; else one that refuses with a form error or a redirect.
        usable = [a for a in answers if a[2].status_code == 200] or [
            a for a in answers if a[2].status_code in (302, 400, 403)
        ]
        if not usable:
            if self.verbose:
                statuses = sorted({a[2].status_code for a in answers})
                print(f"  {page.display}: nothing to fuzz (answers {statuses})", flush=True)
            return None
        path, query, response = usable[0]
        own, common = discover_parameters(page, response)
        valid = valid_values(response)
        return Target(path, query, response.status_code, own, common, valid)

    def hit(self, target: Target, params: list[tuple[str, str | bytes]]) -> Any:
        """GET the target with `params` after its own query (?position=7): a fuzzed value of
        the same name comes last, and request.GET.get() reads the last."""
        return self.get(target.path, [*target.query, *params])

    def all_at_once(self, target: Target) -> None:
        """Each value that breaks parsers in every parameter of the page at the same time: a
        form cleans every field, so one failing field is not hidden by another's error."""
        for value in values.PARSER_BREAKERS:
            repeated = value if isinstance(value, list) else [value]
            self.hit(target, [(name, v) for name in target.own for v in repeated])

    def fuzz(self, target: Target, share: float) -> None:
        """Step 4 of a page, for `share` seconds: each parameter alone with the values that
        break parsers; every hostile value once, all parameters set (each to another value);
        then random mixes of valid and hostile values (a valid category beside a bad month
        reaches code that an invalid form skips)."""
        started, own, names = time.monotonic(), target.own, target.names
        first = self.requests

        def out_of_time() -> bool:
            now = time.monotonic()
            return now - started > share or now > self.deadline

        for name, value in itertools.product(own, values.PARSER_BREAKERS):
            if out_of_time():
                break
            self.hit(target, [(name, v) for v in (value if isinstance(value, list) else [value])])
        hostile = values.hostile_values(self.rng)
        for offset in range(len(hostile)):
            if out_of_time():
                break
            rotated = [(n, hostile[(offset + i) % len(hostile)]) for i, n in enumerate(names)]
            self.hit(target, rotated)
        while not out_of_time():
            chosen = self.rng.sample(names, k=min(len(names), self.rng.randint(1, 4)))
            params: list[tuple[str, str | bytes]] = []
            for name in chosen:
                if name in target.valid and self.rng.random() < 0.5:
                    params.append((name, target.valid[name]))
                else:
                    params += [(name, v) for v in values.random_values(self.rng)]
            self.hit(target, params)
        if self.verbose:
            print(
                f"  {target.path} ({target.status}): {len(own)}+{len(target.common)} parameters, "
                f"{self.requests - first} requests in {time.monotonic() - started:.1f} s",
                flush=True,
            )

    def run(self, pages: list[Any]) -> None:
        """Breadth first, so that a short budget still reaches every page: find each page
        and its parameters; put hostile values in each path; try every page's parameters
        at once; then share the time left among the pages by their parameters."""
        from page_fuzz_pages import hostile_paths

        targets = [t for t in (self.survey(page) for page in pages) if t is not None]
        paths = [path for page in pages for path in hostile_paths(page)]
        steps: list[tuple[str, list[Callable[[], object]]]] = [
            ("hostile paths", [partial(self.get, path) for path in paths]),
            ("parameters at once", [partial(self.all_at_once, t) for t in targets]),
        ]
        for name, calls in steps:
            for call in calls:
                if time.monotonic() > self.deadline:
                    self.cut_short = name
                    return
                call()
        weights = [len(t.own) + 2 for t in targets]
        for index, target in enumerate(targets):
            left = self.deadline - time.monotonic()
            self.fuzz(target, max(left, 0) * weights[index] / sum(weights[index:]))


@dataclass
class Target:
    """A page to fuzz: its path, how it answered, and the parameters it takes."""

    path: str
    query: list[tuple[str, str]]  # what the page needs to answer (?position=7), or nothing
    status: int
    own: list[str]  # declared by its forms, filterset or table, or read by its code
    common: list[str]
    valid: dict[str, str]

    @property
    def names(self) -> list[str]:
        return self.own + self.common


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--budget",
        type=float,
        default=float(os.getenv("PAGE_FUZZ_BUDGET", "120")),
        help="seconds of fuzzing after the set-up (default 120, or $PAGE_FUZZ_BUDGET)",
    )
    parser.add_argument("--seed", type=int, default=int(os.getenv("PAGE_FUZZ_SEED", "42")))
    parser.add_argument("--pages", default="", help="only the URL patterns matching this regex")
    parser.add_argument(
        "--admin",
        choices=["none", "lists", "all"],
        default=os.getenv("PAGE_FUZZ_ADMIN", "lists"),
        help="which admin pages: none, lists (default: all but its pages of one record), all",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="sqlite (default), or postgres on the server of DB_HOST, DB_USER, DB_PASSWORD",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    options = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="page_fuzz_") as work:
        configure(Path(work), options.database)
        try:
            from page_fuzz_pages import all_pages, make_records

            user = make_records()
            pages = [p for p in all_pages(options.admin) if p.matches(options.pages)]
            setup = time.monotonic() - started
            fuzzer = Fuzzer(user, options.seed, options.budget, options.verbose)
            fuzzer.run(pages)
        finally:
            if options.database == "postgres":
                from django.db import connections

                connections.close_all()
                postgres_database("DROP", Path(work).name)
    errors = sum(len(urls) for urls in fuzzer.failures.values())
    if fuzzer.failures:
        print("\n== server errors by cause")
        for cause, urls in fuzzer.failures.items():
            paths = list(dict.fromkeys(url.split("?")[0] for url in urls))
            print(f"{len(urls):5d} x {cause}\n        e.g. GET {urls[0][:300]}")
            print(f"        on {len(paths)} paths: {' '.join(paths[:6])[:300]}")
    if fuzzer.cut_short:
        print(f"page-fuzz: the budget ran out in step {fuzzer.cut_short!r}: raise --budget")
    print(
        f"page-fuzz: {len(pages)} pages, {fuzzer.requests} requests, {errors} server errors "
        f"({len(fuzzer.failures)} distinct causes) in {time.monotonic() - started:.0f} s "
        f"(set-up {setup:.0f} s), seed {options.seed}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

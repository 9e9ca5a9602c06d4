"""Load on the scale data: many signed-in users at once, behind the production server and
Django's development server, on PostgreSQL.

Usage (from the project root; PostgreSQL only, database blueberet_bench unless DB_NAME says):
    DB_PASSWORD=... .venv/bin/python bench/load.py
    DB_PASSWORD=... .venv/bin/python bench/load.py --duration 30 --step-seconds 10   # quicker

The scale data (100,000 people, 500,000 deployments, seed 42) is generated once into the
database, as bench/pages.py does, and reused. Each simulated user (locust, run here as a
library) signs in once through the real sign-in form as the "bench" user, then opens the pages
a department uses most: home, people list and search, a person, a rotation, the deployments
list, a rotation's readiness, the national figures. Page choices and pauses come from a
random generator seeded per user: each user asks for the same pages in the same order every run.

(a) 50 users, each pausing 1-3 s between pages, for 120 s, behind the production server
    (`manage.py serve`, as `make serve`): no error, p95 under 1 s.
(b) The most requests per second each server answers without an error: the production server,
    then the development server (`manage.py runserver --noreload`, DEBUG on, as `make run`),
    each driven by 5, 10, 20 then 40 users that never pause, 20 s a step. Target: the
    production server at least 5 times the development server.

Everything runs on loopback; the servers are stopped at the end, also on an error, Ctrl-C or
when the hard time limit is reached. The load generator shares the machine's cores with the
servers and PostgreSQL, which lowers every figure.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import gevent
from common import configure, ensure_postgres_database, scale_reader
from load_servers import Server, development_server, production_server
from locust import FastHttpUser, task
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.event import Events
from locust.exception import StopUser

os.environ.setdefault("DB_ENGINE", "postgres")
configure(postgres="blueberet_bench")

# core.testing.user's password, which scale_reader gives the "bench" user.
PASSWORD = "pass-word-42"
SEED = 11
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Runs of the load phases stop here whatever happens (the data generation is not counted).
HARD_LIMIT_SECONDS = 540
P95_TARGET_MS = 1000
RATIO_TARGET = 5


@dataclass
class Targets:
    """What the users open: sampled once from the scale data with a fixed seed."""

    people: list[int]
    searches: list[str]
    rotations: list[int]


@dataclass
class SignIns:
    """Sign-ins of one run: how many users got in, and whether one was refused."""

    done: int = 0
    retried: int = 0
    refused: list[str] = field(default_factory=list)


# (name in the figures, weight, address given the user's random generator and the targets).
PAGES = [
    ("home", 2, lambda rng, t: "/"),
    ("people list", 2, lambda rng, t: f"/people/?page={rng.randint(1, 20)}"),
    ("people search", 3, lambda rng, t: "/people/?q=" + rng.choice(t.searches).replace(" ", "+")),
    ("person", 4, lambda rng, t: f"/people/{rng.choice(t.people)}/"),
    ("rotation", 2, lambda rng, t: f"/units/rotations/{rng.choice(t.rotations)}/"),
    ("deployments list", 2, lambda rng, t: "/deployments/"),
    (
        "rotation readiness",
        1,
        lambda rng, t: f"/planning/rotations/{rng.choice(t.rotations)}/readiness/",
    ),
    ("national figures", 1, lambda rng, t: "/stats/national/"),
]


def sign_in(client: FastHttpSession) -> str | None:
    """Sign in through the form, as a browser does; None, or why the sign-in was refused."""
    page = client.get("/login/", name="sign-in form")
    token = CSRF.search(page.text or "")
    if token is None:
        return f"no CSRF token on the sign-in page (status {page.status_code})"
    form = {"csrfmiddlewaretoken": token.group(1), "username": "bench", "password": PASSWORD}
    with client.post(
        "/login/", data=form, name="sign-in", allow_redirects=False, catch_response=True
    ) as answer:
        if not answer.status_code:
            answer.failure(f"no answer: {answer.error!r}")
            return f"no answer: {answer.error!r}"
        where = (answer.headers or {}).get("Location", "")
        if answer.status_code != 302 or "/login" in where:
            answer.failure(f"sign-in refused: {answer.status_code} {where}")
            return f"status {answer.status_code}, redirected to {where!r}"
    return None


class Officer(FastHttpUser):
    """A staff officer: signs in once, then opens pages, pausing `pause` seconds between."""

    abstract = True
    # As long as the server lets a request run (gunicorn's WEB_TIMEOUT default).
    network_timeout = 60.0
    connection_timeout = 10.0
    # A connection a request, as the TLS proxy talks to the server (nginx's default): kept
    # alive, each user's connection would stay with the one worker that accepted it.
    default_headers = {"Connection": "close"}
    targets: Targets
    sign_ins: SignIns
    pause: tuple[float, float] = (1.0, 3.0)
    numbers = itertools.count()

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        # One generator per user, numbered in spawn order: the same pages every run.
        self.rng = random.Random(SEED * 1000 + next(self.numbers))

    def wait_time(self) -> float:
        low, high = self.pause
        return self.rng.uniform(low, high) if high else 0.0

    def on_start(self) -> None:
        # After one refusal nobody else tries: refusals lock the address after 20 (axes).
        if self.sign_ins.refused:
            raise StopUser()
        refused = sign_in(self.client)
        for _retry in range(2):
            # No answer in time is not a refusal (nothing counts towards a lockout): again.
            if not (refused and refused.startswith("no answer")):
                break
            self.sign_ins.retried += 1
            refused = sign_in(self.client)
        if refused:
            self.sign_ins.refused.append(refused)
            raise StopUser()
        self.sign_ins.done += 1

    @task
    def open_a_page(self) -> None:
        name, _weight, address = self.rng.choices(PAGES, weights=[p[1] for p in PAGES])[0]
        url = address(self.rng, self.targets)
        # Not followed: a redirect (to the sign-in page, a session lost) is an error here.
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as page:
            if page.status_code != 200:
                page.failure(f"status {page.status_code}")


def officers(targets: Targets, pause: tuple[float, float]) -> type[Officer]:
    """A fresh user class for one run: its own sign-in count and numbering from 0."""
    return type(
        "Officer",
        (Officer,),
        {
            "abstract": False,
            "targets": targets,
            "pause": pause,
            "sign_ins": SignIns(),
            "numbers": itertools.count(),
        },
    )


def check_sign_in(server: Server) -> None:
    """One sign-in before many: a wrong password stops the run after one refusal, not 20."""
    refused = sign_in(FastHttpSession(server.url, Events().request, None, network_timeout=30))
    if refused:
        raise RuntimeError(f"the bench user cannot sign in on {server.label}: {refused}")


# --- Runs ----------------------------------------------------------------------------------


@dataclass
class Figures:
    run: str
    users: int
    seconds: float
    requests: int
    failures: int
    p50: int
    p95: int
    p99: int
    server_cores: float
    generator_cores: float
    pages: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sign_ins: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_ms(self) -> float:
        """The server's own CPU time a request (PostgreSQL's not counted)."""
        return self.server_cores * self.seconds * 1000 / max(self.requests, 1)


def measure(run: str, environment: Environment, server: Server, seconds: float) -> Figures:
    """Reset the statistics, let the users work `seconds`, and take the figures."""
    signed = environment.stats.get("sign-in", "POST")
    retried = environment.user_classes[0].sign_ins.retried
    sign_ins = (
        f"{signed.num_requests} sign-ins before: p50 {signed.median_response_time} ms, "
        f"slowest {signed.max_response_time:.0f} ms, {signed.num_failures} failed "
        f"({retried} retried after no answer)"
    )
    environment.stats.reset_all()
    started, cpu, own = time.monotonic(), server.cpu_seconds(), time.process_time()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    server_cores = (server.cpu_seconds() - cpu) / elapsed
    generator_cores = (time.process_time() - own) / elapsed
    total = environment.stats.total
    pages = [
        (
            entry.name,
            entry.num_requests,
            entry.get_response_time_percentile(0.5),
            entry.get_response_time_percentile(0.95),
            entry.num_failures,
        )
        for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name)
        if entry.num_requests
    ]
    errors = [
        f"{error.occurrences} × {error.name}: {error.error}"
        for error in environment.stats.errors.values()
    ]
    return Figures(
        run=run,
        users=environment.runner.user_count,
        seconds=elapsed,
        requests=total.num_requests,
        failures=total.num_failures,
        p50=total.get_response_time_percentile(0.5),
        p95=total.get_response_time_percentile(0.95),
        p99=total.get_response_time_percentile(0.99),
        server_cores=server_cores,
        generator_cores=generator_cores,
        pages=pages,
        errors=errors,
        sign_ins=sign_ins,
    )


def grow(environment: Environment, users: int, rate: float) -> None:
    """Bring the run to `users` users, `rate` more a second, and wait (at most 180 s) until
    all have signed in."""
    user_class = environment.user_classes[0]
    environment.runner.start(users, spawn_rate=rate)
    deadline = time.monotonic() + 180
    while user_class.sign_ins.done < users:
        if user_class.sign_ins.refused:
            errors = "; ".join(f"{e.name}: {e.error}" for e in environment.stats.errors.values())
            raise RuntimeError(f"a sign-in failed: {user_class.sign_ins.refused[0]} ({errors})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {user_class.sign_ins.done} of {users} users signed in")
        gevent.sleep(0.2)
    # The last ones' first pages; then the sign-ins are over and out of the figures.
    gevent.sleep(2)


def steady_run(server: Server, targets: Targets, users: int, seconds: float) -> Figures:
    """(a): `users` users pausing 1-3 s between pages for `seconds`."""
    environment = Environment(user_classes=[officers(targets, (1.0, 3.0))], host=server.url)
    environment.create_local_runner()
    try:
        # Officers arriving in the morning, not all in the same second: two a second.
        grow(environment, users, 2)
        print(f"(a) {users} users signed in; measuring {seconds:.0f} s", flush=True)
        return measure("(a) production, 1-3 s pauses", environment, server, seconds)
    finally:
        environment.runner.quit()


def step_up(
    server: Server, name: str, targets: Targets, steps: list[int], seconds: float
) -> list[Figures]:
    """(b): users that never pause, more at each step; stops after a step with errors."""
    environment = Environment(user_classes=[officers(targets, (0.0, 0.0))], host=server.url)
    environment.create_local_runner()
    figures = []
    try:
        for users in steps:
            grow(environment, users, 5)
            step = measure(f"(b) {name}, no pause", environment, server, seconds)
            figures.append(step)
            print(
                f"(b) {name}: {users} users, {step.rps:.1f} req/s, p95 {step.p95} ms, "
                f"{step.failures} errors",
                flush=True,
            )
            if step.failures:
                break
    finally:
        environment.runner.quit()
    return figures


# --- Report --------------------------------------------------------------------------------


def report(steady: Figures | None, production: list[Figures], development: list[Figures]) -> None:
    runs = [f for f in [steady, *production, *development] if f]
    print()
    print(
        f"{'run':32} {'users':>5} {'s':>4} {'requests':>8} {'req/s':>6} {'p50':>5} "
        f"{'p95':>5} {'p99':>5} {'errors':>6} {'server cores':>12} {'CPU ms/req':>10} "
        f"{'locust cores':>12}"
    )
    for f in runs:
        print(
            f"{f.run:32} {f.users:5d} {f.seconds:4.0f} {f.requests:8d} {f.rps:6.1f} {f.p50:5d} "
            f"{f.p95:5d} {f.p99:5d} {f.failures:6d} {f.server_cores:12.2f} "
            f"{f.server_cpu_ms:10.0f} {f.generator_cores:12.2f}"
        )
        for error in f.errors[:5]:
            print(f"    {error}")
    print(
        "(times in ms; cores: CPU seconds a second of the server's processes, of locust; "
        "CPU ms/req: the server's, PostgreSQL's not counted)"
    )
    if steady:
        print()
        print(f"(a) per page {'requests':>17} {'p50 ms':>7} {'p95 ms':>7} {'errors':>7}")
        for name, count, p50, p95, failures in steady.pages:
            print(f"{name:24} {count:8d} {p50:7d} {p95:7d} {failures:7d}")
        print(f"(a) {steady.sign_ins}")
        verdict = "met" if steady.p95 < P95_TARGET_MS and not steady.failures else "MISSED"
        print(
            f"(a) p95 {steady.p95} ms, {steady.failures} errors: target p95 < "
            f"{P95_TARGET_MS} ms and no error {verdict}"
        )
    best = {
        name: max((f.rps for f in figures if not f.failures), default=0.0)
        for name, figures in (("production", production), ("development", development))
    }
    if production and development:
        ratio = best["production"] / best["development"] if best["development"] else 0.0
        verdict = "met" if ratio >= RATIO_TARGET else "MISSED"
        print(
            f"(b) most req/s without error: production {best['production']:.1f}, development "
            f"{best['development']:.1f}: {ratio:.1f}× (target ≥ {RATIO_TARGET}×) {verdict}"
        )


# --- Main ----------------------------------------------------------------------------------


def sample_targets(seed: int) -> Targets:
    from people.models import Person
    from units.models import Rotation

    rng = random.Random(seed)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    people = rng.sample(ids, min(1000, len(ids)))
    names = Person.objects.filter(pk__in=people[:200]).values_list("latin_name", flat=True)
    # Typed as an officer looks someone up: family name and given name.
    searches = sorted({f"{n.split()[0]} {n.split()[-1]}".lower() for n in names if n.strip()})
    rotations = list(
        Rotation.objects.filter(positions__isnull=False)
        .distinct()
        .order_by("-planned_departure", "-pk")
        .values_list("pk", flat=True)[:50]
    )
    if not (people and searches and rotations):
        sys.exit("the database holds no scale data to load")
    return Targets(people, searches, rotations)


def prepare(args: argparse.Namespace) -> Targets:
    """Make sure the scale data and the bench user are there; what the users will open."""
    if os.environ["DB_ENGINE"] != "postgres":
        sys.exit("bench/load.py runs on PostgreSQL only (DB_ENGINE=postgres)")
    import django

    try:
        ensure_postgres_database()
    except Exception as error:  # psycopg's own: the message says what is wrong
        sys.exit(f"PostgreSQL cannot be reached (set DB_HOST, DB_USER, DB_PASSWORD): {error}")
    django.setup()
    from axes.utils import reset
    from django.db import connections

    user = scale_reader(args.people, args.deployments)
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    # An earlier broken run's refusals would lock every sign-in of this one out.
    reset(ip="127.0.0.1")
    reset(username="bench")
    targets = sample_targets(SEED)
    connections.close_all()
    return targets


def hard_limit(signum: int, frame: object) -> None:
    # SystemExit reaches the main greenlet from gevent's hub; the servers are stopped then.
    raise SystemExit(f"stopped: over the hard limit of {HARD_LIMIT_SECONDS} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deployments", type=int, default=500_000)
    parser.add_argument("--users", type=int, default=50, help="(a): users (default 50)")
    parser.add_argument("--duration", type=float, default=120, help="(a): seconds (default 120)")
    parser.add_argument("--steps", default="5,10,20,40", help="(b): users at each step")
    parser.add_argument("--step-seconds", type=float, default=20, help="(b): seconds a step")
    parser.add_argument("--workers", type=int, help="WEB_WORKERS for the production server")
    parser.add_argument(
        "--runs",
        default="steady,production,development",
        help="which runs: steady = (a); production, development = (b) on that server",
    )
    args = parser.parse_args()
    steps = [int(n) for n in args.steps.split(",")]
    runs = set(args.runs.split(","))

    targets = prepare(args)
    print(
        f"{len(targets.people)} people, {len(targets.searches)} searches, "
        f"{len(targets.rotations)} rotations to open",
        flush=True,
    )
    # Stopped by kill as by Ctrl-C: the servers are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGALRM, hard_limit)
    signal.alarm(HARD_LIMIT_SECONDS)
    logs = Path(tempfile.mkdtemp(prefix="blueberet-load-"))
    # The machine's load before and after: other work on the same cores lowers the figures.
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()), flush=True)
    steady, production, development = None, [], []
    server = None
    try:
        if runs & {"steady", "production"}:
            server = production_server(logs, args.workers)
            check_sign_in(server)
            if "steady" in runs:
                steady = steady_run(server, targets, args.users, args.duration)
            if "production" in runs:
                production = step_up(server, "production", targets, steps, args.step_seconds)
            server.stop()
        if "development" in runs:
            server = development_server(logs)
            check_sign_in(server)
            development = step_up(server, "development", targets, steps, args.step_seconds)
    finally:
        signal.alarm(0)
        if server is not None:
            server.stop()
        report(steady, production, development)
        print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()

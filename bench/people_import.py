"""Time to check and import 10,000 people with their documents from one .xlsx file.

Usage (from the project root):
    .venv/bin/python bench/people_import.py                 # SQLite in a fresh temporary file
    DB_ENGINE=postgres DB_PASSWORD=... .venv/bin/python bench/people_import.py
        # PostgreSQL: the database DB_NAME (default blueberet_bench_import) is dropped and
        # created again, so it starts empty

Deterministic: a fixed seed writes the same workbook every run (each row a person with a
passport, a medical clearance, a driving licence and two languages; dates written in the
several ways officers write them). Baseline, measured in the same run on the same file:
reading every row with openpyxl in read-only mode, the least any importer must do. Then the
dry run (every row checked, nothing written), the apply as the "Apply" button runs it (the
file checked again, then written in one transaction), and a second dry run of the same file
once imported (every row matched to a recorded person: all "unchanged"). Target: apply of
10,000 rows under 60 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from common import configure, ensure_postgres_database

# SQLite: a fresh temporary file; PostgreSQL: dropped and made again in main().
configure(sqlite=None, postgres="blueberet_bench_import")

SEED = 2014
TARGET_SECONDS = 60
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc"]
GIVEN = ["An", "Bình", "Công", "Dũng", "Hà", "Hương", "Lan", "Mai", "Nam", "Quang", "Sáu", "Tâm"]
RANKS = [("Private", 1), ("Sergeant", 5), ("Lieutenant", 11), ("Captain", 12), ("Major", 13)]
SPECIALTIES = ["surgeon", "nurse", "driver", "engineer", "cook", "medic", "signaller", "logistics"]


def written_date(day: datetime.date, rng: random.Random) -> object:
    """A date as officers' files hold them: a date cell, ISO text, day-first text, 1 Mar 2024."""
    way = rng.randrange(4)
    if way == 0:
        return day
    if way == 1:
        return day.isoformat()
    if way == 2:
        return day.strftime("%d/%m/%Y")
    return f"{day.day} {day.strftime('%b %Y')}"


def some_day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between `start` and `end`, never the 29th to 31st (so a year later exists)."""
    day = start + datetime.timedelta(days=rng.randrange((end - start).days))
    return day.replace(day=min(day.day, 28))


def write_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from people.imports.columns import TEMPLATE_COLUMNS

    rng = random.Random(SEED)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append([c.label for c in TEMPLATE_COLUMNS])
    keys = [c.key for c in TEMPLATE_COLUMNS]
    for n in range(rows):
        sex = rng.choice("FM")
        born = some_day(rng, datetime.date(1970, 1, 1), datetime.date(2000, 12, 31))
        joined = born.replace(year=born.year + 20, day=1)
        issued = some_day(rng, datetime.date(2018, 1, 1), datetime.date(2024, 12, 31))
        examined = some_day(rng, datetime.date(2024, 1, 1), datetime.date(2025, 6, 30))
        licence = some_day(rng, datetime.date(2010, 1, 1), datetime.date(2024, 12, 31))
        middle = "Thị" if sex == "F" else rng.choice(MIDDLE)
        name = f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}"
        values = {
            "organisation": f"U{n % 3 + 1}",
            "service_number": f"QD{n:07d}",
            "full_name": name,
            "latin_name": "",
            "sex": sex if n % 2 else {"F": "Nữ", "M": "Nam"}[sex],
            "date_of_birth": written_date(born, rng),
            "nationality": "",
            "service": "Army",
            "rank": rng.choice(RANKS)[0],
            "specialty": rng.choice(SPECIALTIES),
            "service_start": written_date(joined, rng),
            "email": f"person{n}@example.org",
            "phone": f"+84 9{rng.randrange(10**8):08d}",
            "passport_number": f"C{n:08d}",
            "passport_type": "Official",
            "passport_issued": written_date(issued, rng),
            "passport_expires": written_date(issued.replace(year=issued.year + 10), rng),
            "medical_examined": written_date(examined, rng),
            "medical_result": rng.choice(["Fit", "Fit", "Fit with restrictions"]),
            "medical_valid_until": written_date(examined.replace(year=examined.year + 1), rng),
            "licence_category": rng.choice("BCD"),
            "licence_issued": written_date(licence, rng),
            "licence_expires": written_date(licence.replace(year=licence.year + 10), rng),
            "languages": f"English {rng.choice(['B1', 'B2', 'C1'])}; "
            f"French {rng.choice(['A1', 'A2'])}",
        }
        sheet.append([values[key] for key in keys])
    book.save(path)


def catalogue():  # noqa: ANN201 - the importing user
    from core import roles, testing
    from people.models import Language, Rank, Specialty

    ministry = testing.organisation("Ministry of National Defence", short_name="MND")
    for number in (1, 2, 3):
        testing.organisation(f"Unit {number}", ministry, short_name=f"U{number}")
    for name, grade in RANKS:
        Rank.objects.get_or_create(service="army", name=name, defaults={"grade": grade})
    for code in SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"name": code.title()})
    Language.objects.get_or_create(code="en", defaults={"name": "English"})
    Language.objects.get_or_create(code="fr", defaults={"name": "French"})
    return testing.user("bench-importer", roles.PERSONNEL_OFFICER, ministry)


def timed(label: str, work):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    print(f"{label:<58} {elapsed:7.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    ensure_postgres_database(drop=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from openpyxl import load_workbook

    from people.imports.apply import apply
    from people.imports.validate import check
    from people.models import Person

    call_command("migrate", verbosity=0)
    user = catalogue()
    folder = Path(tempfile.mkdtemp())
    path = folder / "people.xlsx"
    write_workbook(path, args.rows)
    size = path.stat().st_size / 1e6
    print(f"database: {connection.vendor}; file: {args.rows:,} rows, {size:.1f} MB")

    def baseline() -> int:
        book = load_workbook(path, read_only=True, data_only=True)
        count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return count

    timed("baseline: read every row with openpyxl (read-only)", baseline)
    plan, _ = timed("dry run: check every row, write nothing", lambda: check(path, path.name, user))
    if not plan.ok:
        for problem in plan.problems[:20]:
            print("  ", problem)
        sys.exit("the benchmark file has problems")

    def check_and_apply():  # noqa: ANN202
        with transaction.atomic():
            fresh = check(path, path.name, user)
            return apply(fresh, user)

    result, applied = timed("apply: check again, then write in one transaction", check_and_apply)
    again, _ = timed(
        "dry run of the same file once imported (all unchanged)",
        lambda: check(path, path.name, user),
    )
    records = result.created + result.documents
    print(
        f"written: {result.created:,} people, {result.documents:,} documents "
        f"({records / applied:,.0f} records/s); second dry run: {again.unchanged:,} unchanged"
    )
    assert Person.objects.count() == args.rows and again.unchanged == args.rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")
    verdict = "within" if applied < TARGET_SECONDS else "OVER"
    print(f"apply of {args.rows:,} rows: {applied:.1f} s, {verdict} the {TARGET_SECONDS} s target")


if __name__ == "__main__":
    main()

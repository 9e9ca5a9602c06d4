"""Seed only the confirmed policy figures of shared/data/un/README.md (beside the project).

The UN's strategy sets a target for every year; the unconfirmed ones are left for an
administrator to enter rather than invented here.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

STRATEGY = "UN Uniformed Gender Parity Strategy 2018–2028"

# (category, year, percent); staff officers and observers share one target, and the UN's
# observers are our "expert" category.
TARGETS = [
    ("troops", 2021, 8),
    ("troops", 2028, 15),
    ("staff_officer", 2021, 18),
    ("staff_officer", 2028, 25),
    ("expert", 2021, 18),
    ("expert", 2028, 25),
    ("fpu", 2022, 12),
    ("fpu", 2028, 20),
    ("ipo", 2028, 30),
]

RATE_SOURCE = "UN standard reimbursement to contributing countries (public sources)"
RATES = [
    (date(2014, 7, 1), 1332, True, RATE_SOURCE),
    (date(2016, 7, 1), 1365, True, RATE_SOURCE),
    (date(2017, 7, 1), 1410, True, RATE_SOURCE),
    (date(2018, 7, 1), 1428, True, RATE_SOURCE),
    (date(2019, 7, 1), 1448, False, "widely quoted, unconfirmed"),
]


def seed(apps, schema_editor):
    ParityTarget = apps.get_model("stats", "ParityTarget")
    ReimbursementRate = apps.get_model("stats", "ReimbursementRate")
    for category, year, percent in TARGETS:
        ParityTarget.objects.get_or_create(
            category=category,
            year=year,
            defaults={"target_percent": Decimal(percent), "source": STRATEGY},
        )
    for valid_from, amount, confirmed, source in RATES:
        ReimbursementRate.objects.get_or_create(
            valid_from=valid_from,
            defaults={
                "usd_per_person_month": Decimal(amount),
                "confirmed": confirmed,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("stats", "ParityTarget").objects.filter(source=STRATEGY).delete()
    apps.get_model("stats", "ReimbursementRate").objects.filter(
        valid_from__in=[row[0] for row in RATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_parity_targets_and_rates")]

    operations = [migrations.RunPython(seed, unseed)]

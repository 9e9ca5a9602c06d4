"""Viet Nam's peacekeeping history as rotation plans: the real units from `data/rotations.csv`,
the individual posts that follow `data/milestones.csv`, and the rotations now in preparation.

Plans are plain data computed from the CSV files and today's date; `demo.loader` turns them
into records. Where a source leaves a fact blank, the plan derives a plausible value and says
so in the rotation's notes.
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field

from core.dates import add_months
from demo.catalogues import parse_date, read_csv
from demo.units_tables import TABLES
from units.models import Category, RotationStatus

DAY = datetime.timedelta(days=1)
UNIT_CODES = {
    "Level-2 Field Hospital": "l2-field-hospital",
    "Engineering Company": "engineering-company",
}
UNIT_ORGANISATIONS = {"l2-field-hospital": "h175", "engineering-company": "engineers"}
# Plausible women counts where the sources are silent, by unit type (min, max).
WOMEN_WHEN_UNKNOWN = {"l2-field-hospital": (10, 13), "engineering-company": (18, 21)}
# The UN Uniformed Gender Parity Strategy's confirmed 2028 targets, by personnel category;
# a rotation's target is planning data an officer edits, so the demo only starts it here.
WOMEN_TARGETS = {
    Category.TROOPS: 15,
    Category.STAFF_OFFICER: 25,
    Category.EXPERT_ON_MISSION: 25,
    Category.FORMED_POLICE: 20,
    Category.INDIVIDUAL_POLICE: 30,
}


@dataclass
class RotationPlan:
    key: str
    unit_code: str
    mission_code: str
    location: str
    organisation_key: str
    departure: datetime.date
    returns: datetime.date  # the real return once it happened, else the planned one
    strength: int
    women: int
    number: int = 0
    name: str = ""
    second_departure: datetime.date | None = None
    first_group: int | None = None  # people on the first flight, when known
    return_groups: tuple[datetime.date, datetime.date] | None = None
    notes: str = ""
    women_from_source: bool = False
    # Preparation only: the share of positions with a nominee, and the states they reach.
    nominate_share: float = 0.0
    nominee_states: tuple[str, ...] = ()
    preparing_status: str = RotationStatus.PLANNING
    csv_row: dict[str, str] = field(default_factory=dict)

    @property
    def table(self):  # noqa: ANN201 - a units_tables.Table
        return TABLES[self.unit_code]

    def status(self, today: datetime.date) -> str:
        if self.departure > today:
            return self.preparing_status
        return RotationStatus.RETURNED if self.returns <= today else RotationStatus.DEPLOYED

    def is_past(self, today: datetime.date) -> bool:
        return self.departure <= today


def _derive_return(
    departure: datetime.date, successor_last_departure: datetime.date | None
) -> datetime.date:
    """A tour of 12–15 months that ends a week after the successor has all arrived."""
    shortest, longest = add_months(departure, 12), add_months(departure, 15)
    if successor_last_departure is None:
        return longest
    return min(max(successor_last_departure + 7 * DAY, shortest), longest)


def unit_rotations(rng: random.Random) -> list[RotationPlan]:
    """The formed units of `rotations.csv`, with their real dates, strength and women."""
    rows = read_csv("rotations.csv")
    plans: list[RotationPlan] = []
    for index, row in enumerate(rows):
        unit_code = UNIT_CODES[row["unit"]]
        departure = parse_date(row["first_departure"])
        second = parse_date(row["second_departure"])
        returns = parse_date(row["return"])
        notes = [row["notes"]] if row["notes"] else []
        if returns is None:
            successor = next((r for r in rows[index + 1 :] if r["unit"] == row["unit"]), None)
            last = None
            if successor:
                last = parse_date(successor["second_departure"] or successor["first_departure"])
            returns = _derive_return(departure, last)
            notes.append(f"Return date not published; the demo assumes {returns.isoformat()}.")
        if row["women"]:
            women, from_source = int(row["women"]), True
        else:
            low, high = WOMEN_WHEN_UNKNOWN[unit_code]
            women, from_source = rng.randint(low, high), False
            notes.append("Number of women not published; the demo assumes one.")
        if row["source"]:
            notes.append(f"Source: {row['source']}")
        first_group = re.search(r"first group (\d+) people", row["notes"])
        groups = re.search(r"two groups (\d{4}-\d\d-\d\d) and (\d{4}-\d\d-\d\d)", row["notes"])
        plans.append(
            RotationPlan(
                key=f"{unit_code}-{row['rotation']}",
                unit_code=unit_code,
                mission_code=row["mission"],
                location=row["location"],
                organisation_key=UNIT_ORGANISATIONS[unit_code],
                number=int(row["rotation"]),
                departure=departure,
                second_departure=second,
                returns=returns,
                strength=int(row["strength"]),
                women=women,
                women_from_source=from_source,
                first_group=int(first_group.group(1)) if first_group else None,
                return_groups=(
                    (parse_date(groups.group(1)), parse_date(groups.group(2))) if groups else None
                ),
                notes="\n".join(notes),
                csv_row=row,
            )
        )
    return plans


def next_rotations(
    known: list[RotationPlan], today: datetime.date, rng: random.Random
) -> list[RotationPlan]:
    """The next rotation of each unit, to depart as the current one comes home."""
    plans = []
    for unit_code, share, states, status in (
        ("l2-field-hospital", 0.85, ("nominated", "screened", "trained"), RotationStatus.FORMING),
        ("engineering-company", 0.25, ("nominated", "screened"), RotationStatus.PLANNING),
    ):
        last = max((p for p in known if p.unit_code == unit_code), key=lambda p: p.number)
        departure = max(last.returns - 7 * DAY, today + 21 * DAY)
        low, high = WOMEN_WHEN_UNKNOWN[unit_code]
        plans.append(
            RotationPlan(
                key=f"{unit_code}-{last.number + 1}",
                unit_code=unit_code,
                mission_code=last.mission_code,
                location=last.location,
                organisation_key=last.organisation_key,
                number=last.number + 1,
                departure=departure,
                returns=add_months(departure, 12),
                strength=TABLES[unit_code].strength,
                women=round(rng.randint(low, high) * share),
                nominate_share=share,
                nominee_states=states,
                preparing_status=status,
                notes="In preparation: takes over from the rotation now deployed.",
            )
        )
    return plans


def milestone(text: str) -> dict[str, str]:
    return next(row for row in read_csv("milestones.csv") if text in row["event"])


def police_unit(today: datetime.date) -> RotationPlan:
    """Police Peacekeeping Unit No. 1: formed in 2024, trained, waiting for its mission."""
    formed = milestone("Police Peacekeeping Unit No. 1 established")["date"]
    level = milestone("PCRS level 2")
    departure = add_months(today.replace(day=1), 7)
    return RotationPlan(
        key="formed-police-unit-1",
        unit_code="formed-police-unit",
        mission_code="UNMISS",
        location="Juba",
        organisation_key="ppu",
        number=1,
        name="Police Peacekeeping Unit No. 1",
        departure=departure,
        returns=add_months(departure, 12),
        strength=TABLES["formed-police-unit"].strength,
        # Nominees so far: 60% of the table, about one in five of them women.
        women=round(TABLES["formed-police-unit"].strength * 0.6 * 0.2),
        nominate_share=0.6,
        nominee_states=("nominated", "screened", "trained", "trained"),
        preparing_status=RotationStatus.PLANNING,
        notes=(
            f"Established {formed}; PCRS level 2 from {level['date']} ({level['event']}). "
            "The mission is not decided yet: planned against UNMISS."
        ),
    )


@dataclass(frozen=True)
class PostSchedule:
    unit_code: str
    mission_code: str
    location: str
    first_year: int
    last_year: int | None  # None: still sent every year
    per_year: int
    month: int
    day: int


# Individual posts, consistent with milestones.csv: two liaison officers to UNMISS from
# 27 May 2014; 179 officers and staff sent by December 2020 (126 of them in the two first
# hospital rotations, so 53 individual tours); the first seven officers to UNISFA in January
# 2022; the first police officers (3) to UNMISS in October 2022.
INDIVIDUAL_POSTS = [
    PostSchedule("liaison-officer", "UNMISS", "Juba", 2014, None, 2, 5, 27),
    PostSchedule("staff-officer", "UNMISS", "Juba", 2015, 2016, 2, 6, 15),
    PostSchedule("staff-officer", "UNMISS", "Juba", 2017, 2020, 3, 6, 15),
    PostSchedule("staff-officer", "UNMISS", "Juba", 2021, None, 4, 6, 15),
    PostSchedule("military-observer", "UNMISS", "Malakal", 2021, None, 3, 3, 10),
    PostSchedule("staff-officer", "MINUSCA", "Bangui", 2015, None, 2, 8, 1),
    PostSchedule("military-observer", "MINUSCA", "Bangui", 2015, 2020, 1, 8, 1),
    PostSchedule("military-observer", "MINUSCA", "Bangui", 2021, None, 2, 8, 1),
    PostSchedule("staff-officer", "UNISFA", "Abyei", 2022, None, 4, 1, 15),
    PostSchedule("military-observer", "UNISFA", "Abyei", 2022, None, 3, 1, 15),
    PostSchedule("staff-officer", "DPO-HQ", "New York", 2017, 2019, 1, 9, 1),
    PostSchedule("staff-officer", "DPO-HQ", "New York", 2020, 2020, 2, 9, 1),
    PostSchedule("staff-officer", "DPO-HQ", "New York", 2021, None, 3, 9, 1),
    PostSchedule("individual-police-officer", "UNMISS", "Juba", 2022, None, 3, 10, 15),
]
# Tours departing within this many days of today are already being prepared.
PREPARATION_HORIZON = datetime.timedelta(days=150)


def women_share(year: int, unit_code: str) -> float:
    """The chance that an individual post goes to a woman, rising with the UN's targets."""
    if unit_code == "individual-police-officer":
        return 0.3
    return 0.08 if year < 2019 else 0.15 if year < 2022 else 0.22


def individual_tours(today: datetime.date, rng: random.Random) -> list[RotationPlan]:
    """One single-position rotation per officer per tour, about twelve months each."""
    plans: list[RotationPlan] = []
    for schedule in INDIVIDUAL_POSTS:
        last_year = schedule.last_year or (today + PREPARATION_HORIZON).year
        for year in range(schedule.first_year, last_year + 1):
            # The first year of each schedule keeps its documented date; later cohorts drift.
            jitter = 0 if year == schedule.first_year else rng.randint(-10, 10)
            departure = datetime.date(year, schedule.month, schedule.day) + jitter * DAY
            if departure > today + PREPARATION_HORIZON:
                continue
            for _slot in range(schedule.per_year):
                returns = add_months(departure, 12) + rng.randint(-5, 12) * DAY
                days_left = (departure - today).days
                states: tuple[str, ...] = ("nominated", "screened")
                status = RotationStatus.FORMING
                if days_left < 30:
                    states, status = ("approved",), RotationStatus.READY
                elif days_left < 90:
                    states = ("trained",)
                plans.append(
                    RotationPlan(
                        key="",
                        unit_code=schedule.unit_code,
                        mission_code=schedule.mission_code,
                        location=schedule.location,
                        organisation_key=(
                            "police"
                            if schedule.unit_code == "individual-police-officer"
                            else "dpko"
                        ),
                        departure=departure,
                        returns=returns,
                        strength=1,
                        women=int(rng.random() < women_share(year, schedule.unit_code)),
                        nominate_share=1.0,
                        nominee_states=states,
                        preparing_status=status,
                    )
                )
    # Number each post's tours in the order they departed, as the department counts them.
    plans.sort(key=lambda p: (p.departure, p.unit_code, p.mission_code))
    counters: dict[tuple[str, str], int] = {}
    for plan in plans:
        counter_key = (plan.unit_code, plan.mission_code)
        counters[counter_key] = counters.get(counter_key, 0) + 1
        plan.number = counters[counter_key]
        plan.key = f"{plan.unit_code}-{plan.mission_code}-{plan.number}"
        plan.name = f"{plan.table.name} {plan.mission_code} Rotation {plan.number}"
    return plans


def all_plans(today: datetime.date, rng: random.Random) -> list[RotationPlan]:
    """Every rotation of the demo, the oldest first (the order they are staffed in)."""
    units = unit_rotations(rng)
    plans = units + next_rotations(units, today, rng) + [police_unit(today)]
    plans += individual_tours(today, rng)
    plans.sort(key=lambda p: (p.departure, p.key))
    return plans

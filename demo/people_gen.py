"""Invented people with Vietnamese names, ranks and ages that fit the posts they fill.

People are built in memory (unsaved `Person` objects wrapped in `Candidate`) so that the
staffing can pick, create and re-use them before anything is written, then inserted in bulk.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from core.models import Organisation
from people.models import Person, Rank, Service, Specialty

# Family names with their approximate share of the population.
FAMILY_NAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 2),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 1.5),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
]
MIDDLE_MEN = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Quang", "Xuân", "Ngọc"]
MIDDLE_WOMEN = ["Ngọc", "Thanh", "Thu", "Minh", "Kim", "Hồng", "Phương", "Bích", "Diệu"]
GIVEN_MEN = [
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Hưng", "Huy",
    "Khánh", "Kiên", "Lâm", "Long", "Minh", "Nam", "Phúc", "Quang", "Sơn", "Thắng", "Thành",
    "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
]  # fmt: skip
GIVEN_WOMEN = [
    "An", "Anh", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh",
    "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Thúy",
    "Trang", "Vân", "Yến",
]  # fmt: skip
# The one name every demo must be able to find, with and without diacritics.
SIGNATURE_NAME = "Nguyễn Thị Hương"

MEDICAL = {"surgeon", "anaesthetist", "internist", "medical-officer", "dentist", "pharmacist"}
# Ages at the reference date (first deployment, or today for the register), by NATO grade.
AGES = {
    1: (19, 22), 2: (20, 24), 3: (21, 27), 4: (22, 30), 5: (23, 33), 6: (25, 36), 7: (28, 40),
    8: (30, 44), 9: (32, 48), 11: (23, 30), 12: (27, 36), 13: (31, 42), 14: (36, 46),
    15: (40, 50), 16: (43, 54), 17: (50, 57), 18: (53, 58), 19: (55, 59),
}  # fmt: skip
SERVICE_NUMBER_PREFIX = {
    Service.ARMY: "QD",
    Service.NAVY: "HQ",
    Service.AIR_FORCE: "PK",
    Service.POLICE: "CA",
    Service.CIVILIAN: "DS",
}


def years_before(day: datetime.date, years: float) -> datetime.date:
    return day - datetime.timedelta(days=round(years * 365.25))


@dataclass
class Tour:
    starts_on: datetime.date
    ends_on: datetime.date
    state: str
    reason: str = ""
    unit_code: str = ""  # the unit type (demo.units_tables) of the rotation


@dataclass
class Candidate:
    """A person being built, with what the staffing needs to know about them."""

    person: Person
    specialty: str
    grade: int | None
    profile: str = ""  # the table (demo.units_tables) the person was first found for
    tours: list[Tour] = field(default_factory=list)
    free_from: datetime.date = datetime.date.min
    nominated: bool = False  # holds a nomination for a rotation still in preparation
    english: int = 0  # the highest English level a post of theirs asked for

    @property
    def sex(self) -> str:
        return self.person.sex

    @property
    def service(self) -> str:
        return self.person.service


class PeopleFactory:
    def __init__(
        self,
        rng: random.Random,
        ranks: dict[str, dict[int, list[Rank]]],
        specialties: dict[str, Specialty],
        organisations: dict[str, Organisation],
        today: datetime.date,
        signature: bool = True,
    ) -> None:
        self.rng = rng
        self.ranks = ranks
        self.specialties = specialties
        self.organisations = organisations
        self.today = today
        self.made: list[Candidate] = []
        self._signature_given = not signature
        self._family_weights = [w for _n, w in FAMILY_NAMES]

    def name(self, sex: str) -> str:
        rng = self.rng
        if sex == "F" and not self._signature_given:
            self._signature_given = True
            return SIGNATURE_NAME
        while True:
            family = rng.choices(FAMILY_NAMES, self._family_weights)[0][0]
            if sex == "F":
                middle = "Thị" if rng.random() < 0.6 else rng.choice(MIDDLE_WOMEN)
                given = rng.choice(GIVEN_WOMEN)
            else:
                middle = rng.choice(MIDDLE_MEN)
                given = rng.choice(GIVEN_MEN)
            # Some names carry two middle names ("Nguyễn Thị Thu Hà"); most carry one.
            if rng.random() < 0.12:
                middle += " " + rng.choice(MIDDLE_WOMEN if sex == "F" else MIDDLE_MEN)
            full = f"{family} {middle} {given}"
            if full != SIGNATURE_NAME and middle.split()[-1] != given:
                return full

    def grades(self, service: str, low: int | None, high: int | None) -> list[int]:
        available = sorted(self.ranks.get(service, {}))
        return [g for g in available if (low is None or g >= low) and (high is None or g <= high)]

    def pick_grade(self, service: str, low: int | None, high: int | None) -> int | None:
        """A grade within the range, the junior end more often (pyramids are wide at the base)."""
        choices = self.grades(service, low, high)
        if not choices:
            return None
        weights = [1.0 / (1 + 0.35 * i) for i in range(len(choices))]
        return self.rng.choices(choices, weights)[0]

    def make(
        self,
        *,
        sex: str,
        service: str,
        specialty: str,
        grade: int | None,
        organisation_key: str,
        on: datetime.date,
        profile: str = "",
        min_service_years: float = 0,
    ) -> Candidate:
        """A new person of that profile, of a believable age on `on` (their first duty),
        with at least `min_service_years` of service by then (a post's minimum)."""
        rng = self.rng
        rank = None
        if service != Service.CIVILIAN and grade is not None:
            options = self.ranks[service][grade]
            rank = rng.choice(options)
        low, high = AGES.get(grade or 13, (30, 50))
        if specialty in MEDICAL:
            low, high = low + 2, high + 2
        if service == Service.POLICE:
            low = max(low, 25)  # the UN's minimum age for police peacekeepers
            high = max(high, low + 3)
        age = rng.uniform(low, high)
        born = years_before(on, age)
        born = min(born, years_before(self.today, 18))
        if grade is not None and grade >= 11:
            started_at = rng.uniform(22, 24) + (2 if specialty in MEDICAL else 0)
        else:
            started_at = rng.uniform(18, 20)
        started_at = min(started_at, age - 0.2, age - min_service_years - 0.1)
        service_start = born + datetime.timedelta(days=round(started_at * 365.25))
        service_start = min(service_start, self.today - datetime.timedelta(days=30))
        full_name = self.name(sex)
        number = len(self.made) + 1
        organisation = self.organisations[organisation_key]
        person = Person(
            organisation=organisation,
            service_number=f"{SERVICE_NUMBER_PREFIX[service]}{number + 1_000_000:08d}",
            full_name=full_name,
            sex=sex,
            date_of_birth=born,
            service=service,
            rank=rank,
            specialty=self.specialties.get(specialty),
            service_start=service_start if service != Service.CIVILIAN else None,
        )
        person.fill_derived()  # what save() would fill: the bulk insert skips save()
        candidate = Candidate(person=person, specialty=specialty, grade=grade, profile=profile)
        self.made.append(candidate)
        return candidate

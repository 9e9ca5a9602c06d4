"""Each demo person's papers: passports, medicals, driving licences, languages, screenings.

Documents follow the person's story: a passport and a medical valid when they left on each
tour, screenings before each departure, English at least at the level their posts asked for.
A realistic share of the register lapses within the warning window and some has lapsed.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from demo.people_gen import Candidate, Tour
from deployments.models import State
from people.models import (
    CEFRLevel,
    DrivingLicence,
    Language,
    LanguageTestResult,
    MedicalClearance,
    MedicalResult,
    Passport,
    PassportKind,
    PersonLanguage,
    Screening,
    ScreeningKind,
    ScreeningStatus,
    Service,
)

DAY = datetime.timedelta(days=1)
PASSPORT_YEARS = 5  # Viet Nam's official passports
MEDICAL_MONTHS = 12
DRIVERS = {
    "driver": ["C", "D", "E", "FC"],
    "mechanic": ["C"],
    "heavy-equipment-operator": ["C", "FC"],
}
MILITARY_EXAMINERS = ["Military Hospital 175", "Military Hospital 108", "Military Hospital 103"]
POLICE_EXAMINER = "Hospital 19-8, Ministry of Public Security"
FRENCH_MISSIONS = {"MINUSCA", "MONUSCO", "MINUSMA"}


def years(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=round(n * 365.25))


class Documents:
    """Builds unsaved document rows; `rows` maps each model to its list for bulk insert."""

    def __init__(
        self, rng: random.Random, languages: dict[str, Language], today: datetime.date
    ) -> None:
        self.rng = rng
        self.languages = languages
        self.today = today
        self.rows: dict[type, list] = {
            Passport: [],
            MedicalClearance: [],
            DrivingLicence: [],
            PersonLanguage: [],
            LanguageTestResult: [],
            Screening: [],
        }
        self._passport_numbers: set[str] = set()

    def _day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + (end - start).days * self.rng.random() * DAY

    def build(self, candidate: Candidate, missions: set[str] | None = None) -> None:
        tours = [t for t in candidate.tours if t.state != State.WITHDRAWN]
        self._passports(candidate, tours)
        self._medicals(candidate, tours)
        self._licences(candidate)
        self._languages(candidate, missions or set())
        self._screenings(candidate)

    # --- passports -----------------------------------------------------------------------
    def _passport_number(self) -> str:
        while True:
            number = f"B{self.rng.randint(1_000_000, 9_999_999)}"
            if number not in self._passport_numbers:
                self._passport_numbers.add(number)
                return number

    def _passports(self, candidate: Candidate, tours: list[Tour]) -> None:
        rng, today = self.rng, self.today
        if not tours and not candidate.nominated and rng.random() < 0.04:
            return  # recently enlisted: no passport yet
        if tours:
            last = max(tours, key=lambda t: t.starts_on)
            latest = min(last.starts_on - 30 * DAY, today - DAY)
            earliest = max(last.ends_on - years(PASSPORT_YEARS) + 30 * DAY, latest - years(4))
            if last.ends_on > today and rng.random() < 0.08:
                # A readiness problem for the planner: the passport lapses during the tour.
                earliest = last.ends_on - years(PASSPORT_YEARS) - 200 * DAY
                latest = last.ends_on - years(PASSPORT_YEARS) - 20 * DAY
            issued = self._day_between(earliest, latest)
            expires = issued + years(PASSPORT_YEARS)
            if expires < today and rng.random() < 0.8:
                # Most veterans renew once the old one runs out; the rest stay to be chased.
                renewed = min(expires - rng.randint(0, 90) * DAY, today - rng.randint(1, 30) * DAY)
                self._passport(candidate, renewed)
        else:
            issued = today - years(rng.uniform(0.05, PASSPORT_YEARS + 0.4))
        self._passport(candidate, issued)
        # Earlier passports, each renewed shortly before it ran out, back to the first tour.
        first = min((t.starts_on for t in tours), default=issued)
        while first < issued:
            expires = issued + rng.randint(0, 60) * DAY
            issued = expires - years(PASSPORT_YEARS)
            self._passport(candidate, issued, expires)

    def _passport(
        self, candidate: Candidate, issued: datetime.date, expires: datetime.date | None = None
    ) -> None:
        self.rows[Passport].append(
            Passport(
                person=candidate.person,
                number=self._passport_number(),
                kind=PassportKind.OFFICIAL,
                issued_on=issued,
                expires_on=expires or issued + years(PASSPORT_YEARS),
            )
        )

    # --- medicals ------------------------------------------------------------------------
    def _medical(
        self, candidate: Candidate, examined: datetime.date, result: str = MedicalResult.FIT
    ) -> None:
        examiner = (
            POLICE_EXAMINER
            if candidate.service == Service.POLICE
            else self.rng.choice(MILITARY_EXAMINERS)
        )
        self.rows[MedicalClearance].append(
            MedicalClearance(
                person=candidate.person,
                examined_on=examined,
                result=result,
                valid_until=examined + years(MEDICAL_MONTHS / 12) - DAY,
                examiner=examiner,
            )
        )

    def _medicals(self, candidate: Candidate, tours: list[Tour]) -> None:
        rng, today = self.rng, self.today
        for tour in tours:
            if tour.state in (State.DEPLOYED, State.REPATRIATED):
                self._medical(candidate, tour.starts_on - rng.randint(30, 80) * DAY)
        withdrawn = [t for t in candidate.tours if t.state == State.WITHDRAWN]
        if any("Medical" in t.reason for t in withdrawn):
            self._medical(candidate, today - rng.randint(10, 60) * DAY, MedicalResult.UNFIT)
            return
        if candidate.nominated:
            if rng.random() < 0.85:
                result = (
                    MedicalResult.FIT
                    if rng.random() < 0.95
                    else MedicalResult.FIT_WITH_RESTRICTIONS
                )
                self._medical(candidate, today - rng.randint(5, 150) * DAY, result)
            return
        home = all(t.ends_on < today - 120 * DAY for t in tours)
        if home and rng.random() < 0.85:
            roll = rng.random()
            result = (
                MedicalResult.FIT
                if roll < 0.9
                else MedicalResult.FIT_WITH_RESTRICTIONS
                if roll < 0.97
                else MedicalResult.UNFIT
            )
            self._medical(candidate, today - rng.randint(1, 480) * DAY, result)

    # --- driving licences ----------------------------------------------------------------
    def _licences(self, candidate: Candidate) -> None:
        rng, today = self.rng, self.today
        categories = DRIVERS.get(candidate.specialty)
        if categories:
            category, valid_years = rng.choice(categories), 5
        elif rng.random() < (0.7 if candidate.service == Service.POLICE else 0.4):
            category, valid_years = "B2", 10
        else:
            return
        issued = today - years(rng.uniform(0.1, valid_years + 0.3))
        self.rows[DrivingLicence].append(
            DrivingLicence(
                person=candidate.person,
                category=category,
                number=f"{rng.randint(10**11, 10**12 - 1)}",
                issued_on=issued,
                expires_on=issued + years(valid_years),
            )
        )

    # --- languages -----------------------------------------------------------------------
    def _languages(self, candidate: Candidate, missions: set[str]) -> None:
        rng = self.rng
        officer = candidate.grade is not None and candidate.grade >= 11
        if candidate.specialty == "interpreter":
            english = rng.choice([CEFRLevel.C1, CEFRLevel.C1, CEFRLevel.C2])
        elif candidate.english:
            english = min(candidate.english + (rng.random() < 0.35), CEFRLevel.C2)
        elif officer or candidate.service == Service.CIVILIAN:
            english = rng.choice([CEFRLevel.A2, CEFRLevel.B1, CEFRLevel.B1, CEFRLevel.B2])
        elif rng.random() < 0.55:
            english = rng.choice([CEFRLevel.A1, CEFRLevel.A2, CEFRLevel.A2, CEFRLevel.B1])
        else:
            english = 0
        first_tour = min((t.starts_on for t in candidate.tours), default=self.today)
        if english:
            self._language(candidate, "en", english, first_tour)
        french = 0
        if missions & FRENCH_MISSIONS:
            french = rng.choice([CEFRLevel.B1, CEFRLevel.B2])
        elif candidate.specialty == "interpreter" and rng.random() < 0.2:
            french = rng.choice([CEFRLevel.B2, CEFRLevel.C1])
        elif rng.random() < 0.03:
            french = rng.choice([CEFRLevel.A2, CEFRLevel.B1])
        if french:
            self._language(candidate, "fr", french, first_tour)
        if candidate.specialty == "interpreter" and rng.random() < 0.08:
            self._language(candidate, "ar", rng.choice([CEFRLevel.B1, CEFRLevel.B2]), first_tour)

    def _language(self, candidate: Candidate, code: str, level: int, before: datetime.date) -> None:
        rng = self.rng
        language = self.languages[code]
        self.rows[PersonLanguage].append(
            PersonLanguage(person=candidate.person, language=language, level=level)
        )
        if level < CEFRLevel.B1:
            return
        tested_on = min(before, self.today) - rng.randint(40, 900) * DAY
        if code == "en" and candidate.service == Service.POLICE:
            name, score = "UN AMS", Decimal(rng.randint(60, 95))  # pass mark 60%
        elif code == "en" and rng.random() < 0.3:
            name, score = "IELTS", Decimal(str(min(9.0, 3.0 + level * 1.0 + rng.choice([0, 0.5]))))
        elif code == "en":
            name, score = "VSTEP", Decimal(str(round(2.0 + level * 1.5 + rng.random(), 1)))
        else:
            name, score = "DELF" if code == "fr" else "Institute test", None
        self.rows[LanguageTestResult].append(
            LanguageTestResult(
                person=candidate.person,
                language=language,
                tested_on=tested_on,
                test_name=name,
                score=score,
                level=level,
            )
        )

    # --- screenings ----------------------------------------------------------------------
    def _screenings(self, candidate: Candidate) -> None:
        rng, today = self.rng, self.today
        by = (
            "Inspectorate, Ministry of Public Security"
            if candidate.service == Service.POLICE
            else "Inspectorate, Ministry of National Defence"
        )
        for tour in candidate.tours:
            if tour.state == State.WITHDRAWN:
                continue
            pending = tour.state == State.NOMINATED
            day = min(tour.starts_on - rng.randint(90, 140) * DAY, today - rng.randint(1, 20) * DAY)
            for kind in ScreeningKind.values:
                self.rows[Screening].append(
                    Screening(
                        person=candidate.person,
                        kind=kind,
                        status=ScreeningStatus.PENDING if pending else ScreeningStatus.CLEARED,
                        screened_on=day,
                        screened_by=by,
                    )
                )

    def not_cleared(self, candidate: Candidate) -> None:
        """A register entry whose misconduct screening failed: never to be nominated."""
        self.rows[Screening].append(
            Screening(
                person=candidate.person,
                kind=ScreeningKind.MISCONDUCT,
                status=ScreeningStatus.NOT_CLEARED,
                screened_on=self.today - self.rng.randint(30, 700) * DAY,
                screened_by="Inspectorate, Ministry of National Defence",
                notes="Disciplinary record; not eligible for deployment.",
            )
        )

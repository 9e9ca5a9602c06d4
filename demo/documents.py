"""Each demo person's papers: passports, medicals, driving licences, languages, screenings,
the pre-deployment course's certificate and the UN's assessments.

Documents follow the person's story: a passport and a medical valid when they left on each
tour, screenings before each departure, English at least at the level their posts asked for,
the core pre-deployment course (CPTM) before the first tour, and the assessments before an
individual police officer's first tour. A nominee's papers are in order as far as their
nomination has gone: whoever reached "trained" holds the course, whoever was approved meets
every requirement. The rest of the register is as uneven as a real one: part of it is trained
and screened for the standby pool, some papers lapse within the warning window, some have
lapsed, some courses and assessments are missing or failed.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from core.models import Organisation
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
from training.assessments import combined_score, evaluate
from training.models import (
    LANGUAGE_COMPONENTS,
    Assessment,
    AssessmentKind,
    AssessmentRule,
    AssessorKind,
    Course,
    CourseRun,
    Enrolment,
    add_months,
)

DAY = datetime.timedelta(days=1)
PASSPORT_YEARS = 5  # Viet Nam's official passports
# The department asks for a passport valid six months beyond the tour (planning's requirement).
PASSPORT_MARGIN = datetime.timedelta(days=200)
# A demo assumption: the department's medical board clears a peacekeeper for two years, so an
# examination a few months before departure covers a tour of up to fifteen months.
MEDICAL_MONTHS = 24
SERVED = (State.DEPLOYED, State.REPATRIATED)
# Nominees this far along the workflow passed its checks: the training step asks for the
# course and assessments, the approval for every requirement.
TRAINED = (State.TRAINED, State.APPROVED)
INDIVIDUAL_POLICE = "individual-police-officer"
# The demo's training calendar: one CPTM run a year at the centre, three weeks from the first
# Monday of March; the first one trained the two liaison officers who left in May 2014.
FIRST_CPTM_YEAR = 2014
CPTM_MONTH = 3
CPTM_DAYS = 18  # Monday of the first week to Friday of the third
CPTM_PLACE = "Vietnam Peacekeeping Training Centre, Hà Nội"
# Courses end this long before a departure (the training step comes weeks before leaving).
TRAINED_BEFORE_DEPARTURE = datetime.timedelta(days=60)
# Shares of the register (people with no tour) trained and screened for the standby pool, and
# of the police officers fit for individual posts who took the UN's assessments.
STANDBY_TRAINED = 0.45
ASSESSED = 0.55
# Chance of passing an assessment at the first attempt, by kind.
FIRST_PASS = {
    AssessmentKind.LANGUAGE: 0.7,
    AssessmentKind.DRIVING: 0.88,
    AssessmentKind.FIREARMS: 0.85,
}
UN_ASSESSORS = "UN Selection Assistance and Assessment Team"
# Car licences: class B, Law 36/2024/QH15's name for the former B2 (and the class the UN's
# requirement for individual police officers reads, see planning.seed).
CAR_LICENCE = "B"
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
        self,
        rng: random.Random,
        languages: dict[str, Language],
        today: datetime.date,
        cptm_runs: list[CourseRun],
        assessment_rules: dict[str, AssessmentRule],
    ) -> None:
        self.rng = rng
        self.languages = languages
        self.today = today
        self.runs = sorted(cptm_runs, key=lambda run: run.starts_on)
        self.assessment_rules = assessment_rules
        # Enrolments follow their runs, which the loader inserts first.
        self.rows: dict[type, list] = {
            Passport: [],
            MedicalClearance: [],
            DrivingLicence: [],
            PersonLanguage: [],
            LanguageTestResult: [],
            Screening: [],
            Enrolment: [],
            Assessment: [],
        }
        self._passport_numbers: set[str] = set()
        self._certificates: dict[int, int] = {}  # run year → certificates issued so far
        self._barred: set[int] = set()  # ids of the candidates whose screening failed

    def _day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + (end - start).days * self.rng.random() * DAY

    def build(self, candidate: Candidate, missions: set[str] | None = None) -> None:
        tours = [t for t in candidate.tours if t.state != State.WITHDRAWN]
        self._passports(candidate, tours)
        self._medicals(candidate, tours)
        self._licences(candidate, tours)
        self._languages(candidate, missions or set())
        self._screenings(candidate)
        trained_on = self._cptm(candidate, tours)
        if trained_on and not tours and id(candidate) not in self._barred:
            self._standby_screenings(candidate, trained_on)
        if is_individual_police(candidate, tours):
            self._assessments(candidate, tours)

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
            earliest = max(
                last.ends_on + PASSPORT_MARGIN - years(PASSPORT_YEARS), latest - years(4)
            )
            if last.ends_on > today and last.state != State.APPROVED and rng.random() < 0.08:
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
                valid_until=add_months(examined, MEDICAL_MONTHS) - DAY,
                examiner=examiner,
            )
        )

    def _medicals(self, candidate: Candidate, tours: list[Tour]) -> None:
        rng, today = self.rng, self.today
        for tour in tours:
            if tour.state in SERVED:
                self._medical(candidate, tour.starts_on - rng.randint(30, 80) * DAY)
        withdrawn = [t for t in candidate.tours if t.state == State.WITHDRAWN]
        if any("Medical" in t.reason for t in withdrawn):
            self._medical(candidate, today - rng.randint(10, 60) * DAY, MedicalResult.UNFIT)
            return
        nominations = [t for t in tours if t.state not in SERVED]
        if nominations:
            # Examined since the nomination, by a board whose clearance covers the return.
            tour = max(nominations, key=lambda t: t.ends_on)
            if tour.state in TRAINED or rng.random() < 0.85:
                result = (
                    MedicalResult.FIT
                    if rng.random() < 0.95
                    else MedicalResult.FIT_WITH_RESTRICTIONS
                )
                covers_from = add_months(tour.ends_on, -MEDICAL_MONTHS) + DAY
                examined = max(today - rng.randint(5, 150) * DAY, covers_from)
                self._medical(candidate, min(examined, today), result)
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
            self._medical(candidate, today - rng.randint(1, 700) * DAY, result)

    # --- driving licences ----------------------------------------------------------------
    def _licences(self, candidate: Candidate, tours: list[Tour]) -> None:
        rng, today = self.rng, self.today
        categories = DRIVERS.get(candidate.specialty)
        if is_individual_police(candidate, tours):
            # The UN asks individual police officers for a car licence held a year or more.
            first = first_tour(tours, INDIVIDUAL_POLICE)
            latest = min(first.starts_on if first else today, today) - 400 * DAY
            issued = self._day_between(today - years(8.5), latest)
            category, valid_years = CAR_LICENCE, 10
        elif categories:
            category, valid_years = rng.choice(categories), 5
            issued = today - years(rng.uniform(0.1, valid_years + 0.3))
        elif rng.random() < (0.7 if candidate.service == Service.POLICE else 0.4):
            category, valid_years = CAR_LICENCE, 10
            issued = today - years(rng.uniform(0.1, valid_years + 0.3))
        else:
            return
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
        by = screening_authority(candidate)
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
        """A register entry whose misconduct screening failed: never to be nominated.

        Call it before `build`, which then leaves the person out of the standby pool.
        """
        self._barred.add(id(candidate))
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

    def _standby_screenings(self, candidate: Candidate, trained_on: datetime.date) -> None:
        """Cleared for the standby pool before the course, as the centre asks of its trainees."""
        day = trained_on - (CPTM_DAYS + self.rng.randint(20, 60)) * DAY
        for kind in ScreeningKind.values:
            self.rows[Screening].append(
                Screening(
                    person=candidate.person,
                    kind=kind,
                    status=ScreeningStatus.CLEARED,
                    screened_on=day,
                    screened_by=screening_authority(candidate),
                    notes="Standby pool.",
                )
            )

    # --- the core pre-deployment course (CPTM) -------------------------------------------
    def _cptm(self, candidate: Candidate, tours: list[Tour]) -> datetime.date | None:
        """Enrolments on the yearly runs; the day the certificate was issued, if any.

        Everyone who served, and every nominee who reached the training step, passed a run
        that ended before their first departure (the certificate never lapses). Other nominees
        and the register have often trained ahead, some after failing a first attempt.
        """
        rng, today = self.rng, self.today
        first = min(tours, key=lambda t: t.starts_on, default=None)
        if first is not None and (first.state in SERVED or first.state in TRAINED):
            # Nominees were trained before the nomination's steps (decisions.py) began.
            by = first.starts_on - TRAINED_BEFORE_DEPARTURE
            if first.state in TRAINED:
                by = min(by, today - 160 * DAY)
            run = self._last_run_by(by)
            if run is None:
                return None
            return self._enrol(candidate, run, passed=True)
        if first is not None and rng.random() < 0.4:
            return None  # a nominee still to be trained
        if first is None and (id(candidate) in self._barred or rng.random() > STANDBY_TRAINED):
            return None
        latest = min(first.starts_on - TRAINED_BEFORE_DEPARTURE, today) if first else today
        runs = self._runs_between(self._may_train_from(candidate), latest)
        if not runs:
            return None
        run = rng.choice(runs[-8:])
        if rng.random() < 0.08:
            # Failed or missed the first attempt; most came back a year later.
            self._enrol(candidate, run, passed=False)
            later = [r for r in runs if r.starts_on > run.starts_on]
            if not later or rng.random() < 0.4:
                return None
            run = later[0]
        return self._enrol(candidate, run, passed=True)

    def _may_train_from(self, candidate: Candidate) -> datetime.date:
        """A year into the service (or at 22 for a civilian) the centre takes a trainee."""
        person = candidate.person
        if person.service_start:
            return add_months(person.service_start, 12)
        return add_months(person.date_of_birth, 22 * 12)

    def _runs_between(self, start: datetime.date, end: datetime.date) -> list[CourseRun]:
        return [r for r in self.runs if r.starts_on >= start and r.ends_on <= end]

    def _last_run_by(self, day: datetime.date) -> CourseRun | None:
        return next((r for r in reversed(self.runs) if r.ends_on <= day), None)

    def _enrol(self, candidate: Candidate, run: CourseRun, passed: bool) -> datetime.date | None:
        rng = self.rng
        mark = run.course.pass_mark
        enrolment = Enrolment(run=run, person=candidate.person)
        if passed:
            enrolment.score = score_between(rng, mark, Decimal(100))
            year = run.starts_on.year
            self._certificates[year] = self._certificates.get(year, 0) + 1
            enrolment.certificate_number = f"VPTC-CPTM-{year}-{self._certificates[year]:04d}"
            enrolment.certificate_issued_on = run.ends_on
        elif rng.random() < 0.3:
            enrolment.attended = False  # called away before the course began
        else:
            enrolment.score = score_between(rng, mark * Decimal("0.6"), mark - 1)
        # What Enrolment.save computes; the bulk insert skips save().
        enrolment.passed = enrolment.is_pass()
        if enrolment.passed:
            issued = enrolment.certificate_issued_on
            enrolment.certificate_expires_on = run.course.certificate_expiry(issued)
        self.rows[Enrolment].append(enrolment)
        return enrolment.certificate_issued_on

    # --- the UN's assessments for individual police officers -----------------------------
    def _assessments(self, candidate: Candidate, tours: list[Tour]) -> None:
        """Language, driving and firearms: passed before a first individual tour; for the
        rest of those fit for such a post, taken by about half, not always passed."""
        rng, today = self.rng, self.today
        first = first_tour(tours, INDIVIDUAL_POLICE)
        if first is not None:
            if first.state not in SERVED and first.state not in TRAINED and rng.random() < 0.3:
                return  # nominated, still to be assessed
            day = min(
                first.starts_on - rng.randint(60, 200) * DAY, today - rng.randint(1, 20) * DAY
            )
            for kind in FIRST_PASS:
                self._assessment(candidate, kind, day, passed=True)
            return
        if rng.random() > ASSESSED:
            return
        day = today - rng.randint(30, 700) * DAY
        for kind, chance in FIRST_PASS.items():
            if rng.random() < chance:
                self._assessment(candidate, kind, day, passed=True)
                continue
            rule = self._assessment(candidate, kind, day, passed=False)
            if rule is None:
                continue
            retake = day + (rule.retake_wait_days + rng.randint(0, 60)) * DAY
            if retake <= today and rng.random() < 0.6:
                self._assessment(candidate, kind, retake, passed=rng.random() < 0.85)

    def _assessment(
        self, candidate: Candidate, kind: str, day: datetime.date, passed: bool
    ) -> AssessmentRule | None:
        """One assessment scored to pass or fail its rule; None if no rule gives its mark."""
        rng = self.rng
        rule = self.assessment_rules.get(kind)
        if rule is None:
            return None
        mark = rule.pass_mark
        low, high = (mark, Decimal(100)) if passed else (mark * Decimal("0.55"), mark - 1)
        assessment = Assessment(
            person=candidate.person,
            kind=kind,
            assessed_on=day,
            assessor_kind=AssessorKind.UN_TEAM,
            assessor_name=UN_ASSESSORS,
        )
        if kind == AssessmentKind.LANGUAGE:
            assessment.language = self.languages["en"]
            parts = {name: score_between(rng, low, high) for name in LANGUAGE_COMPONENTS}
            for name, value in parts.items():
                setattr(assessment, name, value)
            assessment.score = combined_score(parts)
        else:
            assessment.score = score_between(rng, low, high)
        if kind == AssessmentKind.DRIVING:
            # A failed driving test is now and then the eyesight, not the driving.
            assessment.vision_passed = passed or rng.random() < 0.7
            if not assessment.vision_passed:
                assessment.score = score_between(rng, mark, Decimal(100))
        evaluate(assessment, rule)
        self.rows[Assessment].append(assessment)
        return rule

    def fill_runs(self) -> None:
        """Each run's capacity from its enrolments (rounded up to a classroom of ten)."""
        enrolled: dict[int, int] = {}
        for enrolment in self.rows[Enrolment]:
            enrolled[id(enrolment.run)] = enrolled.get(id(enrolment.run), 0) + 1
        for run in self.runs:
            run.capacity = max(30, math.ceil(enrolled.get(id(run), 0) / 10) * 10)


def score_between(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A whole-number score from `low` (rounded up) to `high` (rounded down), within 0–100."""
    low, high = max(0, math.ceil(low)), min(100, math.floor(high))
    return Decimal(rng.randint(low, max(low, high)))


def screening_authority(candidate: Candidate) -> str:
    return (
        "Inspectorate, Ministry of Public Security"
        if candidate.service == Service.POLICE
        else "Inspectorate, Ministry of National Defence"
    )


def first_tour(tours: list[Tour], unit_code: str) -> Tour | None:
    return min(
        (t for t in tours if t.unit_code == unit_code), key=lambda t: t.starts_on, default=None
    )


def is_individual_police(candidate: Candidate, tours: list[Tour]) -> bool:
    """Whether the person serves, or was found, for individual police posts."""
    return candidate.profile == INDIVIDUAL_POLICE or any(
        t.unit_code == INDIVIDUAL_POLICE for t in tours
    )


def cptm_runs(course: Course, centre: Organisation, today: datetime.date) -> list[CourseRun]:
    """The centre's yearly CPTM runs since 2014, up to the next one within a year."""
    runs = []
    for year in range(FIRST_CPTM_YEAR, today.year + 2):
        first_of_month = datetime.date(year, CPTM_MONTH, 1)
        starts = first_of_month + ((7 - first_of_month.weekday()) % 7) * DAY
        if starts > today + years(1):
            break
        runs.append(
            CourseRun(
                course=course,
                organisation=centre,
                starts_on=starts,
                ends_on=starts + CPTM_DAYS * DAY,
                place=CPTM_PLACE,
                capacity=30,
                notes="Yearly run of the UN Core Pre-deployment Training Materials.",
            )
        )
    return runs

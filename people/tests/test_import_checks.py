"""Checking and writing a people import: every problem at once, all rows or none."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User

from core import testing
from people.imports import apply as writing
from people.imports.testing import csv_bytes, table, xlsx_bytes
from people.imports.validate import CREATE, UNCHANGED, UPDATE, check
from people.models import (
    DrivingLicence,
    MedicalClearance,
    Passport,
    Person,
    PersonLanguage,
)


@pytest.fixture
def catalogue(db):
    return {
        "captain": testing.rank("army", "Captain", 12),
        "major": testing.rank("army", "Major", 13),
        "police_captain": testing.rank("police", "Police Captain", 12),
        "surgeon": testing.specialty("surgeon", "Surgeon"),
        "english": testing.language("en", "English"),
        "french": testing.language("fr", "French"),
    }


def new_person(**extra):
    values = {
        "organisation": "H175",
        "service_number": "QD0001",
        "full_name": "Nguyễn Thị Hương",
        "sex": "Nữ",
        "date_of_birth": "17/05/1990",
        "service": "Army",
        "rank": "Captain",
        "specialty": "surgeon",
    }
    values.update(extra)
    return values


@pytest.fixture
def run(tmp_path):
    """Check `rows` written as a workbook (or CSV) as `user`; returns the plan."""

    def run_check(user, rows, name="people.xlsx", progress=None):
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes(rows))
        return check(path, name, user, progress)

    return run_check


def messages(plan):
    return [str(problem) for problem in plan.problems]


def test_it_plans_a_new_person_with_documents_without_writing_anything(
    run, mod, personnel_officer, catalogue
):
    rows = table(
        [
            new_person(
                passport_number="C1234567",
                passport_expires="2031-03-01",
                medical_examined="15/01/2025",
                medical_result="Fit",
                medical_valid_until="15/01/2026",
                licence_category="b",
                licence_issued="1 Jun 2015",
                languages="English B2; French A2",
            )
        ]
    )
    plan = run(personnel_officer, rows)
    assert messages(plan) == []
    assert (plan.created, plan.updated, plan.unchanged, plan.documents) == (1, 0, 0, 5)
    person = plan.rows[0].person
    assert person.latin_name == "NGUYEN THI HUONG"
    assert person.sex == "F" and person.rank == catalogue["captain"]
    assert Person.objects.count() == 0 and Passport.objects.count() == 0


def test_it_writes_the_plan_with_history_naming_the_user_and_the_file(
    run, mod, personnel_officer, catalogue
):
    rows = table(
        [
            new_person(passport_number="C1234567", passport_expires="2031-03-01"),
            new_person(service_number="QD0002", full_name="Lê Văn An", sex="M", languages="en C1"),
        ]
    )
    plan = run(personnel_officer, rows)
    result = writing.apply(plan, personnel_officer)
    assert (result.created, result.documents) == (2, 2)
    huong = Person.objects.get(service_number="QD0001")
    assert huong.organisation == mod["hospital"]
    assert huong.search_name == "nguyen thi huong nguyen thi huong"
    assert huong.passports.get().number == "C1234567"
    assert huong.passports.get().kind == "official"
    assert PersonLanguage.objects.get().level == 5
    entry = huong.history.get()
    assert entry.history_user == personnel_officer
    assert entry.history_change_reason == "Imported from people.xlsx"
    assert Passport.history.get().history_user == personnel_officer


def test_it_updates_existing_people_and_says_which_fields_change(
    run, mod, personnel_officer, catalogue
):
    same = testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0001")
    moved = testing.person(mod["hospital"], "Võ Thị Sáu", service_number="QD0002", sex="F")
    rows = table(
        [
            {"organisation": "H175", "service_number": "QD0001", "full_name": "Trần Văn Bình"},
            {
                "organisation": "Military Hospital 175",
                "service_number": "QD0002",
                "full_name": "Võ Thị Sáu",
                "rank": "Major (OF-3)",
                "phone": "'+84 912 345 678",
            },
        ]
    )
    plan = run(personnel_officer, rows)
    assert messages(plan) == []
    assert [(row.action, row.changes) for row in plan.rows] == [
        (UNCHANGED, []),
        (UPDATE, ["Phone", "Rank"]),
    ]
    writing.apply(plan, personnel_officer)
    moved.refresh_from_db()
    assert moved.rank == catalogue["major"] and moved.phone == "+84 912 345 678"
    assert moved.history.count() == 2
    assert same.history.count() == 1


def test_it_reports_every_problem_at_once_naming_row_and_column(
    run, mod, personnel_officer, catalogue
):
    rows = table(
        [
            new_person(date_of_birth="31/02/1990"),
            new_person(service_number="QD0002", sex="X", rank="Colonel"),
            new_person(service_number="QD0003", full_name="", email="not-an-email"),
            new_person(service_number="QD0004", date_of_birth="2990-01-01"),
            new_person(service_number="QD0005", rank="Police Captain"),
        ]
    )
    plan = run(personnel_officer, rows)
    assert messages(plan) == [
        "Row 2, Date of birth: “31/02/1990” is not a date; write 2024-03-01, "
        "01/03/2024 (day first) or 1 Mar 2024.",
        "Row 3, Sex: “X” is not one of: Female, Male.",
        "Row 3, Rank: “Colonel” is no rank of the Army.",
        "Row 4, Name: Needed to add a person.",
        "Row 4, Email: Enter a valid email address.",
        "Row 5, Date of birth: The date of birth is in the future.",
        "Row 6, Rank: “Police Captain” is no rank of the Army but of the Police.",
    ]
    assert plan.rows == []  # a row with a problem is not planned
    assert not plan.ok


def test_it_refuses_unknown_and_repeated_columns_before_reading_rows(run, personnel_officer):
    rows = [
        ["Organisation", "Service number", "Birthday", "Name", "Full name"],
        ["H175", "1", "", "", ""],
    ]
    plan = run(personnel_officer, rows)
    assert messages(plan)[0].startswith("Column C “Birthday”: Unknown column. The columns are: ")
    assert messages(plan)[1] == "Column E “Full name”: Column D has the same heading."
    assert len(plan.problems) == 2


def test_it_needs_the_organisation_and_service_number_columns(run, personnel_officer):
    plan = run(personnel_officer, [["Name"], ["An"]])
    assert messages(plan) == [
        "The file has no “Organisation” column; every row needs one.",
        "The file has no “Service number” column; every row needs one.",
    ]


def test_it_refuses_a_service_number_twice_in_one_file(run, mod, personnel_officer, catalogue):
    rows = table(
        [new_person(), new_person(full_name="Someone Else"), new_person(service_number="QD9")]
    )
    plan = run(personnel_officer, rows)
    assert messages(plan) == ["Row 3, Service number: “QD0001” of H175 is also on row 2."]


def test_it_refuses_organisations_outside_the_users_scope(run, mod, police_officer_user, catalogue):
    plan = run(police_officer_user, table([new_person()]))
    assert messages(plan) == ["Row 2, Organisation: “H175” is not one of your organisations."]


def test_it_refuses_to_change_a_person_the_user_may_not_change(run, mod, viewer, catalogue):
    viewer.user_permissions.add(Permission.objects.get(codename="add_person"))
    testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0001")
    testing.person(mod["hospital"], "Lê Văn An", service_number="QD0002")
    rows = table(
        [
            {"organisation": "H175", "service_number": "QD0001", "full_name": "Trần Văn Bình"},
            {"organisation": "H175", "service_number": "QD0002", "full_name": "Lê Văn Ân"},
        ]
    )
    # Fetched again: Django caches a user's permissions on the object.
    plan = run(User.objects.get(pk=viewer.pk), rows)
    assert messages(plan) == ["Row 3, Service number: “QD0002” is a person you may not change."]


def test_it_refuses_a_passport_recorded_for_another_person(run, mod, personnel_officer, catalogue):
    other = testing.person(mod["hospital"], "Lê Văn An")
    Passport.objects.create(person=other, number="C1234567", expires_on=datetime.date(2031, 1, 1))
    rows = table(
        [
            new_person(passport_number="C1234567", passport_expires="2031-03-01"),
            new_person(service_number="QD2", passport_number="C7", passport_expires="2031-03-01"),
            new_person(service_number="QD3", passport_number="C7", passport_expires="2031-03-01"),
            new_person(service_number="QD4", passport_number="C8"),
        ]
    )
    assert messages(run(personnel_officer, rows)) == [
        "Row 2, Passport number: Passport “C1234567” is recorded for another person.",
        "Row 4, Passport number: Passport “C7” is also on row 3.",
        "Row 5, Passport expires: Needed with the other passport columns.",
    ]


def test_it_holds_documents_to_their_own_rules(run, mod, personnel_officer, catalogue):
    rows = table(
        [
            new_person(
                medical_examined="2025-01-15",
                medical_result="Fit",
                medical_valid_until="2024-01-15",
                licence_category="B",
                licence_issued="2020-01-01",
                licence_expires="2019-01-01",
                languages="Klingon B2; English B1; en C1",
            )
        ]
    )
    assert messages(run(personnel_officer, rows)) == [
        "Row 2, Medical valid until: A clearance cannot end before the examination.",
        "Row 2, Driving licence expires: The licence must expire after it is issued.",
        "Row 2, Languages: “Klingon” is no known language.",
        "Row 2, Languages: English is named twice.",
    ]


def test_it_updates_matching_documents_and_adds_the_others(run, mod, personnel_officer, catalogue):
    person = testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0001")
    passport = Passport.objects.create(
        person=person, number="C1", kind="ordinary", expires_on=datetime.date(2030, 1, 1)
    )
    MedicalClearance.objects.create(
        person=person,
        examined_on=datetime.date(2025, 1, 15),
        result="fit",
        valid_until=datetime.date(2026, 1, 15),
    )
    PersonLanguage.objects.create(person=person, language=catalogue["english"], level=3)
    rows = table(
        [
            {
                "organisation": "H175",
                "service_number": "QD0001",
                "passport_number": "C1",
                "passport_type": "",
                "passport_expires": "2031-01-01",
                "medical_examined": "2025-01-15",
                "medical_result": "Unfit",
                "medical_valid_until": "2026-01-15",
                "languages": "English B2; French A1",
            }
        ]
    )
    plan = run(personnel_officer, rows)
    assert plan.rows[0].action == UPDATE
    assert plan.rows[0].changes == [
        "Passport C1 changed (Passport expires)",
        "Medical Unfit, 2025-01-15 changed (Medical result)",
        "English B2 changed (Languages)",
        "French A1 added",
    ]
    writing.apply(plan, personnel_officer)
    passport.refresh_from_db()
    assert (passport.kind, passport.expires_on) == ("ordinary", datetime.date(2031, 1, 1))
    assert MedicalClearance.objects.get().result == "unfit"
    assert sorted(PersonLanguage.objects.values_list("language__code", "level")) == [
        ("en", 4),
        ("fr", 1),
    ]
    assert DrivingLicence.objects.count() == 0


def test_it_reads_a_csv_with_dates_in_several_ways(run, mod, personnel_officer, catalogue):
    rows = table(
        [
            new_person(date_of_birth="1990-05-17"),
            new_person(service_number="QD2", date_of_birth="17/05/1990"),
            new_person(service_number="QD3", date_of_birth="17 May 1990"),
            new_person(service_number="QD4", date_of_birth="33010"),
        ]
    )
    plan = run(personnel_officer, rows, "people.csv")
    assert messages(plan) == []
    assert {row.person.date_of_birth for row in plan.rows} == {datetime.date(1990, 5, 17)}


def test_it_refuses_formulas_in_cells(run, mod, personnel_officer, catalogue):
    plan = run(personnel_officer, table([new_person(phone="=cmd|' /C calc'!A0")]), "people.csv")
    assert messages(plan) == [
        "Row 2, Phone: “=cmd|' /C calc'!A0” is a formula; type the value itself."
    ]


def test_it_writes_nothing_when_the_register_changed_after_the_check(
    run, mod, personnel_officer, catalogue
):
    rows = table([new_person(service_number=f"QD{n}") for n in range(5)])
    plan = run(personnel_officer, rows)
    assert plan.ok
    # Someone adds the fourth person meanwhile: the whole import must fail, not four-fifths.
    testing.person(mod["hospital"], "Lê Văn An", service_number="QD3")
    with pytest.raises(writing.Conflict):
        writing.apply(plan, personnel_officer)
    assert Person.objects.count() == 1
    assert Person.history.count() == 1


def test_it_reports_its_progress_up_to_the_last_row(run, mod, personnel_officer, catalogue):
    reports = []
    rows = table([new_person(service_number=f"QD{n}") for n in range(600)])
    plan = run(personnel_officer, rows, progress=lambda *report: reports.append(report))
    checks = [done for phase, done, total in reports if phase == "check"]
    assert checks == [250, 500, 600]
    writes = []
    writing.apply(plan, personnel_officer, lambda *report: writes.append(report))
    assert writes[-1] == ("write", 600, 600)


def test_a_viewer_cannot_plan_new_people(run, mod, viewer, catalogue):
    assert messages(run(viewer, table([new_person()]))) == ["Row 2: You may not add people."]


def test_it_counts_each_action(run, mod, personnel_officer, catalogue):
    testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD1")
    rows = table(
        [
            {"organisation": "H175", "service_number": "QD1", "full_name": "Trần Văn Bình"},
            {**new_person(service_number="QD2")},
        ]
    )
    plan = run(personnel_officer, rows)
    assert [row.action for row in plan.rows] == [UNCHANGED, CREATE]

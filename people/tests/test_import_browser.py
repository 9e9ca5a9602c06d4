"""The import's main path in a real browser: upload, read the preview, apply (a background job,
followed on its page), see the people."""

import re
import time

import pytest
from playwright.sync_api import expect

from core import testing
from people.imports.testing import table, xlsx_bytes
from people.imports.validate import Checker
from people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(**changes):
    first = {
        "organisation": "H175",
        "service_number": "QD0001",
        "full_name": "Nguyễn Thị Hương",
        "sex": "Nữ",
        "date_of_birth": "17/05/1990",
        "service": "Army",
        "rank": "Captain",
        "passport_number": "C1234567",
        "passport_expires": "1 Mar 2031",
    }
    second = {**first, "service_number": "QD0002", "full_name": "Lê Văn An", "sex": "Nam"}
    second["passport_number"] = "C7654321"
    second.update(changes)
    return table([first, second])


@pytest.fixture(autouse=True)
def upload_folder(settings, tmp_path):
    settings.PEOPLE_IMPORT_DIR = str(tmp_path)


def choose(page, content, name="people.xlsx"):
    page.set_input_files(
        "#import-file", files=[{"name": name, "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="Check the file").click()
    return page.get_by_test_id("import-preview")


@pytest.mark.browser
def test_an_officer_checks_a_file_then_applies_it(page, sign_in, mod, personnel_officer):
    testing.rank("army", "Captain", 12)
    sign_in(personnel_officer)
    page.goto("/people/import/")
    preview = choose(page, xlsx_bytes(rows()))
    assert page.get_by_test_id("count-create").inner_text() == "2"
    assert "Passport C1234567 added" in preview.inner_text()
    assert Person.objects.count() == 0
    page.get_by_test_id("apply").click()
    page.wait_for_url("**/jobs/*/")
    expect(page.get_by_test_id("job-result")).to_contain_text(
        "Imported people.xlsx: 2 people added, 0 updated, 0 unchanged; 2 documents"
    )
    page.get_by_test_id("job-open").click()
    page.wait_for_url("**/people/")
    assert "Lê Văn An" in page.locator("table").inner_text()


@pytest.mark.browser
def test_an_officer_reads_every_problem_and_nothing_is_written(
    page, sign_in, mod, personnel_officer
):
    testing.rank("army", "Captain", 12)
    sign_in(personnel_officer)
    page.goto("/people/import/")
    choose(page, xlsx_bytes(rows(date_of_birth="31/02/1990", rank="General")))
    problems = page.get_by_test_id("import-problems").inner_text()
    assert "2 problems: nothing was written." in problems
    assert "Row 3, Date of birth: “31/02/1990” is not a date" in problems
    assert "Row 3, Rank: “General” is no rank of the Army." in problems
    assert page.get_by_test_id("apply").count() == 0
    assert Person.objects.count() == 0


@pytest.mark.browser
def test_a_big_file_shows_how_far_the_check_has_got(
    page, sign_in, mod, personnel_officer, monkeypatch
):
    # Checking 3,000 rows takes less than one poll (500 ms) on a fast machine: a millisecond
    # a row makes it last as long as a bigger file on a busier server, so there is time to see.
    plan_row = Checker.plan_row

    def slow_plan_row(self, row):
        time.sleep(0.001)
        plan_row(self, row)

    monkeypatch.setattr(Checker, "plan_row", slow_plan_row)
    records = [
        {
            "organisation": "H175",
            "service_number": f"QD{n:05d}",
            "full_name": f"Người Thứ {n}",
            "sex": "F",
            "date_of_birth": "1990-01-01",
            "service": "Army",
        }
        for n in range(3000)
    ]
    sign_in(personnel_officer)
    page.goto("/people/import/")
    choose(page, xlsx_bytes(table(records)), "big.xlsx")
    # The page polls while the server works: it shows the row the check has reached.
    expect(page.get_by_test_id("progress-text")).to_contain_text(re.compile(r"row [\d,]+ of"))
    page.get_by_test_id("import-preview").wait_for(timeout=60_000)
    assert page.get_by_test_id("count-create").inner_text() == "3000"

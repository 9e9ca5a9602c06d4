"""The main path in Chromium: upload a report, see it listed, read the month's ranking and
see the dashboards change."""

from __future__ import annotations

import pytest

from stats.tests.conftest import stats_user


@pytest.mark.browser
def test_an_importer_uploads_a_report_and_reads_the_ranking(page, sign_in, un_pdf):
    user = stats_user(
        "importer", "view_unreport", "view_uncontribution", "view_country", "import_unreport"
    )
    sign_in(user)
    page.goto("/stats/un/system/")
    assert "2021-01" not in page.locator("[data-testid=system]").inner_text()

    page.goto("/stats/un/reports/")
    page.set_input_files("input[type=file]", str(un_pdf("2021_01")))
    page.click("button[type=submit]:has-text('Import')")

    # The import ran as a background job: its page gives the result of each file.
    results = page.locator("[data-testid=job-result]")
    results.wait_for()
    assert "UN_country_contributions_2021_01.pdf: imported" in results.inner_text()
    page.click("[data-testid=job-open]")
    assert "2021-01" in page.locator("table").inner_text()

    page.goto("/stats/un/ranking/?month=2021-01")
    own = page.locator("tr[data-own=true]")
    assert "Viet Nam" in own.inner_text()
    first = page.locator("[data-testid=ranking] tbody tr").first.inner_text()
    assert first.split() == ["1", "Bangladesh", "6711", "317", "4.7", "%"]

    # The dashboards changed with it: the system figures have the month, and our country's
    # history charts its rank from the table beside the chart.
    page.goto("/stats/un/system/")
    assert "2021-01" in page.locator("[data-testid=system]").inner_text()
    page.goto("/stats/un/country/VNM/")
    assert "2021-01" in page.locator("[data-testid=history]").inner_text()
    page.locator("[data-chart-for=history-table] canvas").wait_for()
    drawn = page.evaluate("() => document.querySelector('[data-testid=history]').chart.data")
    assert drawn["labels"] == ["2021-01"]

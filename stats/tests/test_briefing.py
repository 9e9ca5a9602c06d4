"""The monthly PDF briefing and the statistics workbook: figures read back, scope, access."""

from __future__ import annotations

import datetime
import io
import re

import pypdfium2
import pytest
from openpyxl import load_workbook

from core import testing
from core.models import Job
from deployments.models import State
from stats.tests.test_national import deploy, positions
from stats.tests.test_ranking import make_month

D = datetime.date
MARCH = D(2023, 3, 1)
# Eleven countries ahead of us: our row must be added under the top 10.
UN_TOTALS = {
    "BGD": (6000, 300),
    "NPL": (5900, 290),
    "IND": (5800, 280),
    "RWA": (5700, 270),
    "PAK": (4000, 200),
    "GHA": (2700, 400),
    "CHN": (2200, 90),
    "IDN": (2100, 110),
    "EGY": (2000, 30),
    "SEN": (1500, 40),
    "MAR": (1400, 20),
    "VNM": (250, 40),
}


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def figures(mod, mps):
    """In the field at the end of March 2023: 2 men and 1 woman in UNMISS, 1 woman in UNISFA;
    one man came home in February; the other ministry has 2 women in the field."""
    org = mod["hospital"]
    troops = positions(org, 4)
    police = positions(org, 1, mission="UNISFA", category="ipo")
    deploy(testing.person(org), troops[0], D(2022, 6, 1), state=State.DEPLOYED)
    deploy(testing.person(org), troops[1], D(2023, 1, 1), state=State.DEPLOYED)
    deploy(testing.person(org, sex="F"), troops[2], D(2023, 2, 1), state=State.DEPLOYED)
    deploy(testing.person(org), troops[3], D(2022, 1, 1), D(2023, 2, 28))
    deploy(testing.person(org, sex="F"), police[0], D(2022, 10, 1), state=State.DEPLOYED)
    police_org = mps["police"]
    for position in positions(police_org, 2, mission="UNMISS", category="fpu"):
        deploy(testing.person(police_org, sex="F"), position, D(2023, 1, 1), state=State.DEPLOYED)


def briefing_text(client, user, month: str = "2023-03") -> str:
    client.force_login(user)
    job = testing.job_started_by(client.post("/stats/briefing/", {"month": month}))
    response = testing.job_file(client, job)
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="briefing_{month}.pdf"' in response["Content-Disposition"]
    return pdf_text(response.content)


def test_the_briefing_reads_back_our_figures_and_our_un_rank_of_the_month(client, viewer, figures):
    make_month(MARCH, UN_TOTALS)

    text = briefing_text(client, viewer)

    assert "Peacekeeping briefing, 03/2023" in text
    assert "as of 2023-03-31" in text
    assert "Deployed 4 " in text
    assert "Of whom women 2 " in text
    assert "UN rank 12 / 12" in text
    assert "UN total 250" in text
    assert "UN women 40" in text
    assert "UNISFA 0 1 1" in text
    assert "UNMISS 2 1 3" in text
    # The top 10 and then our row; the 11th country is left out.
    assert "1 Bangladesh 6000 300" in text
    assert "10 Senegal 1500 40" in text
    assert "Morocco" not in text
    assert "12 Viet Nam 250 40" in text
    # Dispatched per year up to the briefing's year: 2022 (3 people), 2023 (2 people).
    assert "2022 3 3 3" in text
    assert "2023 2 2 5" in text


def test_the_briefing_shows_the_womens_share_of_the_year_against_the_target(
    client, viewer, figures
):
    text = briefing_text(client, viewer)

    # A person counts in the year of arrival: two troops arrived in 2023, one a woman; the
    # UN's target for troops in 2023 is not confirmed, so none is shown.
    assert "Troops (contingent) 2 1 50.0 % —" in text
    assert "No UN report is imported for this month." in text
    assert "UN rank" not in text


def test_a_month_before_someone_arrived_leaves_them_out(client, viewer, figures):
    text = briefing_text(client, viewer, "2022-12")

    # In the field on 31 December 2022: the man since June and the man home in February
    # 2023 (UNMISS), the police officer (UNISFA).
    assert "Deployed 3 " in text
    assert "Of whom women 1 " in text
    assert "2023 " not in text.split("Dispatched per year")[1]


def test_the_workbook_reads_back_every_table_and_the_latest_ranking(client, viewer, figures):
    make_month(D(2023, 2, 1), {"BGD": (10, 1)})
    make_month(MARCH, UN_TOTALS)
    client.force_login(viewer)

    job = testing.job_started_by(client.post("/stats/statistics.xlsx"))

    assert "The statistics workbook of" in job.message
    response = testing.job_file(client, job)
    assert response["Content-Disposition"].startswith('attachment; filename="statistics_')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Deployed now",
        "Dispatched per year",
        "Women share vs target",
        "Reimbursement by month",
        "Medals due",
        "UN ranking",
    ]
    rows = lambda title: [list(r) for r in book[title].iter_rows(values_only=True)]  # noqa: E731
    deployed = rows("Deployed now")
    assert deployed[0] == ["mission", "category", "men", "women", "total"]
    # Today everyone still marked deployed is in the field (their end is 2099).
    assert deployed[1:] == [["UNISFA", "ipo", 0, 1, 1], ["UNMISS", "troops", 2, 1, 3]]
    dispatched = rows("Dispatched per year")
    assert dispatched[1:] == [[2022, 3, 3, 3, 3, 3], [2023, 2, 2, 2, 5, 5]]
    women = rows("Women share vs target")
    assert women[0][:4] == ["year", "category", "people", "women"]
    assert ["2023", "troops", 2, 1] == [str(women[-1][0]), *women[-1][1:4]]
    assert rows("Reimbursement by month")[1][0] == "2022-01"
    assert rows("Medals due")[1:] == [["UNISFA", 90, 1, 1], ["UNMISS", 90, 4, 4]]
    ranking = rows("UN ranking")
    assert ranking[0][:2] == ["month", "2023-03"]
    assert ranking[2] == ["rank", "country", "total", "female", "countries"]
    assert ranking[3] == [1, "Bangladesh", 6000, 300, 12]
    assert ranking[-1] == [12, "Viet Nam", 250, 40, 12]


def test_the_other_ministrys_deployments_are_counted_only_for_it(
    client, viewer, police_officer_user, figures
):
    assert "Deployed 4 " in briefing_text(client, viewer)
    theirs = briefing_text(client, police_officer_user)
    assert "Deployed 2 " in theirs
    assert "Of whom women 2 " in theirs
    response = testing.job_file(
        client, testing.job_started_by(client.post("/stats/statistics.xlsx"))
    )
    deployed = list(load_workbook(io.BytesIO(response.content))["Deployed now"].values)
    assert deployed[1:] == [("UNMISS", "fpu", 0, 2, 2)]


@pytest.mark.parametrize("url", ["/stats/briefing/2023-03.pdf", "/stats/statistics.xlsx"])
def test_it_refuses_a_user_who_may_not_view_deployments(client, db, url):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("stranger", password="pass-word-42"))

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()


def test_the_national_page_offers_the_briefing_of_the_latest_month_and_the_workbook(client, viewer):
    make_month(MARCH, {"VNM": (250, 40)})
    client.force_login(viewer)

    text = client.get("/stats/national/").content.decode()

    assert 'action="/stats/briefing/"' in text
    assert 'name="month" value="2023-03"' in text
    assert 'action="/stats/statistics.xlsx"' in text
    job = testing.job_started_by(client.post("/stats/briefing/", {"month": "2023-03"}))
    assert job.title == "Briefing for 2023-03 (PDF)"
    assert job.owner == viewer
    # A bookmark of the old address leads to the page with the picker.
    assert client.get("/stats/briefing/2023-03.pdf")["Location"] == "/stats/national/"


@pytest.mark.parametrize(
    "month",
    # Year 0 and digits of other scripts used to reach datetime.date() and fail there (500).
    ["2023-13", "2999-01", "0000-01", "٢٠٢٣-٠١", "soon"],
)
def test_a_malformed_or_future_month_in_the_address_starts_nothing(client, viewer, month):
    client.force_login(viewer)

    response = client.post(f"/stats/briefing/{month}.pdf")

    assert response.status_code == 302 and response["Location"] == "/stats/national/"
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("month", "reason"),
    [
        ("0000-01", "Give the month as YYYY-MM"),
        ("2023-13", "Give the month as YYYY-MM"),
        ("soon", "Give the month as YYYY-MM"),
        ("2999-01", "There is no briefing for a month still to come."),
    ],
)
def test_the_month_picker_sends_a_month_without_briefing_back_with_the_reason(
    client, viewer, month, reason
):
    client.force_login(viewer)

    response = client.post("/stats/briefing/", {"month": month}, follow=True)

    assert response.redirect_chain == [("/stats/national/", 302)]
    assert reason in response.content.decode()

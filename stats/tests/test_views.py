"""The statistics pages: upload, ranking, a country's history, system-wide figures."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import testing
from stats.countries import ensure_countries
from stats.models import Country, UNContribution, UNReport
from stats.tests.conftest import stats_user
from stats.tests.test_ranking import make_month

pytestmark = pytest.mark.django_db

VIEW = ("view_unreport", "view_uncontribution", "view_country")


@pytest.fixture
def analyst(db):
    return stats_user("analyst", *VIEW)


@pytest.fixture
def importer(db):
    return stats_user("importer", *VIEW, "import_unreport")


def thirty_countries(months: int = 1) -> list[str]:
    """`months` months of figures for 30 countries, Viet Nam among them."""
    ensure_countries()
    iso3s = list(
        Country.objects.exclude(iso3="VNM").order_by("iso3").values_list("iso3", flat=True)[:29]
    )
    iso3s.append("VNM")
    for offset in range(months):
        month = datetime.date(2020 + offset // 12, 1 + offset % 12, 1)
        make_month(month, {iso3: (100 + index, index) for index, iso3 in enumerate(iso3s)})
    return iso3s


def test_the_upload_imports_a_file_in_the_background_and_lists_it(client, importer, un_pdf):
    client.force_login(importer)
    upload = SimpleUploadedFile(
        "UN_country_contributions_2021_02.pdf", un_pdf("2021_02").read_bytes()
    )

    job = testing.job_started_by(client.post(reverse("stats:un_report_list"), {"files": [upload]}))

    assert UNReport.objects.get().imported_by == importer
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 files: 1 imported." in page
    assert "UN_country_contributions_2021_02.pdf: imported" in page
    assert f'href="{reverse("stats:un_report_list")}"' in page
    listed = client.get(reverse("stats:un_report_list")).content.decode()
    assert "2021-02" in listed and "81033" in listed and "importer" in listed


def test_an_upload_shows_each_refused_file_with_its_reason_and_imports_the_others(
    client, importer, un_pdf
):
    client.force_login(importer)
    files = [
        SimpleUploadedFile("UN_country_contributions_2019_10.pdf", un_pdf("2019_10").read_bytes()),
        SimpleUploadedFile("budget.pdf", b"PK\x03\x04 a spreadsheet"),
        SimpleUploadedFile("UN_country_contributions_2021_01.pdf", un_pdf("2021_01").read_bytes()),
    ]

    job = testing.job_started_by(client.post(reverse("stats:un_report_list"), {"files": files}))
    page = client.get(job.get_absolute_url()).content.decode()

    assert job.state == "done"
    assert "3 files: 1 imported, 2 refused." in page
    assert "UN_country_contributions_2019_10.pdf: refused" in page
    assert "prints no &#x27;as of&#x27; date" in page
    assert "budget.pdf: refused — not a PDF file" in page
    # The refused come first: they are what the user must act on.
    assert page.index("budget.pdf") < page.index("UN_country_contributions_2021_01.pdf: imported")
    assert list(UNReport.objects.values_list("month", flat=True)) == [datetime.date(2021, 1, 1)]


def test_another_user_cannot_open_the_upload_job(client, importer, viewer, un_pdf):
    client.force_login(importer)
    upload = SimpleUploadedFile("UN_country_contributions_2021_02.pdf", b"%PDF-1.4 nothing")
    job = testing.job_started_by(client.post(reverse("stats:un_report_list"), {"files": [upload]}))

    client.force_login(viewer)

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404


def test_a_viewer_cannot_upload(client, viewer, un_pdf):
    client.force_login(viewer)
    upload = SimpleUploadedFile(
        "UN_country_contributions_2021_02.pdf", un_pdf("2021_02").read_bytes()
    )

    response = client.post(reverse("stats:un_report_list"), {"files": [upload]})

    assert response.status_code == 403
    assert not UNReport.objects.exists()
    assert 'type="file"' not in client.get(reverse("stats:un_report_list")).content.decode()


def test_signing_in_is_required(client):
    for name in ("stats:un_report_list", "stats:un_ranking", "stats:un_system"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_report_list_does_not_query_per_report(client, analyst, django_assert_max_num_queries):
    thirty_countries(months=30)
    client.force_login(analyst)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("stats:un_report_list"))
    assert response.content.decode().count("<tr") == 31


def test_the_ranking_page_ranks_a_month_and_highlights_our_country(
    client, analyst, django_assert_max_num_queries
):
    thirty_countries()
    client.force_login(analyst)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("stats:un_ranking"), {"month": "2020-01"})

    page = response.content.decode()
    assert page.count('href="/stats/un/country/') == 30
    own = page.split('data-own="true"')[1].split("</tr>")[0]
    assert ">1<" in own and "Viet Nam" in own and "129" in own


def test_the_ranking_downloads_as_csv(client, analyst):
    thirty_countries()
    client.force_login(analyst)

    response = client.get(reverse("stats:un_ranking"), {"month": "2020-01", "export": "csv"})

    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "rank,country,total,female,countries"
    assert lines[1] == "1,Viet Nam,129,29,30"
    assert len(lines) == 31


@pytest.mark.parametrize("month", ["0000-01", "2020-13", "٢٠٢٠-٠١", "January"])
def test_the_ranking_refuses_a_month_it_cannot_read_with_a_message(client, analyst, month):
    thirty_countries()
    client.force_login(analyst)

    response = client.get(
        reverse("stats:un_ranking"), {"month": month, "category": "troops", "export": "csv"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-month">Give the month as YYYY-MM' in page
    # The newest month is shown instead, with the category that was valid; never as a file
    # named after the refused month.
    assert "January 2020 (Troops)" in page
    assert response["Content-Type"].startswith("text/html")


def test_the_ranking_says_when_a_month_is_not_imported(client, analyst):
    thirty_countries()
    client.force_login(analyst)
    page = client.get(reverse("stats:un_ranking"), {"month": "2019-05"}).content.decode()
    assert "No UN report is imported for 2019-05" in page


def test_a_country_page_shows_its_rank_and_total_over_time(
    client, analyst, django_assert_max_num_queries
):
    thirty_countries(months=30)
    client.force_login(analyst)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("stats:un_country", args=["vnm"]))

    page = response.content.decode()
    assert "Viet Nam" in page and page.count("?month=") == 30
    csv_lines = (
        client.get(reverse("stats:un_country", args=["VNM"]), {"export": "csv"})
        .content.decode()
        .splitlines()
    )
    assert csv_lines[0] == "month,rank,total,female,countries"
    assert csv_lines[1] == "2022-06,1,129,29,30"


def test_an_unknown_country_is_not_found(client, analyst):
    thirty_countries()
    client.force_login(analyst)
    assert client.get(reverse("stats:un_country", args=["XXX"])).status_code == 404


@pytest.mark.parametrize("iso3", ["%00", "V%00N", "VNMX", "V²M"])
def test_a_country_code_that_is_not_three_letters_is_not_found(client, analyst, iso3):
    # A NUL character used to reach the database, where PostgreSQL fails on it (a 500).
    thirty_countries()
    client.force_login(analyst)

    assert client.get(f"/stats/un/country/{iso3}/").status_code == 404


def test_a_user_without_the_statistics_permission_sees_no_figures(client, viewer):
    from django.contrib.auth.models import Group, Permission

    from core.roles import VIEWER

    thirty_countries()
    # Viewers read the UN figures by default; an administrator may take that away.
    Group.objects.get(name=VIEWER).permissions.remove(
        *Permission.objects.filter(content_type__app_label="stats")
    )
    client.force_login(viewer)
    assert client.get(reverse("stats:un_country", args=["VNM"])).status_code == 404
    assert (
        "Viet Nam"
        not in client.get(reverse("stats:un_ranking"), {"month": "2020-01"}).content.decode()
    )


def test_the_system_page_gives_the_fpu_share_of_un_police(
    client, analyst, django_assert_max_num_queries
):
    report = make_month(datetime.date(2021, 3, 1), {"BGD": (300, 30)}, category="fpu")
    UNContribution.objects.create(
        report=report,
        month=report.month,
        mission="UNMISS",
        country=Country.objects.get(iso3="VNM"),
        personnel_type="individual_police",
        male=90,
        female=10,
        total=100,
    )
    client.force_login(analyst)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("stats:un_system")).content.decode()

    assert "75.0 %" in page  # 300 FPU among 400 police

"""Importing reports into the database: one transaction, one month, nothing half stored."""

from __future__ import annotations

import datetime
import io
import shutil

import pytest
from django.core.management import call_command
from django.db.models import Sum

from stats.countries import ensure_countries
from stats.imports import ALREADY_IMPORTED, IMPORTED, REFUSED, REPLACED, import_report
from stats.models import Country, UNContribution, UNReport

pytestmark = pytest.mark.django_db


def test_it_stores_a_report_whose_figures_add_up_to_its_grand_total(un_pdf):
    result = import_report(un_pdf("2021_02"))

    assert result.status == IMPORTED
    report = UNReport.objects.get()
    assert (report.month, report.as_of) == (datetime.date(2021, 2, 1), datetime.date(2021, 2, 28))
    assert report.printed_total == 81033
    stored = UNContribution.objects.aggregate(total=Sum("total"), female=Sum("female"))
    assert stored == {"total": 81033, "female": 5778}
    viet_nam = UNContribution.objects.filter(country__iso3="VNM", mission="UNMISS")
    assert viet_nam.exists()


def test_it_normalises_the_uns_changing_spellings_of_a_country(un_pdf):
    import_report(un_pdf("2016_12"))  # "Viet Nam", "Turkey"
    import_report(un_pdf("2024_10"))  # "Turkiye", cut "United Republic of" / "Tanzania"

    turkey = Country.objects.get(iso3="TUR")
    assert turkey.name == "Türkiye"
    assert set(turkey.contributions.values_list("month", flat=True)) == {
        datetime.date(2016, 12, 1),
        datetime.date(2024, 10, 1),
    }
    assert UNContribution.objects.filter(country__iso3="TZA", month="2024-10-01").exists()


def test_importing_the_same_file_again_changes_nothing(un_pdf):
    first = import_report(un_pdf("2021_02"))
    rows = list(UNContribution.objects.order_by("pk").values_list("pk", "total"))

    again = import_report(un_pdf("2021_02"))

    assert again.status == ALREADY_IMPORTED
    assert again.report.pk == first.report.pk
    assert list(UNContribution.objects.order_by("pk").values_list("pk", "total")) == rows


def test_a_different_file_of_an_imported_month_replaces_that_month(un_pdf, tmp_path):
    import_report(un_pdf("2021_02"))
    other = tmp_path / "February 2021 (resent).pdf"
    # The same report sent again with a trailing comment: another file, the same month.
    other.write_bytes(un_pdf("2021_02").read_bytes() + b"\n% resent\n")

    result = import_report(other)

    assert result.status == REPLACED
    assert result.replaced_file == "UN_country_contributions_2021_02.pdf"
    report = UNReport.objects.get()
    assert report.file_name == "February 2021 (resent).pdf"
    assert UNContribution.objects.filter(report=report).aggregate(t=Sum("total"))["t"] == 81033
    assert UNContribution.objects.exclude(report=report).count() == 0


def test_a_refused_file_leaves_the_month_already_imported_untouched(un_pdf, tmp_path):
    import_report(un_pdf("2021_02"))
    before = UNContribution.objects.count()
    damaged = tmp_path / "UN_country_contributions_2021_02_cut.pdf"
    content = un_pdf("2021_02").read_bytes()
    damaged.write_bytes(content[: len(content) // 2])

    result = import_report(damaged)

    assert result.status == REFUSED
    assert result.file == "UN_country_contributions_2021_02_cut.pdf"
    assert UNReport.objects.get().file_name == "UN_country_contributions_2021_02.pdf"
    assert UNContribution.objects.count() == before


def test_it_refuses_a_report_naming_a_country_it_does_not_know(un_pdf):
    ensure_countries()
    Country.objects.filter(iso3="VNM").delete()

    result = import_report(un_pdf("2021_02"))

    assert result.status == REFUSED
    assert "Viet Nam" in result.message
    assert not UNReport.objects.exists()


def test_the_command_imports_a_folder_and_sums_up_what_it_did(un_pdf, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for month in ("2015_03", "2015_04", "2019_10"):
        shutil.copy(un_pdf(month), folder)
    (folder / "notes.pdf").write_bytes(b"not a pdf at all")
    out = io.StringIO()

    call_command("import_un_reports", str(folder), stdout=out)

    text = out.getvalue()
    assert "[1/4] UN_country_contributions_2015_03.pdf: imported" in text
    assert "[2/4] UN_country_contributions_2015_04.pdf: already imported" in text
    assert "imported: 1" in text and "already imported: 1" in text and "refused: 2" in text
    assert "UN_country_contributions_2019_10.pdf: the report prints no 'as of' date" in text
    assert "notes.pdf: not a PDF" in text
    assert (
        "2015-04: UN_country_contributions_2015_03.pdf, UN_country_contributions_2015_04.pdf"
        in text
    )
    assert UNReport.objects.get().month == datetime.date(2015, 4, 1)

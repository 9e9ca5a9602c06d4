"""Reading the real UN reports: every layout of the decade, and the files that are refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from stats.un_reports.errors import ReportRefused
from stats.un_reports.parse import parse_report
from stats.un_reports.reconcile import reconcile

# One file per layout and per change inside a layout: (file, layout, as of, grand total).
SAMPLES = [
    ("2015_01", "summary-by-country-2015", datetime.date(2015, 1, 31), 104496),
    ("2015_02", "summary-by-country-2015", datetime.date(2015, 2, 28), 104928),
    ("2016_11", "country-mission-detail-2016", datetime.date(2016, 11, 30), 100851),
    ("2016_12", "summary-by-country-2015", datetime.date(2016, 12, 31), None),
    ("2017_05", "country-mission-post-2017", datetime.date(2017, 5, 31), 96617),
    ("2017_10", "country-mission-post-2017", datetime.date(2017, 10, 31), 92506),
    ("2018_02", "country-mission-post-2017", datetime.date(2018, 2, 28), 91544),
    ("2018_03", "country-post-2018", datetime.date(2018, 3, 31), 91058),
    ("2018_05", "country-post-2018", datetime.date(2018, 5, 31), None),
    ("2019_09", "flat-rows-2019", datetime.date(2019, 9, 30), None),
    ("2019_11", "mission-country-post-2019", datetime.date(2019, 11, 30), None),
    ("2019_12", "mission-country-description-2019", datetime.date(2019, 12, 31), 83331),
    ("2020_02", "mission-contributor-2020", datetime.date(2020, 2, 29), 83268),
    ("2021_01", "mission-contributor-2020", datetime.date(2021, 1, 31), 81932),
    ("2021_02", "mission-country-type-2021", datetime.date(2021, 2, 28), 81033),
    ("2022_09", "mission-country-type-2021", datetime.date(2022, 9, 30), 75224),
    ("2022_10", "mission-country-type-2021", datetime.date(2022, 10, 31), 75270),
    ("2023_09", "country-type-matrix-2023", datetime.date(2023, 9, 30), 72631),
    ("2024_10", "flat-rows-report-date-2024", datetime.date(2024, 10, 31), None),
    ("2025_07", "mission-country-type-2021", datetime.date(2025, 7, 31), None),
]


@pytest.mark.parametrize(("month", "layout", "as_of", "grand_total"), SAMPLES)
def test_it_reads_every_layout_and_reproduces_the_printed_totals(
    un_pdf, month, layout, as_of, grand_total
):
    report = parse_report(un_pdf(month))

    assert report.layout == layout
    assert report.as_of == as_of
    assert reconcile(report) == []
    if grand_total is not None:
        assert sum(row.total for row in report.rows) == grand_total


def test_it_reads_the_date_inside_the_file_not_its_name(un_pdf):
    # Published as "2020_06", the file is the report of June 2022.
    assert parse_report(un_pdf("2020_06")).as_of == datetime.date(2022, 6, 30)


def test_it_assigns_centred_country_names_to_their_lines(un_pdf):
    report = parse_report(un_pdf("2021_02"))
    ghana = {
        (r.personnel_type, r.total)
        for r in report.rows
        if r.mission == "MINURSO" and r.country == "Ghana"
    }
    assert ghana == {("experts", 9), ("individual_police", 0), ("staff_officer", 7)}


def test_it_keeps_the_parts_of_a_wrapped_country_name_together(un_pdf):
    names = {row.country for row in parse_report(un_pdf("2024_10")).rows}
    assert "United Republic of Tanzania" in names
    assert not any(name.startswith(" ") or name.endswith(" of") for name in names)


def test_it_gives_no_gender_where_the_report_gives_none(un_pdf):
    report = parse_report(un_pdf("2023_09"))
    assert not report.has_gender
    assert all(row.male is None and row.female is None for row in report.rows)


def test_it_refuses_a_report_that_prints_no_date(un_pdf):
    with pytest.raises(ReportRefused, match="prints no 'as of' date"):
        parse_report(un_pdf("2019_10"))


def test_it_refuses_a_file_that_is_not_a_pdf():
    with pytest.raises(ReportRefused, match="not a PDF") as refused:
        parse_report(b"Month,Country,Total\n2021-01,Viet Nam,189\n", "figures.csv")
    assert refused.value.file == "figures.csv"


def test_it_refuses_a_damaged_pdf(un_pdf, tmp_path: Path):
    damaged = tmp_path / "damaged.pdf"
    content = un_pdf("2021_01").read_bytes()
    damaged.write_bytes(content[: len(content) // 3])

    with pytest.raises(ReportRefused) as refused:
        parse_report(damaged)
    assert refused.value.file == "damaged.pdf"


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing `text`, written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_it_refuses_a_pdf_that_is_not_a_un_report():
    with pytest.raises(ReportRefused, match="not a UN report") as refused:
        parse_report(minimal_pdf("Invoice 2021-117: three boxes of paper"), "invoice.pdf")
    assert "Invoice 2021-117" in refused.value.reason


def test_it_refuses_a_report_of_an_unknown_layout():
    with pytest.raises(ReportRefused, match="unknown report layout"):
        parse_report(minimal_pdf("Contribution of Uniformed Personnel to UN by Region"), "new.pdf")


def test_reconciliation_names_a_total_that_the_lines_do_not_reach(un_pdf):
    report = parse_report(un_pdf("2021_02"))
    row = next(
        r for r in report.rows if r.country == "Ghana" and r.personnel_type == "staff_officer"
    )
    row.male += 1
    row.total += 1

    problems = reconcile(report)

    assert any("Total MINURSO" in problem and "male printed" in problem for problem in problems)
    assert any(problem.startswith("Grand Total") for problem in problems)


def test_reconciliation_refuses_a_line_whose_genders_do_not_add_up(un_pdf):
    report = parse_report(un_pdf("2017_05"))
    report.rows[0].female += 1
    assert any("is not the printed total" in problem for problem in reconcile(report))


def test_every_report_of_the_decade_is_read_or_refused_with_its_reason(un_data):
    files = sorted((un_data / "pdf").glob("*.pdf"))
    refused = {}
    for path in files:
        try:
            parse_report(path)
        except ReportRefused as error:
            refused[path.name] = error.reason
    assert len(files) == 126
    assert list(refused) == ["UN_country_contributions_2019_10.pdf"]

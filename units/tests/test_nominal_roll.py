"""A rotation's nominal roll for the UN, as Excel and PDF: columns, figures, scope, queries."""

import datetime
import io

import pypdfium2
import pytest
from openpyxl import load_workbook

from core import testing
from deployments.models import Deployment
from people.models import Passport
from units.nominal_roll import HEADINGS, TABLE_ROW

DEPARTURE = datetime.date(2022, 4, 27)


def deploy(person, position, state="deployed", **extra):
    rotation = position.rotation
    values = {"starts_on": rotation.planned_departure, "ends_on": rotation.planned_return}
    values.update(extra)
    return Deployment.objects.create(person=person, position=position, state=state, **values)


def passport(person, number, issued, expires):
    return Passport.objects.create(
        person=person, number=number, issued_on=issued, expires_on=expires
    )


@pytest.fixture
def rotation(mod):
    kind = testing.unit_type("l2-roll", positions=5, name="Level-2 Field Hospital")
    return testing.rotation(
        mod["hospital"], number=4, unit_type=kind, target_strength=5, target_women_share=20
    )


@pytest.fixture
def filled(mod, rotation):
    """Five positions: deployed, repatriated, withdrawn (a gap), replaced, nominated."""
    positions = {p.number: p for p in rotation.positions.all()}
    surgeon = testing.specialty("surgeon", "Surgeon")
    captain = testing.rank("army", "Captain", 12)
    huong = testing.person(
        mod["hospital"],
        "Nguyễn Thị Hương",
        sex="F",
        rank=captain,
        specialty=surgeon,
        date_of_birth=datetime.date(1988, 3, 9),
        service_number="QD0001",
    )
    passport(huong, "B1000001", datetime.date(2011, 1, 1), datetime.date(2021, 1, 1))  # expired
    passport(huong, "C2000002", datetime.date(2020, 6, 1), datetime.date(2030, 6, 1))
    passport(huong, "C3000003", datetime.date(2022, 5, 1), datetime.date(2032, 5, 1))  # too late
    deploy(huong, positions[1], arrived_on=datetime.date(2022, 4, 29))
    binh = testing.person(mod["hospital"], "Trần Văn Bình", service_number="QD0002")
    deploy(binh, positions[2], "repatriated", returned_on=datetime.date(2023, 7, 9))
    withdrawn = testing.person(mod["hospital"], "Lê Văn Công")
    deploy(withdrawn, positions[3], "withdrawn", withdrawal_reason="Medical")
    early = testing.person(mod["hospital"], "Võ Văn Sớm")
    deploy(
        early,
        positions[4],
        "repatriated",
        ends_on=datetime.date(2022, 10, 1),
        returned_on=datetime.date(2022, 10, 1),
    )
    late = testing.person(mod["hospital"], "Phạm Văn Thay")
    deploy(late, positions[4], starts_on=datetime.date(2022, 10, 2))
    nominated = testing.person(mod["hospital"], "Đặng Thị Lan", sex="F")
    deploy(nominated, positions[5], "nominated")
    return rotation


def excel_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    heading = [cell.value for cell in sheet[TABLE_ROW]]
    rows = [list(r) for r in sheet.iter_rows(min_row=TABLE_ROW + 1, values_only=True)]
    top = [sheet.cell(row=n, column=1).value for n in range(1, TABLE_ROW)]
    return heading, rows, top


def pdf_text(content):
    document = pypdfium2.PdfDocument(content)
    pages = [document[n] for n in range(len(document))]
    return pages, "\n".join(page.get_textpage().get_text_range() for page in pages)


def test_the_excel_roll_has_the_un_columns_for_each_filled_position(client, planner, filled):
    client.force_login(planner)
    response = client.get(f"/units/rotations/{filled.pk}/nominal-roll.xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="nominal-roll-unmiss-level-2-field-hospital-rotation-4.xlsx"'
    )
    heading, rows, top = excel_rows(response.content)
    assert heading == [str(h) for h in HEADINGS]
    assert rows[0] == [
        1,
        "NGUYEN THI HUONG",
        "Captain",
        "QD0001",
        "F",
        datetime.datetime(1988, 3, 9),
        "Viet Nam",
        "C2000002",  # the latest passport valid on departure
        datetime.datetime(2030, 6, 1),
        "Role 1",
        "Surgeon",
        datetime.datetime(2022, 4, 29),  # the recorded arrival
    ]
    # Repatriated: still on the roll, arriving with the rotation; no passport on record.
    assert rows[1][:2] == [2, "TRAN VAN BINH"] and rows[1][7:] == [
        None,
        None,
        "Role 2",
        None,
        datetime.datetime(2022, 4, 27),
    ]
    # Position 3 was withdrawn (a gap); position 4 lists the replacement, not the one who left.
    assert [(r[0], r[1]) for r in rows[2:]] == [(4, "PHAM VAN THAY"), (5, "DANG THI LAN")]
    assert "Mission: UNMISS" in top[1]
    assert top[4] == "Strength: 4 of 5 · Women: 2 (50.0%)"


def test_the_pdf_roll_is_a4_landscape_with_the_rotation_heading(client, planner, filled):
    client.force_login(planner)
    response = client.get(f"/units/rotations/{filled.pk}/nominal-roll.pdf")
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    width, height = pages[0].get_size()
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert "Nominal roll: Level-2 Field Hospital Rotation 4" in text
    assert "Departure: 2022-04-27 · Return: 2023-07-09" in text
    assert "Strength: 4 of 5 · Women: 2 (50.0%)" in text
    for expected in ["NGUYEN THI HUONG", "C2000002", "2030-06-01", "2022-04-29", "DANG THI LAN"]:
        assert expected in text
    assert "LE VAN CONG" not in text and "VO VAN SOM" not in text


def test_it_names_no_one_from_outside_the_users_scope(client, mod, mps, planner, rotation):
    police = testing.person(mps["police"], "Võ Thị Sáu", sex="F", service_number="CA0001")
    passport(police, "P9999999", datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))
    deploy(police, rotation.positions.get(number=1))
    client.force_login(planner)
    heading, rows, top = excel_rows(
        client.get(f"/units/rotations/{rotation.pk}/nominal-roll.xlsx").content
    )
    assert rows == [
        [1, "Filled from an organisation outside your access"]
        + [None] * 7
        + ["Role 1"]
        + [None, None]
    ]
    assert top[4] == "Strength: 1 of 5 · Women: 1 (100.0%)"
    _, text = pdf_text(client.get(f"/units/rotations/{rotation.pk}/nominal-roll.pdf").content)
    assert "VO THI SAU" not in text and "P9999999" not in text


def test_a_rotation_outside_scope_is_not_found(client, police_officer_user, rotation):
    client.force_login(police_officer_user)
    for fmt in ("xlsx", "pdf"):
        assert client.get(f"/units/rotations/{rotation.pk}/nominal-roll.{fmt}").status_code == 404


def test_an_unknown_format_is_not_found(client, planner, rotation):
    client.force_login(planner)
    assert client.get(f"/units/rotations/{rotation.pk}/nominal-roll.docx").status_code == 404


def test_text_that_starts_like_a_formula_stays_text(client, mod, planner, rotation):
    person = testing.person(mod["hospital"], "Formula", latin_name='=HYPERLINK("http://x")')
    deploy(person, rotation.positions.get(number=1))
    client.force_login(planner)
    content = client.get(f"/units/rotations/{rotation.pk}/nominal-roll.xlsx").content
    cell = load_workbook(io.BytesIO(content)).active.cell(row=TABLE_ROW + 1, column=2)
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("count", [30, 60])
def test_it_builds_the_roll_in_a_bounded_number_of_queries(
    client, mod, planner, django_assert_max_num_queries, count
):
    kind = testing.unit_type(f"company-{count}", positions=count, name="Engineering Company")
    rotation = testing.rotation(mod["hospital"], unit_type=kind, target_strength=count)
    for position in rotation.positions.all():
        person = testing.person(mod["hospital"], f"Người {position.number}", rank=testing.rank())
        passport(person, f"C{count}{position.number:04d}", DEPARTURE, DEPARTURE.replace(2032))
        deploy(person, position)
    client.force_login(planner)
    # Session, user, rotation, roll, who may be named, strength, permission look-ups, and the
    # access log's entry.
    with django_assert_max_num_queries(10):
        response = client.get(f"/units/rotations/{rotation.pk}/nominal-roll.xlsx")
    assert len(excel_rows(response.content)[1]) == count


def test_the_rotation_page_offers_both_rolls(client, planner, rotation):
    client.force_login(planner)
    html = client.get(f"/units/rotations/{rotation.pk}/").content.decode()
    assert f"/units/rotations/{rotation.pk}/nominal-roll.xlsx" in html
    assert f"/units/rotations/{rotation.pk}/nominal-roll.pdf" in html

"""The people list: filters, sorting, paging and exports, in a bounded number of queries."""

import csv
import datetime
import io

import pytest

from core import testing
from people.models import PersonLanguage
from people.tests.builders import deploy, people_with_documents

# Session, user, permissions, memberships, the page's own count and rows, the filter's choices
# (organisations, ranks, specialties, languages) and the base template's groups: never per row.
LIST_QUERIES = 14


def shown(response):
    return [row.record.full_name for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("count", [30, 60])
def test_it_lists_people_with_documents_in_a_bounded_number_of_queries(
    client, mod, personnel_officer, django_assert_max_num_queries, count
):
    people_with_documents(mod["hospital"], count)
    client.force_login(personnel_officer)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/people/", {"sort": "rank"})
    assert response.status_code == 200
    assert response.context["table"].paginator.count == count


@pytest.mark.parametrize("count", [30, 60])
def test_it_exports_every_filtered_row_in_a_bounded_number_of_queries(
    client, mod, personnel_officer, django_assert_max_num_queries, count
):
    people_with_documents(mod["hospital"], count)
    client.force_login(personnel_officer)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/people/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == count + 1


def test_it_filters_by_organisation_and_everything_below_it(client, mod, personnel_officer):
    testing.person(mod["hospital"], "Trần Thị Mai")
    testing.person(mod["department"], "Lê Văn Công")
    client.force_login(personnel_officer)
    assert shown(client.get("/people/", {"organisation": mod["hospital"].pk})) == ["Trần Thị Mai"]
    assert len(shown(client.get("/people/", {"organisation": mod["department"].pk}))) == 2


def test_it_filters_by_sex_service_rank_and_specialty(client, mod, personnel_officer):
    captain = testing.rank("army", "Captain", 12)
    major = testing.rank("army", "Major", 13)
    surgeon = testing.specialty("surgeon", "Surgeon")
    testing.person(mod["hospital"], "Trần Thị Mai", sex="F", rank=captain, specialty=surgeon)
    testing.person(mod["hospital"], "Lê Văn Công", sex="M", rank=major)
    testing.person(mod["hospital"], "Võ Thị Sáu", sex="F", service="police")
    client.force_login(personnel_officer)
    assert sorted(shown(client.get("/people/", {"sex": "F"}))) == ["Trần Thị Mai", "Võ Thị Sáu"]
    assert shown(client.get("/people/", {"service": "police"})) == ["Võ Thị Sáu"]
    assert shown(client.get("/people/", {"rank": major.pk})) == ["Lê Văn Công"]
    assert shown(client.get("/people/", {"specialty": surgeon.pk})) == ["Trần Thị Mai"]


def test_it_filters_by_language_at_a_minimum_level_of_the_same_skill(
    client, mod, personnel_officer
):
    english, french = testing.language("en", "English"), testing.language("fr", "French")
    fluent = testing.person(mod["hospital"], "Trần Thị Mai")
    beginner = testing.person(mod["hospital"], "Lê Văn Công")
    PersonLanguage.objects.create(person=fluent, language=english, level=4)  # B2
    PersonLanguage.objects.create(person=beginner, language=english, level=2)  # A2
    PersonLanguage.objects.create(person=beginner, language=french, level=5)  # C1
    client.force_login(personnel_officer)
    both = sorted(shown(client.get("/people/", {"language": english.pk})))
    assert both == ["Lê Văn Công", "Trần Thị Mai"]
    # B2 or above in English: the beginner's C1 French must not count for it.
    b2 = shown(client.get("/people/", {"language": english.pk, "language_level": 4}))
    assert b2 == ["Trần Thị Mai"]
    assert shown(client.get("/people/", {"language_level": 5})) == ["Lê Văn Công"]


def test_it_filters_people_currently_deployed(client, mod, personnel_officer):
    rotation = testing.rotation(mod["hospital"])
    away = testing.person(mod["hospital"], "Trần Thị Mai")
    testing.person(mod["hospital"], "Lê Văn Công")
    back = testing.person(mod["hospital"], "Võ Thị Sáu")
    deploy(away, rotation, 1)
    deploy(
        back,
        rotation,
        2,
        state="repatriated",
        starts_on=datetime.date(2022, 4, 27),
        ends_on=datetime.date(2023, 7, 9),
        returned_on=datetime.date(2023, 7, 9),
    )
    client.force_login(personnel_officer)
    assert shown(client.get("/people/", {"deployed": "yes"})) == ["Trần Thị Mai"]
    assert sorted(shown(client.get("/people/", {"deployed": "no"}))) == [
        "Lê Văn Công",
        "Võ Thị Sáu",
    ]


def test_it_sorts_by_rank_grade_not_by_rank_name(client, mod, personnel_officer):
    testing.person(mod["hospital"], "An Colonel", rank=testing.rank("army", "Colonel", 15))
    testing.person(mod["hospital"], "Binh Captain", rank=testing.rank("army", "Captain", 12))
    testing.person(mod["hospital"], "Cuong Major", rank=testing.rank("army", "Major", 13))
    client.force_login(personnel_officer)
    ascending = shown(client.get("/people/", {"sort": "rank"}))
    assert ascending == ["Binh Captain", "Cuong Major", "An Colonel"]
    assert shown(client.get("/people/", {"sort": "-rank"})) == ascending[::-1]


def test_it_sorts_by_date_of_birth(client, mod, personnel_officer):
    testing.person(mod["hospital"], "Young", date_of_birth=datetime.date(1999, 1, 1))
    testing.person(mod["hospital"], "Old", date_of_birth=datetime.date(1970, 1, 1))
    client.force_login(personnel_officer)
    assert shown(client.get("/people/", {"sort": "date_of_birth"})) == ["Old", "Young"]


def test_it_pages_a_long_list(client, mod, personnel_officer, settings):
    settings.PAGINATE_BY = 10
    for n in range(12):
        testing.person(mod["hospital"], f"Person {n:02d}")
    client.force_login(personnel_officer)
    assert len(shown(client.get("/people/"))) == 10
    assert shown(client.get("/people/", {"page": 2})) == ["Person 10", "Person 11"]


def test_the_export_holds_the_columns_of_a_nomination_spreadsheet(client, mod, personnel_officer):
    testing.person(mod["hospital"], "Nguyễn Thị Hương", rank=testing.rank(), service_number="X9")
    client.force_login(personnel_officer)
    response = client.get("/people/", {"export": "csv"})
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    record = dict(zip(header, row, strict=True))
    assert record["Name"] == "Nguyễn Thị Hương"
    assert record["Name in Latin letters"] == "NGUYEN THI HUONG"
    assert record["Service number"] == "X9"
    assert record["Grade"] == "OF-2"


def test_the_xlsx_export_is_a_spreadsheet(client, mod, personnel_officer):
    testing.person(mod["hospital"])
    client.force_login(personnel_officer)
    response = client.get("/people/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response.content[:2] == b"PK"

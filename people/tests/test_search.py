"""Finding a person the way officers type: without diacritics, in capitals, by number."""

import pytest

from core import testing


@pytest.fixture
def huong(mod):
    return testing.person(mod["hospital"], "Nguyễn Thị Hương", service_number="175-0420")


@pytest.fixture
def others(mod):
    return [
        testing.person(mod["hospital"], "Trần Văn Hùng"),
        testing.person(mod["hospital"], "Nguyễn Văn Hưng"),
    ]


def names(client, q):
    response = client.get("/people/", {"q": q})
    assert response.status_code == 200
    return [row.record.full_name for row in response.context["table"].page.object_list]


@pytest.mark.parametrize(
    "query", ["nguyen thi huong", "Nguyễn Thị Hương", "NGUYEN THI HUONG", "nguyễn thi huong"]
)
def test_it_finds_a_name_with_or_without_diacritics(
    client, personnel_officer, huong, others, query
):
    client.force_login(personnel_officer)
    assert names(client, query) == ["Nguyễn Thị Hương"]


def test_it_finds_every_nguyen_whether_typed_with_accents_or_in_capitals(
    client, personnel_officer, huong, others
):
    client.force_login(personnel_officer)
    assert sorted(names(client, "Nguyễn")) == ["Nguyễn Thị Hương", "Nguyễn Văn Hưng"]
    assert sorted(names(client, "NGUYEN")) == ["Nguyễn Thị Hương", "Nguyễn Văn Hưng"]


def test_it_finds_words_in_any_order_of_the_name(client, personnel_officer, huong, others):
    client.force_login(personnel_officer)
    assert names(client, "huong nguyen") == ["Nguyễn Thị Hương"]


def test_it_finds_a_person_by_service_number(client, personnel_officer, huong, others):
    client.force_login(personnel_officer)
    assert names(client, "175-0420") == ["Nguyễn Thị Hương"]


def test_it_finds_nobody_for_a_name_that_is_not_there(client, personnel_officer, huong):
    client.force_login(personnel_officer)
    assert names(client, "pham") == []

"""Adding and changing a person through the form."""

import pytest

from core import testing
from people.models import Person


def person_data(org, **extra):
    data = {
        "organisation": org.pk,
        "service_number": "175-0001",
        "full_name": "Nguyễn Thị Hương",
        "sex": "F",
        "date_of_birth": "1990-05-17",
        "service": "army",
        "service_start": "2010-09-01",
    }
    data.update(extra)
    return data


def test_a_personnel_officer_adds_a_person_and_sees_their_page(client, mod, personnel_officer):
    client.force_login(personnel_officer)
    response = client.post("/people/add/", person_data(mod["hospital"]))
    person = Person.objects.get()
    assert response.url == f"/people/{person.pk}/"
    assert person.latin_name == "NGUYEN THI HUONG"


def test_it_refuses_a_taken_service_number_on_the_field_and_saves_nothing(
    client, mod, personnel_officer
):
    testing.person(mod["hospital"], service_number="175-0001")
    client.force_login(personnel_officer)
    response = client.post("/people/add/", person_data(mod["hospital"]))
    assert response.status_code == 200
    assert response.context["form"].errors["service_number"] == [
        "Another person of this organisation has this service number."
    ]
    assert Person.objects.count() == 1


def test_it_refuses_a_rank_of_another_service_on_the_rank_field(client, mod, personnel_officer):
    police_rank = testing.rank("police", "Police Major", 13)
    client.force_login(personnel_officer)
    response = client.post("/people/add/", person_data(mod["hospital"], rank=police_rank.pk))
    assert "rank" in response.context["form"].errors
    assert 'data-field="rank"' in response.content.decode()
    assert not Person.objects.exists()


def test_it_offers_only_the_ranks_of_the_chosen_service(client, mod, personnel_officer):
    captain = testing.rank("army", "Captain", 12)
    police_major = testing.rank("police", "Police Major", 13)
    client.force_login(personnel_officer)
    form = client.get("/people/add/", {"service": "army"}).context["form"]
    offered = [value for value, _label in form.fields["rank"].choices if value]
    assert offered == [captain.pk]
    options = client.get("/people/ranks/", {"service": "police"}).content.decode()
    assert "Police Major" in options and "Captain (" not in options
    assert f'value="{police_major.pk}"' in options


@pytest.mark.parametrize("service", ["\x00", "army\x00", "marines"])
def test_a_service_that_does_not_exist_offers_no_rank(client, mod, personnel_officer, service):
    # A NUL character used to reach the database, where PostgreSQL fails on it (a 500).
    testing.rank("army", "Captain", 12)
    client.force_login(personnel_officer)

    form = client.get("/people/add/", {"service": service}).context["form"]
    options = client.get("/people/ranks/", {"service": service})

    assert [value for value, _label in form.fields["rank"].choices if value] == []
    assert options.status_code == 200 and "Captain" not in options.content.decode()


def test_it_offers_only_organisations_of_the_users_scope(client, mod, mps, personnel_officer):
    client.force_login(personnel_officer)
    form = client.get("/people/add/").context["form"]
    offered = set(form.fields["organisation"].queryset)
    assert offered == {mod["department"], mod["hospital"]}


def test_it_refuses_to_put_a_person_in_an_organisation_out_of_scope(
    client, mod, mps, personnel_officer
):
    client.force_login(personnel_officer)
    response = client.post("/people/add/", person_data(mps["police"]))
    assert "organisation" in response.context["form"].errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("field", ["date_of_birth", "service_start"])
def test_it_refuses_dates_in_the_future_on_their_field(client, mod, personnel_officer, field):
    client.force_login(personnel_officer)
    response = client.post("/people/add/", person_data(mod["hospital"], **{field: "2999-01-01"}))
    assert field in response.context["form"].errors
    assert not Person.objects.exists()

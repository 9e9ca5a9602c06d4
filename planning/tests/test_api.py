"""Requirements and waivers over the REST API."""

from django.urls import reverse

from core.testing import api
from planning.models import Requirement


def test_requirements_are_kept_through_the_requirement_forms_rules(
    requirement_admin, no_requirements, position
):
    client = api(requirement_admin)

    made = client.post(
        reverse("api:requirement-list"),
        {"kind": "service_years", "min_years": 5, "source": "UN AMS", "category": "ipo"},
    )
    stray = client.post(
        reverse("api:requirement-list"),
        {"kind": "age", "min_age": 25, "min_years": 3, "source": "UN AMS"},
    )
    two_scopes = client.post(
        reverse("api:requirement-list"),
        {
            "kind": "medical",
            "position": position.pk,
            "category": "ipo",
            "source": "SOP",
        },
    )

    assert made.status_code == 201, made.content
    assert stray.json() == {"min_years": ["A requirement of this kind does not use this field."]}
    assert two_scopes.status_code == 400
    assert Requirement.objects.count() == 1
    listed = client.get(reverse("api:requirement-list"), {"scope": "category"}).json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]


def test_requirements_need_the_permission_to_be_read_or_changed(viewer, no_requirements):
    assert (
        api(viewer)
        .post(reverse("api:requirement-list"), {"kind": "medical", "source": "SOP"})
        .status_code
        == 403
    )
    assert not Requirement.objects.exists()

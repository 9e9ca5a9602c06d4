"""The API's shared machinery: organisations, tokens, versions, schema and documentation."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core import roles, testing
from core.models import Organisation
from core.testing import api


@pytest.fixture
def administrator(mod):
    return testing.user("admin", roles.ADMINISTRATOR, mod["ministry"])


def test_organisations_are_read_within_the_tree_granted_and_not_beyond(viewer, mod, mps):
    client = api(viewer)

    listed = client.get(reverse("api:organisation-list")).json()

    assert {row["name"] for row in listed["results"]} == {
        "Department of Peacekeeping Operations",
        "Military Hospital 175",
    }
    assert (
        client.get(reverse("api:organisation-detail", args=[mps["police"].pk])).status_code == 404
    )
    assert (
        client.get(reverse("api:organisation-detail", args=[mod["ministry"].pk])).status_code == 404
    )


def test_an_administrator_adds_a_unit_below_an_organisation_in_scope_only(administrator, mod, mps):
    client = api(administrator)

    added = client.post(
        reverse("api:organisation-list"),
        {"name": "Engineering Company", "parent": mod["department"].pk},
    )
    elsewhere = client.post(
        reverse("api:organisation-list"), {"name": "Intruder", "parent": mps["ministry"].pk}
    )
    viewer = testing.user("v2", roles.VIEWER, mod["ministry"])

    assert added.status_code == 201, added.content
    assert added.json()["path"].startswith(mod["department"].path)
    assert "does not exist" in elsewhere.json()["parent"][0]
    assert (
        api(viewer)
        .post(reverse("api:organisation-list"), {"name": "X", "parent": mod["department"].pk})
        .status_code
        == 403
    )


def test_an_organisation_cannot_be_moved_below_itself(administrator, mod):
    client = api(administrator)
    url = reverse("api:organisation-detail", args=[mod["department"].pk])
    etag = client.get(url)["ETag"]

    response = client.patch(url, {"parent": mod["hospital"].pk}, HTTP_IF_MATCH=etag)

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["An organisation cannot sit below itself or its own units."]
    }
    mod["department"].refresh_from_db()
    assert mod["department"].parent == mod["ministry"]


def test_if_match_accepts_the_current_tag_among_several_and_star(administrator, mod):
    client = api(administrator)
    url = reverse("api:organisation-detail", args=[mod["hospital"].pk])
    etag = client.get(url)["ETag"]

    several = client.patch(url, {"short_name": "BV175"}, HTTP_IF_MATCH=f'"old", {etag}')
    star = client.patch(url, {"short_name": "H175"}, HTTP_IF_MATCH="*")
    weak = client.patch(url, {"short_name": "X"}, HTTP_IF_MATCH=f"W/{star['ETag']}")

    assert several.status_code == 200
    assert star.status_code == 200
    assert weak.status_code == 412  # If-Match compares strongly: a weak tag never matches
    assert Organisation.objects.get(pk=mod["hospital"].pk).short_name == "H175"


def test_the_etag_of_a_write_is_the_one_the_next_read_gives(administrator, mod):
    client = api(administrator)
    url = reverse("api:organisation-detail", args=[mod["hospital"].pk])

    written = client.patch(url, {"short_name": "BV 175"}, HTTP_IF_MATCH=client.get(url)["ETag"])

    assert written["ETag"] == client.get(url)["ETag"]


# The tokens themselves (sign-in, lifetime, revocation): core/tests/test_tokens.py.


def test_a_browser_session_must_carry_the_csrf_token_to_write(administrator, mod):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(administrator)

    response = browser.post(
        reverse("api:organisation-list"), {"name": "X", "parent": mod["department"].pk}
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_is_for_signed_in_users(viewer):
    assert APIClient().get(reverse("api:schema")).status_code == 401
    schema = api(viewer).get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/people/{id}/" in schema.json()["paths"]


def test_the_documentation_page_loads_every_asset_from_this_server(client, viewer):
    assert client.get(reverse("api:docs")).status_code == 302  # to the login page
    client.force_login(viewer)

    page = client.get(reverse("api:docs")).content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets), assets
    assert all(not url.startswith(("http:", "https:", "//")) for url in assets), assets
    for url in assets:
        assert client.get(url).status_code == 200, url
    assert "validator.swagger.io" not in page


# --- every route: no record of another ministry, by list or by id ------------------------------


@pytest.fixture
def police_world(mps):
    """One record of every scoped kind, all belonging to the Ministry of Public Security."""
    import datetime

    from deployments import workflow
    from people.tests.builders import with_documents
    from planning.models import Waiver
    from training.models import Assessment, Course, CourseRun, Enrolment
    from units.models import PositionLanguageRequirement

    officer = with_documents(testing.person(mps["police"], "Phạm Công An", service="police"))
    kind = testing.unit_type("fpu", positions=1, name="Formed Police Unit", category="fpu")
    rotation = testing.rotation(mps["police"], number=1, unit_type=kind)
    position = rotation.positions.get()
    PositionLanguageRequirement.objects.create(
        position=position, language=testing.language(), level=4
    )
    deployment = workflow.nominate(officer, position, by=None)
    Waiver.objects.create(deployment=deployment, reason="Urgent", unmet="Passport")
    course = Course.objects.create(code="FPU-PRE", title="FPU pre-deployment", kind="fpu")
    run = CourseRun.objects.create(
        course=course,
        organisation=mps["police"],
        starts_on=datetime.date(2025, 1, 6),
        ends_on=datetime.date(2025, 1, 17),
        place="Hà Nội",
        capacity=10,
    )
    Enrolment.objects.create(run=run, person=officer)
    Assessment.objects.create(
        person=officer,
        kind="firearms",
        assessed_on=datetime.date(2025, 1, 20),
        assessor_kind="national",
        score=90,
    )
    return mps


def test_no_route_shows_another_ministrys_record_in_its_list_or_by_id(mod, police_world):
    from django.contrib.auth.models import Permission

    from blueberet.api import router

    reader = testing.user("reader", roles.ADMINISTRATOR, mod["ministry"])
    police = testing.user("police-admin", roles.ADMINISTRATOR, police_world["ministry"])
    # Requirements and waivers are not in a role yet: give both readers every view permission.
    views = Permission.objects.filter(codename__startswith="view_")
    reader.user_permissions.set(views)
    police.user_permissions.set(views)
    client = api(reader)
    checked = []
    for prefix, viewset, basename in router.registry:
        model = viewset.queryset.model
        if getattr(model, "organisation_path", None) is None:
            continue  # a shared catalogue (missions, ranks, courses): everyone's
        foreign = list(
            model.objects.restrict(police, "view").values_list("pk", flat=True).order_by("pk")
        )
        assert foreign, f"the police world has no {model.__name__}"
        listed = client.get(reverse(f"api:{basename}-list"), {"page_size": 1000})
        assert listed.status_code == 200, prefix
        assert not {row["id"] for row in listed.json()["results"]} & set(foreign), prefix
        for pk in foreign:
            response = client.get(reverse(f"api:{basename}-detail", args=[pk]))
            assert response.status_code == 404, (prefix, pk)
        checked.append(prefix)
    assert len(checked) >= 15, checked


def test_a_viewer_reads_every_route_it_has_a_role_for_and_writes_none(viewer, mod):
    from blueberet.api import router

    client = api(viewer)
    for prefix, viewset, basename in router.registry:
        meta = viewset.queryset.model._meta
        listed = client.get(reverse(f"api:{basename}-list"))
        readable = viewer.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        assert listed.status_code == (200 if readable else 403), prefix
        if "post" in viewset.http_method_names and hasattr(viewset, "create"):
            assert client.post(reverse(f"api:{basename}-list"), {}).status_code == 403, prefix

"""No lost update on the pages: every page that changes an existing record refuses a stale save.

The walk goes through the whole URL configuration. Every view answering POST at an address
that names a record (`<int:pk>`) is either a CASE below, and then proved to refuse a save over
a version the user never saw (keeping their input, saying what the other person changed) and
to save on the second try, or EXEMPT with the reason it cannot lose an update. A new edit
view in neither list fails the walk. The admin's views are walked too (at the end): each one
that saves a record's form must be of an admin that refuses a stale save, as
core/tests/test_admin_versions.py proves of every registered admin.
"""

from __future__ import annotations

import datetime
import html
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import roles, testing, versions
from core.admin import ScopedAdmin, VersionedChangeMixin
from core.api_base import etag_for
from core.views.generic import ObjectDeleteView, VersionedEdit

# --- the walk -------------------------------------------------------------------------------


def routes(
    patterns: list[Any] | None = None, namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern with its full name ("app:name")."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from routes(pattern.url_patterns, inner)
        else:
            yield f"{namespace}:{pattern.name}", pattern


def record_posts() -> dict[str, type]:
    """The views that answer POST at an address naming one record, by URL name."""
    found = {}
    for name, pattern in routes():
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not hasattr(view, "post"):
            continue
        if "pk" in pattern.pattern.converters:
            found[name] = view
    return found


# Views that POST at a record's address but cannot overwrite a change they never saw.
EXEMPT = {
    "deployments:deployment": (
        "A workflow step, not a form of the record's fields: workflow.transition locks the "
        "deployment and refuses a step not allowed from the state it is in now."
    ),
    "units:rotation_generate_positions": (
        "Adds positions to a rotation that has none and refuses otherwise; it changes none."
    ),
    "training:courserun_certificates": (
        "Numbers only the passed rows without a number, under the run's lock: nothing typed "
        "by anyone is overwritten."
    ),
    "training:trainee_add": "Adds a trainee (a new record) under the run's lock.",
    "training:trainee_add_foreign": "Adds a foreign trainee (a new record) under the run's lock.",
    "training:courserun_import": (
        "Results from a spreadsheet, not a form loaded from a version. Not covered yet: the "
        "results import would need the people import's preview versions (another module)."
    ),
    "planning:rotation_plan": "Starts a new planner run (a new record); changes nothing.",
    "planning:plan_run": "Re-runs the planner into a new run (a new record); changes nothing.",
    "planning:plan_accept": (
        "Nominates from a run: workflow.nominate locks each position and refuses a filled one."
    ),
}
EXEMPT_CLASSES = {
    ObjectDeleteView: "A delete keeps no input to lose; a record still used is refused.",
}


# --- the cases ------------------------------------------------------------------------------


@dataclass
class Case:
    make: Callable[[dict[str, Any]], Model]  # the record whose field the user types into
    typed: tuple[str, str]  # (form field, what the user types)
    theirs: tuple[str, Any, str]  # someone else's change: (field, value, as the conflict shows it)
    url_kwargs: Callable[[Model], dict[str, Any]] = lambda r: {"pk": r.pk}
    page: Callable[[Model], str] | None = None  # where the form is, when not the POST address
    in_formset: bool = False  # the typed field is on the first row of the page's formset
    value: Callable[[Model, str], str] = lambda r, name: str(getattr(r, name))
    extra: dict[str, str] = field(default_factory=dict)  # posted beside the form's fields


def change(name: str, value: Any, shown: str | None = None) -> tuple[str, Any, str]:
    """Someone else sets `name` to `value`; the conflict shows `shown` (or the value)."""
    return (name, value, str(value) if shown is None else shown)


def person(w: dict[str, Any]) -> Any:
    return testing.person(w["mod"]["hospital"], "Nguyễn Văn Bình")


def document(model: str, **values: Any) -> Callable[[dict[str, Any]], Model]:
    def make(w: dict[str, Any]) -> Model:
        from people import models

        made = {key: value() if callable(value) else value for key, value in values.items()}
        return getattr(models, model).objects.create(person=person(w), **made)

    return make


def under_person(record: Any) -> dict[str, Any]:
    return {"person_pk": record.person_id, "pk": record.pk}


def course(w: dict[str, Any]) -> Any:
    from training.models import Course

    return Course.objects.create(code="cptm-t", title="CPTM", kind="cptm", pass_mark=60)


def course_run(w: dict[str, Any]) -> Any:
    from training.models import CourseRun

    return CourseRun.objects.create(
        course=course(w),
        organisation=w["mod"]["hospital"],
        starts_on=datetime.date(2024, 3, 4),
        ends_on=datetime.date(2024, 3, 15),
        place="Hà Nội",
        capacity=20,
    )


def enrolment(w: dict[str, Any]) -> Any:
    from training.models import Enrolment

    return Enrolment.objects.create(run=course_run(w), person=person(w), attended=True, score=55)


def assessment(w: dict[str, Any]) -> Any:
    from training.assessments import record_assessment

    return record_assessment(
        person(w),
        kind="language",
        language=testing.language(),
        assessed_on=datetime.date(2024, 1, 10),
        assessor_kind="un",
        score=70,
    )


def deployment(w: dict[str, Any]) -> Any:
    from deployments import workflow

    rotation = testing.rotation(w["mod"]["hospital"], number=4)
    return workflow.nominate(person(w), rotation.positions.first(), by=w["admin"])


def location(w: dict[str, Any]) -> Any:
    return testing.mission().locations.create(name="Bentiu")


def requirement(w: dict[str, Any]) -> Any:
    from planning.models import Requirement

    return Requirement.objects.create(kind="medical", source="src-test")


CASES: dict[str, Case] = {
    "core:organisation_edit": Case(
        lambda w: testing.organisation("Trung tâm 1", w["mod"]["ministry"], short_name="T1"),
        ("name", "Trung tâm Gìn giữ hòa bình"),
        change("short_name", "THEIRS"),
    ),
    "people:person_edit": Case(
        person, ("full_name", "Trần Văn Typed"), change("phone", "0900 111 222")
    ),
    "people:personlanguage_edit": Case(
        document("PersonLanguage", language=testing.language, level=2),
        ("level", "5"),
        change("level", 3, "B1"),
        url_kwargs=under_person,
    ),
    "people:languagetestresult_edit": Case(
        document(
            "LanguageTestResult",
            language=testing.language,
            tested_on=datetime.date(2020, 1, 1),
            test_name="UN AMS",
            score=72,
        ),
        ("test_name", "IELTS typed"),
        change("score", 81),
        url_kwargs=under_person,
    ),
    "people:drivinglicence_edit": Case(
        document("DrivingLicence", category="B", issued_on=datetime.date(2015, 1, 1)),
        ("number", "DL-TYPED"),
        change("expires_on", datetime.date(2041, 1, 1)),
        url_kwargs=under_person,
    ),
    "people:passport_edit": Case(
        document(
            "Passport",
            number="C1234567",
            issued_on=datetime.date(2020, 1, 1),
            expires_on=datetime.date(2030, 1, 1),
        ),
        ("number", "C7654321"),
        change("expires_on", datetime.date(2031, 6, 30)),
        url_kwargs=under_person,
    ),
    "people:medicalclearance_edit": Case(
        document(
            "MedicalClearance",
            examined_on=datetime.date(2024, 1, 1),
            result="fit",
            valid_until=datetime.date(2025, 1, 1),
        ),
        ("examiner", "Dr Typed"),
        change("notes", "Their note"),
        url_kwargs=under_person,
    ),
    "people:screening_edit": Case(
        document(
            "Screening",
            kind="human_rights",
            status="cleared",
            screened_on=datetime.date(2024, 1, 1),
            screened_by="Inspectorate",
        ),
        ("screened_by", "Typed screener"),
        change("notes", "Their note"),
        url_kwargs=under_person,
    ),
    "missions:mission_edit": Case(
        lambda w: testing.mission(), ("name", "Typed mission"), change("host_country", "Theirland")
    ),
    "missions:location_edit": Case(location, ("name", "Rubkona"), change("notes", "Their note")),
    "units:unittype_edit": Case(
        lambda w: testing.unit_type(),
        ("name", "Typed unit type"),
        change("description", "Their description"),
    ),
    "units:unittypeposition_edit": Case(
        lambda w: testing.unit_type().positions.first(),
        ("role", "Typed role"),
        change("notes", "Their note"),
    ),
    "units:rotation_edit": Case(
        lambda w: testing.rotation(w["mod"]["hospital"]),
        ("name", "Typed rotation"),
        change("notes", "Their note"),
    ),
    "units:position_edit": Case(
        lambda w: testing.rotation(w["mod"]["hospital"]).positions.first(),
        ("role", "Typed role"),
        change("notes", "Their note"),
    ),
    "deployments:deployment_edit": Case(
        deployment, ("ends_on", "2023-05-01"), change("ends_on", datetime.date(2023, 6, 1))
    ),
    "training:course_edit": Case(
        course, ("title", "Typed title"), change("provider", "Their provider")
    ),
    "training:courserun_edit": Case(
        course_run, ("place", "Typed place"), change("notes", "Their note")
    ),
    "training:courserun_results": Case(
        enrolment,
        ("score", "75"),
        change("score", 40),
        url_kwargs=lambda r: {"pk": r.run_id},
        page=lambda r: reverse("training:courserun", args=[r.run_id]),
        in_formset=True,
        value=lambda r, name: f"{getattr(r, name):.0f}",
    ),
    "training:assessment_edit": Case(
        assessment, ("assessor_name", "Typed assessor"), change("notes", "Their note")
    ),
    "planning:requirement_edit": Case(
        requirement, ("source", "Typed source"), change("notes", "Their note")
    ),
}


# --- posting a form as the browser would ----------------------------------------------------


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What a browser posts for `form` as shown, untouched."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


def page_data(context: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if context.get("form") is not None:
        data.update(form_data(context["form"]))
    formset = context.get("formset")
    if formset is not None:
        data.update(form_data(formset.management_form))
        for row in formset.forms:
            data.update(form_data(row))
    return data


def token(content: str) -> dict[str, str]:
    """The version fields of the page's form, as posted."""
    found = {}
    for name in (versions.VERSION_FIELD, versions.LOADED_FIELD):
        match = re.search(rf'name="{name}" value="([^"]*)"', content)
        assert match, f"the form carries no {name}"
        found[name] = html.unescape(match.group(1))
    return found


def conflict_text(content: str) -> str:
    match = re.search(r'data-testid="conflict">(.*?)</div>', content, re.S)
    assert match, "no conflict message"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def typed_bound(context: Any, case: Case) -> Any:
    form = context["formset"].forms[0] if case.in_formset else context["form"]
    return form[case.typed[0]]


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def world(mod):
    admin = testing.user("a", roles.ADMINISTRATOR, mod["ministry"], first_name="Lê", last_name="An")
    return {"mod": mod, "admin": admin}


def test_every_view_that_posts_to_a_record_is_checked_or_exempt():
    found = record_posts()
    unknown = []
    for name, view in sorted(found.items()):
        if name not in CASES and not exempt(name, view):
            unknown.append(f"{name} ({view.__module__}.{view.__name__})")
    assert not unknown, (
        "These views POST to an existing record but are not proved to refuse a stale save: "
        "give them version checking (core.views.generic.VersionedEdit) and a CASE in "
        "tests/test_lost_updates.py, or an EXEMPT reason: " + ", ".join(unknown)
    )
    # Neither list may name what no longer exists: it would hide a renamed view.
    assert set(CASES) <= set(found), set(CASES) - set(found)
    assert set(EXEMPT) <= set(found), set(EXEMPT) - set(found)
    # Every edit view of a record is a VersionedEdit: the cases prove what that does.
    for name in CASES:
        assert issubclass(found[name], VersionedEdit), name


def test_the_api_demands_the_version_on_every_write():
    for name, pattern in routes():
        viewset = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", {}) or {}
        if viewset is not None and {"put", "patch"} & set(actions):
            assert viewset.etag_required, name


def exempt(name: str, view: type) -> bool:
    return name in EXEMPT or any(issubclass(view, c) for c in EXEMPT_CLASSES)


# Every view found by the walk that is not exempt: one with no CASE fails here too.
@pytest.mark.parametrize(
    "name", sorted(name for name, view in record_posts().items() if not exempt(name, view))
)
def test_a_stale_save_is_refused_with_the_input_kept_then_saved_on_purpose(client, world, name):
    if name not in CASES:
        pytest.fail(f"{name} edits a record and has no CASE")
    case = CASES[name]
    record = case.make(world)
    post_url = reverse(name, kwargs=case.url_kwargs(record))
    client.force_login(world["admin"])

    shown = client.get(case.page(record) if case.page else post_url)
    assert shown.status_code == 200
    content = shown.content.decode()
    assert f'name="{versions.VERSION_FIELD}"' in content
    loaded = token(content)
    field_name, typed = case.typed
    data = {**page_data(shown.context), **loaded, **case.extra}
    data[typed_bound(shown.context, case).html_name] = typed

    their_field, their_value, theirs = case.theirs
    setattr(record, their_field, their_value)  # someone else saves meanwhile
    record.save()
    record.refresh_from_db()
    before = case.value(record, field_name)
    assert before != typed

    refused = client.post(post_url, data)

    assert refused.status_code == 200
    text = conflict_text(refused.content.decode())
    assert theirs in text
    assert "Lê An" not in text  # the other change was made by the ORM: nobody is named
    record.refresh_from_db()
    assert case.value(record, field_name) == before  # the stale post changed nothing
    assert str(typed_bound(refused.context, case).value()) == typed  # the input is kept
    again = token(refused.content.decode())
    assert again[versions.VERSION_FIELD] != loaded[versions.VERSION_FIELD]
    if not case.in_formset and name not in ("units:position_edit", "units:unittypeposition_edit"):
        # A page of one record carries the version the API's ETag gives.
        assert etag_for(record) == f'"{again[versions.VERSION_FIELD]}"'

    # Saving the form as shown again applies the user's edit over the other change, and only
    # that edit: the field only the other person changed now shows their value and keeps it.
    resubmitted = {**page_data(refused.context), **again, **case.extra}
    saved = client.post(post_url, resubmitted)

    assert saved.status_code == 302, conflict_text(saved.content.decode())
    record.refresh_from_db()
    assert case.value(record, field_name) == typed
    if their_field != field_name:
        assert getattr(record, their_field) == their_value


# --- beyond the walk ------------------------------------------------------------------------


def test_a_language_row_added_meanwhile_refuses_the_positions_save(client, world):
    from units.models import PositionLanguageRequirement

    position = testing.rotation(world["mod"]["hospital"]).positions.first()
    url = reverse("units:position_edit", args=[position.pk])
    client.force_login(world["admin"])
    shown = client.get(url)
    data = {**page_data(shown.context), **token(shown.content.decode()), "role": "Typed role"}

    PositionLanguageRequirement.objects.create(
        position=position, language=testing.language("fr", "French"), level=4
    )
    refused = client.post(url, data)

    text = conflict_text(refused.content.decode())
    assert "French" in text and "was added" in text
    position.refresh_from_db()
    assert position.role != "Typed role"
    # Saved over it knowingly: the user's form had no French row, which stays.
    saved = client.post(url, {**data, **token(refused.content.decode())})
    assert saved.status_code == 302
    position.refresh_from_db()
    assert position.role == "Typed role" and position.languages.count() == 1


def test_a_form_without_a_version_is_refused_and_shown_again(client, world):
    record = person(world)
    client.force_login(world["admin"])
    url = reverse("people:person_edit", args=[record.pk])
    data = {**page_data(client.get(url).context), "full_name": "Typed without version"}

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "did not say which version" in conflict_text(refused.content.decode())
    record.refresh_from_db()
    assert record.full_name == "Nguyễn Văn Bình"
    assert refused.context["form"]["full_name"].value() == "Typed without version"
    assert client.post(url, {**data, **token(refused.content.decode())}).status_code == 302


def test_the_conflict_names_who_saved_through_the_pages_and_when(client, world):
    other = testing.user("b", roles.ADMINISTRATOR, world["mod"]["ministry"], first_name="Phạm")
    record = person(world)
    url = reverse("people:person_edit", args=[record.pk])
    client.force_login(world["admin"])
    mine = client.get(url)
    data = {**page_data(mine.context), **token(mine.content.decode()), "notes": "Mine"}
    client.force_login(other)
    theirs = client.get(url)
    other_data = {**page_data(theirs.context), **token(theirs.content.decode())}
    assert client.post(url, {**other_data, "phone": "0912 345 678"}).status_code == 302
    client.force_login(world["admin"])

    text = conflict_text(client.post(url, data).content.decode())

    assert "Phạm saved a change on" in text
    assert "Phone is now “0912 345 678” (when you opened the page: “—”)" in text
    record.refresh_from_db()
    assert (record.phone, record.notes) == ("0912 345 678", "")


# --- the admin ------------------------------------------------------------------------------
# Django's admin answers through its ModelAdmins' methods, not views of their own: every route
# of the admin site is named by the method (or view class) that answers it.

# Save a record's form: only in an admin that refuses a save over a newer version.
ADMIN_SAVES = {"change_view", "history_form_view"}
ADMIN_EXEMPT = {
    "add_view": "Creates a record: there is no version to save over.",
    "changelist_view": (
        "Its actions (delete selected) keep no input to lose; list_editable, which would save "
        "rows without their version, is refused by ScopedAdmin's check (core.E003)."
    ),
    "delete_view": "A delete keeps no input to lose.",
    "history_view": "Reads only.",
    "RedirectView": "Sends an old address of a record to its change page.",
    "shortcut": "Sends to the record's page on the site.",
    "user_change_password": "Sets a password, the one field it posts: nothing else is written.",
    **dict.fromkeys(
        ["index", "app_index", "login", "logout", "password_change", "password_change_done"]
        + ["autocomplete_view", "i18n_javascript", "catch_all_view"],
        "The admin site's own pages: no record's form.",
    ),
}


def admin_views() -> dict[str, tuple[str, Any]]:
    """Every route of the admin site: the name of what answers it, and its model admin."""
    found = {}
    for name, pattern in routes():
        if name.startswith("admin:"):
            view_class = getattr(pattern.callback, "view_class", None)
            target = inspect.unwrap(pattern.callback)
            answered_by = view_class.__name__ if view_class else target.__name__
            found[name] = (answered_by, getattr(target, "__self__", None))
    return found


def test_every_admin_view_that_saves_a_record_refuses_a_stale_save():
    found = admin_views()
    unknown = [
        f"{name} ({answered_by})"
        for name, (answered_by, _owner) in sorted(found.items())
        if answered_by not in ADMIN_SAVES and answered_by not in ADMIN_EXEMPT
    ]
    assert not unknown, "Admin views neither versioned nor exempt: " + ", ".join(unknown)
    saving = {name: owner for name, (by, owner) in found.items() if by in ADMIN_SAVES}
    unversioned = [
        name for name, owner in saving.items() if not isinstance(owner, VersionedChangeMixin)
    ]
    assert not unversioned, unversioned
    # simple-history's revert page saves outside changeform_view's transaction: ScopedAdmin
    # gives it one, so that its version check locks until the save.
    reverts = [owner for name, (by, owner) in found.items() if by == "history_form_view"]
    assert reverts and all(isinstance(owner, ScopedAdmin) for owner in reverts)
    assert {"admin:people_person_change", "admin:auth_user_change"} <= set(saving)

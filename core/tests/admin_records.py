"""Helpers of the admin scope tests: one record of every scoped model, and a form's own data.

`one_of_everything` makes, in one organisation, a record of every model the admin scopes by
organisation; `records_of` finds them again by ministry. A new scoped model that is not built
here makes the walking test fail, so that no model is walked vacuously. Each record that a
form may choose (a person, a run, a position...) is named after its ministry's tag, so that a
page showing the other ministry's one is caught by its name.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

from django.db.models import Model, QuerySet
from django.forms import MultiWidget

from core import roles, testing, versions
from core.models import Job, Organisation

DAY = datetime.date(2024, 3, 1)


def one_of_everything(org: Organisation, tag: str) -> dict[str, Any]:
    """A person with every document, a course run, a rotation and a deployment, all in `org`."""
    from deployments.models import Deployment, Transition
    from people.models import (
        DrivingLicence,
        LanguageTestResult,
        MedicalClearance,
        Passport,
        PersonLanguage,
        Screening,
    )
    from planning.models import Waiver
    from planning.testing import course_run
    from training.models import Assessment, Course, CourseKind, Enrolment
    from units.models import PositionLanguageRequirement

    english = testing.language()
    person = testing.person(org, f"Person of {tag}")
    PersonLanguage.objects.create(person=person, language=english, level=4)
    LanguageTestResult.objects.create(
        person=person, language=english, tested_on=DAY, test_name="IELTS", score=70
    )
    DrivingLicence.objects.create(person=person, category="B", issued_on=DAY)
    passport = Passport.objects.create(
        person=person, number=f"P-{tag}", issued_on=DAY, expires_on=DAY.replace(year=2034)
    )
    MedicalClearance.objects.create(
        person=person, examined_on=DAY, result="fit", valid_until=DAY.replace(year=2026)
    )
    Screening.objects.create(
        person=person, kind="misconduct", screened_on=DAY, screened_by="Inspectorate"
    )
    course = Course.objects.create(
        code=f"course-of-{tag}", title=f"Course of {tag}", kind=CourseKind.CORE_PREDEPLOYMENT
    )
    run = course_run(course, org, DAY)
    Enrolment.objects.create(run=run, person=person, score=80)
    Assessment.objects.create(
        person=person, kind="language", language=english, assessed_on=DAY,
        assessor_kind="national", score=70,
    )  # fmt: skip
    rotation = testing.rotation(org, number=next_number(), name=f"Rotation of {tag}")
    position = rotation.positions.first()
    position.role = f"Position of {tag}"
    position.save()
    PositionLanguageRequirement.objects.create(position=position, language=english, level=3)
    deployment = Deployment.objects.create(
        person=person, position=position, starts_on=DAY, ends_on=DAY.replace(year=2025)
    )
    step = Transition.objects.create(deployment=deployment, to_state="nominated")
    Waiver.objects.create(deployment=deployment, transition=step, reason="x", unmet="y")
    account = testing.user(f"user-of-{tag}", roles.VIEWER, org)
    Job.objects.create(kind="test", title=f"Job of {tag}", owner=account, organisation=org)
    return {"person": person, "passport": passport, "user": account, "deployment": deployment}


_numbers = iter(range(1, 10_000))


def next_number() -> int:
    return next(_numbers)


def records_of(model: type[Model], ministry: Organisation) -> QuerySet[Any]:
    """The records of `model` that belong to `ministry` or an organisation below it."""
    path = model.organisation_path  # type: ignore[attr-defined]
    field = f"{path}__path__startswith" if path else "path__startswith"
    return model._default_manager.filter(**{field: ministry.path}).order_by("pk")


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back, unchanged, from an admin change page: its fields and
    the version it was opened from (core.admin_versions)."""
    data = version_fields(response.content.decode())
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        forms.extend(formset.initial_forms)
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
            elif value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)
    return data


def version_fields(content: str) -> dict[str, Any]:
    """The version fields of a page's form, as its HTML carries them; none when it has none."""
    found = {}
    for name in (versions.VERSION_FIELD, versions.LOADED_FIELD):
        match = re.search(rf'name="{name}" value="([^"]*)"', content)
        if match:
            found[name] = html.unescape(match.group(1))
    return found

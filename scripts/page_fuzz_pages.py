"""Pages for scripts/page_fuzz.py: the records they show, every URL pattern, the paths that
reach a record, and the names of the parameters each page reads.

Imported after django.setup().
"""

from __future__ import annotations

import datetime
import inspect
import itertools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib.admin.views.main import ChangeList
from django.db.models import Model, QuerySet
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_filters import FilterSet
from django_tables2 import Table
from page_fuzz_values import (
    ADMIN_PARAMETERS,
    COMMON_PARAMETERS,
    INT_PATH_VALUES,
    TEXT_PATH_VALUES,
)

# The project's own packages: their code is read for the request.GET names it uses.
PROJECT = {"blueberet", "core", "people", "missions", "units", "deployments", "training"}
PROJECT |= {"planning", "stats", "demo"}
# The REST API has a schema and its own fuzz (scripts/api_fuzz.sh).
SKIPPED = ("api/",)
# Enough combinations of real ids to find one the user may see, few enough to stay quick.
MAX_PROBES = 6


def make_records() -> Any:
    """A few records of two ministries, as scripts/api_fuzz.sh makes, plus one of each kind
    a page shows (documents, an assessment, a UN report, a planner run); returns the
    signed-in administrator of the first ministry.
    """
    from django.contrib.auth.models import Permission

    from core import roles, testing
    from deployments import workflow
    from missions.models import Location
    from people.models import DrivingLicence, LanguageTestResult, Person, PersonLanguage
    from planning.planner.instance import PlannerError
    from planning.planner.models import PlanRun
    from planning.planner.run import plan
    from planning.testing import make_ready
    from stats.countries import ensure_countries
    from stats.models import Country, UNContribution, UNReport
    from training.models import Assessment, Course, CourseRun

    today = timezone.localdate()
    mod = testing.organisation("Ministry of National Defence", short_name="MND")
    hospital = testing.organisation("Military Hospital 175", mod, short_name="H175")
    mps = testing.organisation("Ministry of Public Security", short_name="MPS")
    police = testing.organisation("Police Peacekeeping Unit", mps, short_name="PPU")
    user = testing.user("fuzz", roles.ADMINISTRATOR, mod, is_staff=True)
    user.user_permissions.set(Permission.objects.all())  # every model, still scoped to MND
    english = testing.language()
    rotations = []
    for org in (hospital, police):
        person = testing.person(org, "Nguyễn Thị Hương", sex="F", rank=testing.rank())
        make_ready(person, today + datetime.timedelta(days=700))
        PersonLanguage.objects.create(person=person, language=english, level=4)
        LanguageTestResult.objects.create(
            person=person, language=english, tested_on=today, test_name="UN AMS", score=72
        )
        DrivingLicence.objects.create(person=person, category="B", issued_on=today)
        Assessment.objects.create(
            person=person, kind="language", language=english, assessed_on=today,
            assessor_kind="national", score=72,
        )  # fmt: skip
        rotation = testing.rotation(
            org,
            number=org.pk,
            planned_departure=today + datetime.timedelta(days=90),
            planned_return=today + datetime.timedelta(days=455),
        )
        workflow.nominate(person, rotation.positions.first(), by=user)
        testing.person(org, "Trần Văn Bình")  # one more, free for the planner
        rotations.append(rotation)
    Location.objects.get_or_create(mission=testing.mission(), name="Bentiu")
    course, _ = Course.objects.get_or_create(
        code="UN-CPTM", defaults={"title": "CPTM", "kind": "cptm"}
    )
    CourseRun.objects.create(
        course=course, organisation=hospital, starts_on=today, place="Hà Nội", capacity=30,
        ends_on=today + datetime.timedelta(days=11),
    )  # fmt: skip
    ensure_countries()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    report = UNReport.objects.create(
        file_name=f"{month:%Y_%m}.pdf", sha256="f" * 64, as_of=month, month=month,
        layout="fuzz", page_count=1, line_count=2, total=300, female=40,
    )  # fmt: skip
    for iso3, total, female in (("VNM", 100, 15), ("FRA", 200, 25)):
        UNContribution.objects.create(
            report=report, month=month, mission="UNMISS", personnel_type="troops",
            country=Country.objects.get(iso3=iso3), male=total - female, female=female,
            total=total,
        )  # fmt: skip
    try:
        proposal = plan(rotations[:1], Person.objects.restrict(user, "view"))
    except PlannerError:
        pass  # the run pages are then fuzzed on their 404 only
    else:
        run = PlanRun.objects.create(created_by=user, proposal=proposal)
        run.rotations.set(rotations[:1])
    return user


@dataclass
class Param:
    name: str
    kind: str  # a converter (int, str, path, slug, ...) or, in a regex: choice, any, segment
    options: list[str] = field(default_factory=list)


@dataclass
class Page:
    pieces: list[str | Param]
    callback: Any
    display: str

    @property
    def params(self) -> list[Param]:
        return [piece for piece in self.pieces if isinstance(piece, Param)]

    @property
    def admin_object_page(self) -> bool:
        """An admin page of one record (change, delete, history, a version): Django's and
        django-simple-history's own views, where a record's id is the parameter."""
        return self.display.startswith("admin/") and any(
            p.kind in ("path", "segment") for p in self.params
        )

    def matches(self, regex: str) -> bool:
        return not regex or re.search(regex, self.display) is not None

    def path(self, values: dict[str, str]) -> str:
        return "/" + "".join(
            quote(values[p.name], safe="") if isinstance(p, Param) else p for p in self.pieces
        )


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()]*)\)")


def route_pieces(route: str) -> list[str | Param]:
    pieces: list[str | Param] = []
    for literal, param in _split(ROUTE_PARAM, route):
        pieces.append(literal)
        if param:
            pieces.append(Param(param["name"], param["converter"] or "str"))
    return pieces


def regex_pieces(regex: str, unnamed: Iterator[int]) -> list[str | Param]:
    """A regex pattern (the admin's) as literals and parameters, its groups guessed."""
    pieces: list[str | Param] = []
    for literal, group in _split(REGEX_GROUP, regex.lstrip("^").rstrip("$")):
        pieces.append(re.sub(r"\\(.)", r"\1", literal))
        if group:
            name, body = group["name"] or f"_{next(unnamed)}", group["body"]
            if re.fullmatch(r"[\w|]+", body) and "|" in body:
                pieces.append(Param(name, "choice", body.split("|")))
            else:
                pieces.append(Param(name, "any" if body in (".*", ".+") else "segment"))
    return pieces


def _split(pattern: re.Pattern[str], text: str) -> Iterator[tuple[str, re.Match[str] | None]]:
    """(literal text, the match after it) along `text`; the last match is None."""
    at = 0
    for match in pattern.finditer(text):
        yield text[at : match.start()], match
        at = match.end()
    yield text[at:], None


def all_pages(admin: str = "lists") -> list[Page]:
    """Every URL pattern but the skipped ones, in the URL configuration's order; of the
    admin's, `admin` says which: "none", "lists" (all but its pages of one record), "all".
    """
    found: list[Page] = []

    def walk(patterns: list[Any], pieces: list[str | Param], display: str) -> None:
        for entry in patterns:
            regex = isinstance(getattr(entry.pattern, "_regex", None), str) and not hasattr(
                entry.pattern, "_route"
            )
            text = entry.pattern._regex if regex else str(entry.pattern)
            own = regex_pieces(text, itertools.count()) if regex else route_pieces(text)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, pieces + own, display + text)
            elif isinstance(entry, URLPattern) and not (display + text).startswith(SKIPPED):
                found.append(Page(pieces + own, entry.callback, display + text))

    walk(get_resolver().url_patterns, [], "")
    if admin == "none":
        return [page for page in found if not page.display.startswith("admin/")]
    return found if admin == "all" else [page for page in found if not page.admin_object_page]


def model_for(page: Page, name: str) -> type[Model] | None:
    """The model whose ids a path parameter takes, when the view says."""
    from people.models import Person
    from planning.planner.models import PlanRun

    admin = getattr(page.callback, "model_admin", None)
    if admin is not None:
        return admin.model
    view = getattr(page.callback, "view_class", None)
    named = {"person_pk": Person, "run": PlanRun, "parent_pk": getattr(view, "parent_model", None)}
    if name in named:
        return named[name]
    queryset = getattr(view, "queryset", None)
    if isinstance(queryset, QuerySet):
        return queryset.model
    model = getattr(view, "model", None)
    return model if isinstance(model, type) and issubclass(model, Model) else None


def real_values(page: Page, param: Param) -> list[str]:
    """Values that name something: ids of records (the first two and the last), a month with
    a UN report, a file format."""
    from stats.models import UNReport

    if param.kind == "choice":
        return param.options[:1]
    if param.kind == "any":
        return ["nowhere/"]
    if param.kind in ("int", "segment", "path") or param.name.endswith("pk"):
        model = model_for(page, param.name)
        if model is None:
            return ["1", "2"]
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        return [str(pk) for pk in dict.fromkeys(ids[:2] + ids[-1:])] or ["1"]
    if param.name == "month":
        report = UNReport.objects.order_by("-month").first()
        return [f"{report.month:%Y-%m}" if report else "2024-01"]
    return {"fmt": ["csv", "xlsx"], "iso3": ["VNM"]}.get(param.name, ["1"])


def probe_paths(page: Page) -> list[str]:
    """Paths made of real values: some reach a record the user may see."""
    params = page.params
    options = [real_values(page, p) for p in params]
    combos = itertools.islice(itertools.product(*options), MAX_PROBES)
    return [page.path({p.name: v for p, v in zip(params, combo, strict=True)}) for combo in combos]


# Query parameters that name a record, which some pages need to answer at all
# (/deployments/nominate/?position=7).
ID_PARAMETERS = {"position": "units.Position", "person": "people.Person"}
ID_PARAMETERS |= {"rotation": "units.Rotation"}


def probe_queries(page: Page) -> list[tuple[str, str]]:
    """An id parameter the page's code reads, set to a real record's id."""
    from django.apps import apps

    found = []
    for name in dict.fromkeys(names_read_by(page.callback)):
        if name in ID_PARAMETERS:
            model = apps.get_model(ID_PARAMETERS[name])
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            found += [(name, str(pk))] if pk else []
    return found


def hostile_paths(page: Page) -> list[str]:
    """The first probe's path with one parameter at a time replaced by a hostile value."""
    params = page.params
    base = {p.name: real_values(page, p)[0] for p in params}
    paths = []
    for param in params:
        if param.kind == "choice":
            continue
        hostile = INT_PATH_VALUES if param.kind == "int" else TEXT_PATH_VALUES
        paths += [page.path({**base, param.name: value}) for value in hostile]
    return paths


def context_values(response: Any) -> Iterator[Any]:
    """Every value in the template contexts a response was rendered with."""
    contexts = getattr(response, "context", None) or []
    for context in contexts if isinstance(contexts, list) else [contexts]:
        for layer in getattr(context, "dicts", [context]):
            if isinstance(layer, dict):
                yield from layer.values()


def form_names(value: Any) -> list[str]:
    """The query-string names of a form, formset, filterset, table or admin change list."""
    if isinstance(value, FilterSet):
        return form_names(value.form)
    if isinstance(value, forms.BaseFormSet):
        return [n for form in [value.management_form, *value.forms] for n in form_names(form)]
    if isinstance(value, forms.BaseForm):
        names = []
        for name, form_field in value.fields.items():
            key, widget = value.add_prefix(name), form_field.widget
            if isinstance(widget, forms.MultiWidget):
                suffixes = getattr(widget, "suffixes", None)
                names += (
                    [f"{key}_{s}" if s else key for s in suffixes]
                    if suffixes
                    else [key + suffix for suffix in widget.widgets_names]
                )
            else:
                names.append(key)
        return names
    if isinstance(value, Table):
        return [
            value.prefixed_order_by_field,
            value.prefixed_page_field,
            value.prefixed_per_page_field,
        ]
    if isinstance(value, ChangeList):
        return [n for spec in value.filter_specs for n in spec.expected_parameters() if n]
    return []


GET_NAME = re.compile(r"""GET(?:\.get|\.getlist|\.pop)?[\[(]\s*["'](\w+)["']""")


def names_read_by(callback: Any) -> list[str]:
    """The request.GET names read in the modules of the view and of its base classes."""
    view = getattr(callback, "view_class", None)
    modules = {callback.__module__, *(c.__module__ for c in getattr(view, "__mro__", []))}
    names = []
    for module in sorted(modules):
        if module.split(".")[0] in PROJECT and module in sys.modules:
            names += GET_NAME.findall(inspect.getsource(sys.modules[module]))
    return names


def discover_parameters(page: Page, response: Any) -> tuple[list[str], list[str]]:
    """The names the page declares (forms, filterset, table) or its code reads, then the
    common names it does not."""
    names = [n for value in context_values(response) for n in form_names(value)]
    view = getattr(page.callback, "view_class", None)
    filterset = getattr(view, "filterset_class", None)
    names += list(getattr(filterset, "base_filters", {}))
    names += names_read_by(page.callback)
    names += ADMIN_PARAMETERS if page.display.startswith("admin/") else []
    own = list(dict.fromkeys(names))
    return own, [n for n in COMMON_PARAMETERS if n not in own]


def valid_values(response: Any) -> dict[str, str]:
    """A value each field of the page's forms accepts: a choice, an id, a date, a number."""
    found: dict[str, str] = {}
    for value in context_values(response):
        form = value.form if isinstance(value, FilterSet) else value
        if not isinstance(form, forms.BaseForm):
            continue
        for name, form_field in form.fields.items():
            choice = valid_value(form_field)
            if choice is not None:
                found.setdefault(form.add_prefix(name), choice)
    return found


def valid_value(form_field: forms.Field) -> str | None:
    if isinstance(form_field, forms.ModelChoiceField):
        pk = form_field.queryset.values_list("pk", flat=True).first()
        return None if pk is None else str(pk)
    if isinstance(form_field, forms.ChoiceField):
        flat = [
            v for key, label in form_field.choices
            for v in ([c for c, _ in label] if isinstance(label, (list, tuple)) else [key])
        ]  # fmt: skip
        chosen = [str(v) for v in flat if v not in ("", None)]
        return chosen[0] if chosen else None
    if isinstance(form_field, forms.DateField):
        return f"{timezone.localdate():%Y-%m-%d}"
    if isinstance(form_field, (forms.IntegerField, forms.DecimalField)):
        return str(timezone.localdate().year)
    if isinstance(form_field, forms.BooleanField):
        return "on"
    return None

"""Every download the site offers leaves an entry in the access log.

The walk visits every page of the URL configuration (the API and the admin aside: the API's
reads of people are logged by their view sets, the admin hands out no file) as a superuser, with
ids of real records and with `?export=csv` and `?export=xlsx`, and checks that each answer that
is a file download left its entry. It also checks that it found the downloads it knows of, so a
walk that reached nothing cannot pass.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from core import jobs, roles, testing
from core.access_log import is_download
from core.models import AccessEvent, AccessKind

SKIPPED_PREFIXES = ("api/", "admin/", "i18n/", "logout/", "login/")
STRING_VALUES = {
    "fmt": ["xlsx", "pdf", "csv"],
    "iso3": ["VNM"],
    "month": [f"{timezone.localdate():%Y-%m}"],
    "token": ["0" * 32],
}
KNOWN_DOWNLOADS = {
    "units:rotation_nominal_roll",
    # The briefing and the statistics workbook: made by a job, downloaded from it.
    "core:job_download",
    "people:person_list",
    "people:person_import_template",
    "training:courserun_list",
}


def patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry


def model_of(pattern: URLPattern) -> type[Model] | None:
    view_class = getattr(pattern.callback, "view_class", None)
    queryset = getattr(view_class, "queryset", None)
    return getattr(queryset, "model", None)


def urls_for(route: str, pattern: URLPattern, records: list[Model]) -> Iterator[str]:
    """The route filled in with real values: an int is the id of a record of the view's model
    (or of each kind of record when the view does not say), a str a value it understands."""
    choices: list[list[tuple[str, str]]] = []
    for name, converter in pattern.pattern.converters.items():
        if converter.regex == "[0-9]+":
            model = model_of(pattern)
            values = sorted({str(r.pk) for r in records if model is None or isinstance(r, model)})
            placeholder = f"<int:{name}>"
        else:
            values = STRING_VALUES.get(name, [])
            placeholder = f"<str:{name}>"
        if placeholder not in route:
            return  # a converter this walk does not fill
        choices.append([(placeholder, value) for value in values])
    for combination in itertools.product(*choices):
        url = route
        for placeholder, value in combination:
            url = url.replace(placeholder, value)
        yield "/" + url


@pytest.fixture
def records(mod):
    from deployments import workflow
    from stats.tasks import build_workbook
    from training.models import Course, CourseRun

    root = testing.user(
        "root", roles.ADMINISTRATOR, mod["ministry"], is_superuser=True, is_staff=True
    )
    person = testing.person(mod["hospital"])
    rotation = testing.rotation(mod["hospital"])
    deployment = workflow.nominate(person, rotation.positions.get(number=1), by=root)
    today = timezone.localdate()
    course = Course.objects.create(
        code="un-cptm", title="Core pre-deployment training", kind="cptm"
    )
    run = CourseRun.objects.create(
        course=course,
        organisation=mod["department"],
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today - datetime.timedelta(days=5),
        capacity=10,
        place="Ha Noi",
    )
    workbook = jobs.start(build_workbook, kind="stats.workbook", title="Workbook", user=root)
    return root, [person, rotation, deployment, run, rotation.unit_type, rotation.mission, workbook]


def test_every_download_of_the_site_leaves_an_entry_in_the_access_log(client, records):
    root, made = records
    client.force_login(root)
    downloads: dict[str, str] = {}
    for route, name, pattern in patterns(get_resolver()):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        for url in urls_for(route, pattern, made):
            for query in ("", "?export=csv", "?export=xlsx"):
                before = AccessEvent.objects.count()
                response = client.get(url + query)
                if response.status_code != 200 or not is_download(response):
                    continue
                downloads[url + query] = name
                logged = AccessEvent.objects.filter(
                    kind=AccessKind.DOWNLOAD, path=url + query, user=root
                )
                assert logged.exists(), f"{url}{query} ({name}) was not logged"
                assert AccessEvent.objects.count() == before + 1, f"{url}{query} logged twice"

    assert KNOWN_DOWNLOADS <= set(downloads.values()), sorted(set(downloads.values()))

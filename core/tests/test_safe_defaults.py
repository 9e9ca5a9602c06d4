"""Safe by default: no debug pages, no published key in production, a strict CSP, no caching."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path

from core import roles, testing

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-value-of-this-installation-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "blueberet.example.org",
    "SECURE_SSL_REDIRECT": "True",
    "SECURE_COOKIES": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "SECURE_PROXY_SSL_HEADER": "True",
}


# Set by the browser tests' fixture for this process (conftest.py); a server never has it, and
# the deployment checks refuse it.
TEST_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def server_environment(*left_out: str) -> dict[str, str]:
    """This process's environment as a server's would be: without what only tests set."""
    return {k: v for k, v in os.environ.items() if k not in (*TEST_ONLY, *left_out)}


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess:
    env = server_environment("DEBUG", "SECRET_KEY")
    env.update(environment, DJANGO_SETTINGS_MODULE="blueberet.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_debug_is_off_unless_the_environment_turns_it_on():
    shown = run_python("from django.conf import settings; print(settings.DEBUG)")
    assert shown.stdout.strip() == "False"
    assert run_python(
        "from django.conf import settings; print(settings.DEBUG)", DEBUG="True"
    ).stdout.strip() == ("True")


def test_the_production_server_refuses_the_published_demo_key():
    refused = run_python("import blueberet.wsgi", DEBUG="False")
    assert refused.returncode != 0
    assert "SECRET_KEY is the demo key" in refused.stderr


def test_the_production_server_refuses_to_show_tracebacks():
    refused = run_python(
        "import blueberet.wsgi", DEBUG="True", SECRET_KEY=PRODUCTION_ENVIRONMENT["SECRET_KEY"]
    )
    assert refused.returncode != 0
    assert "DEBUG is on" in refused.stderr


def test_the_production_server_starts_with_a_key_of_its_own():
    started = run_python(
        "import blueberet.wsgi; print('ready')",
        DEBUG="False",
        SECRET_KEY=PRODUCTION_ENVIRONMENT["SECRET_KEY"],
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "ready"


def test_the_documented_production_environment_passes_the_deployment_checks():
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**server_environment(), **PRODUCTION_ENVIRONMENT},
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout


def test_the_demo_environment_is_warned_about_by_the_deployment_checks():
    # The same check on the demo defaults must complain: it is what keeps the test above honest.
    env = server_environment(*PRODUCTION_ENVIRONMENT)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert checked.returncode != 0
    assert "security.W009" in checked.stderr + checked.stdout


@pytest.fixture
def signed_in(client, mod):
    account = testing.user("viewer", roles.VIEWER, mod["department"])
    client.force_login(account)
    return client


def test_every_page_carries_a_policy_that_allows_only_this_sites_own_scripts(signed_in):
    response = signed_in.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_sign_in_page_carries_the_policy_too(client, db):
    assert "script-src 'self'" in client.get("/login/").headers["Content-Security-Policy"]


def test_pages_and_exports_with_personal_data_are_not_kept_by_the_browser(signed_in, mod):
    person = testing.person(mod["department"])
    for url in (f"/people/{person.pk}/", "/people/?export=csv", "/people/?export=xlsx"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url


def test_static_files_stay_cacheable(client):
    response = client.get("/static/blueberet/blueberet.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s(on[a-z]+|style)\s*=", re.IGNORECASE)


def project_templates() -> list[Path]:
    """The templates a browser receives: the *_pdf.html ones are printed by WeasyPrint."""
    return [
        template
        for template in ROOT.glob("*/templates/**/*.html")
        if ".venv" not in template.parts and not template.name.endswith("_pdf.html")
    ]


def test_no_template_has_an_inline_script_style_or_event_handler():
    # The policy would block them in the browser; finding them here names the file instead.
    offenders = []
    for template in project_templates():
        text = template.read_text()
        if INLINE_SCRIPT.search(text) or "<style" in text or INLINE_HANDLER.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert project_templates(), "no template found: the walk looks in the wrong place"
    assert offenders == []


def test_a_missing_record_answers_the_sites_own_not_found_page(signed_in):
    response = signed_in.get("/people/999999/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Not found" in text and "Blue Beret" in text


def failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", failing_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_answers_the_sites_own_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text
    assert "boom" not in text and "Traceback" not in text


def test_the_api_documentation_page_needs_no_inline_script(signed_in):
    response = signed_in.get("/api/docs/")
    assert response.status_code == 200
    text = response.content.decode()
    assert not INLINE_SCRIPT.search(text)
    assert "<style" not in text

"""The Content-Security-Policy in a real browser: nothing a page needs is refused."""

from __future__ import annotations

import pytest

from core import roles, testing

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/people/",
    "/people/import/",
    "/units/rotations/",
    "/stats/national/",
    "/stats/rotations/",
    "/api/docs/",
    "/admin/",
]


@pytest.fixture
def administrator(mod):
    account = testing.user(
        "admin-csp", roles.ADMINISTRATOR, mod["ministry"], is_staff=True, is_superuser=True
    )
    testing.person(mod["hospital"])
    testing.rotation(mod["hospital"])
    return account


def test_no_page_has_anything_refused_by_the_policy(page, sign_in, administrator):
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    sign_in(administrator)
    for url in PAGES:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
    assert refused == []


def test_the_api_documentation_draws_its_operations(page, sign_in, administrator):
    sign_in(administrator)
    page.goto("/api/docs/")
    # Swagger UI draws the operations from the schema with its script file: a blocked script
    # would leave the page blank.
    page.wait_for_selector(".opblock", timeout=20_000)


def test_the_language_switch_still_changes_the_language(page, sign_in, administrator):
    sign_in(administrator)
    page.goto("/people/")
    page.select_option("select[name=language]", "vi")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"

"""A PDF asked for where WeasyPrint's system libraries are missing: what to install, never a 500.

The libraries' absence is made real for the test the way it happens on a machine without
them: importing weasyprint raises OSError (cffi cannot open libpango).
"""

import re
import sys
from importlib.abc import MetaPathFinder
from pathlib import Path

import pytest
from django.conf import settings

from core import testing
from core.models import JobState
from core.pdf import INSTALL_COMMAND, SYSTEM_PACKAGES, html_to_pdf


class MissingLibraries(MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError(
                "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared "
                "object file: No such file or directory"
            )
        return None


@pytest.fixture
def without_pdf_libraries(monkeypatch):
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [MissingLibraries(), *sys.meta_path])


@pytest.fixture
def rotation(mod):
    return testing.rotation(mod["hospital"], number=4)


def test_a_nominal_roll_pdf_answers_with_what_to_install(
    client, planner, rotation, without_pdf_libraries
):
    client.force_login(planner)
    response = client.get(f"/units/rotations/{rotation.pk}/nominal-roll.pdf")
    assert response.status_code == 503
    text = response.content.decode()
    assert "PDFs cannot be made on this server yet" in text
    assert INSTALL_COMMAND in text
    # The site's own page, with its menus, not a bare error.
    assert 'class="navbar' in text and planner.username in text
    # The Excel roll does not need those libraries.
    excel = client.get(f"/units/rotations/{rotation.pk}/nominal-roll.xlsx")
    assert excel.status_code == 200


def test_a_briefing_job_fails_with_what_to_install(client, viewer, without_pdf_libraries):
    client.force_login(viewer)
    job = testing.job_started_by(client.post("/stats/briefing/", {"month": "2023-03"}))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "PDFs cannot be made on this server" in job.message
    assert INSTALL_COMMAND in job.message


def test_with_the_libraries_html_becomes_a_pdf():
    assert html_to_pdf("<p>Blue Beret</p>").startswith(b"%PDF-")


def test_the_setup_script_installs_the_packages_the_page_names():
    script = (Path(settings.BASE_DIR) / "scripts" / "system_packages.sh").read_text()
    listed = re.search(r'^PACKAGES="([^"]+)"', script, re.M)
    assert listed, 'scripts/system_packages.sh has no PACKAGES="..." line'
    assert tuple(listed.group(1).split()) == SYSTEM_PACKAGES

"""PDF from HTML (WeasyPrint), and what a user sees where this server cannot make PDFs.

WeasyPrint draws with system libraries (pango, harfbuzz, fontconfig) that pip cannot install;
where they are missing, importing it fails with an OSError. A PDF asked for then answers with
a page saying what to install (PdfUnavailableMiddleware), and a PDF built by a background job
fails that job with the same words (PdfUnavailable is a core.jobs.JobRefused): never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.jobs import JobRefused

logger = logging.getLogger(__name__)

# Debian and Ubuntu's names; scripts/system_packages.sh installs the same list (a test checks).
SYSTEM_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz0b",
    "libharfbuzz-subset0",
    "libfontconfig1",
    "fonts-dejavu-core",
)
INSTALL_COMMAND = "apt-get install " + " ".join(SYSTEM_PACKAGES)


class PdfUnavailable(JobRefused):
    """WeasyPrint cannot load its system libraries: the message says what to install."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.install_command = INSTALL_COMMAND
        super().__init__(
            _(
                "PDFs cannot be made on this server: the system libraries they are drawn with "
                "are missing. An administrator installs them with `%(command)s` (as root) and "
                "restarts the server; Excel and CSV downloads work meanwhile."
            )
            % {"command": INSTALL_COMMAND}
        )


def html_to_pdf(html: str) -> bytes:
    """The HTML page as PDF; it may fetch nothing but inline data: URLs (closed networks).

    Fonts come from the system through fontconfig.
    """
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError as error:  # cffi could not open libpango, libharfbuzz, ...
        logger.error("WeasyPrint cannot load its libraries (%s): %s", error, INSTALL_COMMAND)
        raise PdfUnavailable(str(error)) from error
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


class PdfUnavailableMiddleware:
    """Answers a page that asked for a PDF this server cannot make: 503, and what to install."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PdfUnavailable):
            return None
        return render(
            request,
            "core/pdf_unavailable.html",
            {"install_command": exception.install_command, "packages": SYSTEM_PACKAGES},
            status=503,
        )

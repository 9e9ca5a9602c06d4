"""Middleware of the whole site: how its answers may be kept."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Answers carry personal data (passports, medical, screening): nobody keeps a copy.

    `Cache-Control: no-store` on every page, export and download, so that neither the browser's
    cache on a shared office computer nor a proxy holds a nominal roll after the user signed
    out. Static files never reach this middleware (WhiteNoise answers them first) and stay
    cacheable. A view that sets its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response

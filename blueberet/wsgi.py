"""The production server's entry point (gunicorn blueberet.wsgi, see docs/deployment.md).

The checks live here, not in the settings, so that lint, the schema check, the fuzz runs and
the benchmarks still start with the demo settings; only serving for real is refused.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueberet.settings")
application = get_wsgi_application()


def refuse_unsafe_settings() -> None:
    """Refuse to serve with the key published in the repository or with tracebacks shown."""
    from django.conf import settings

    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the demo key published with Blue Beret: set SECRET_KEY in the "
            "environment to a long random value of this installation's own."
        )
    if settings.DEBUG:
        raise ImproperlyConfigured("DEBUG is on: a server must not show tracebacks to users.")


refuse_unsafe_settings()

"""The production server's entry point (gunicorn blueberet.wsgi, see docs/deployment.md).

The checks live here, not in the settings, so that lint, the schema check, the fuzz runs and
the benchmarks still start with the demo settings; only serving for real is refused. Their
words are core.serving's, the same that `manage.py serve` prints.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blueberet.settings")
application = get_wsgi_application()


def refuse_unsafe_settings() -> None:
    """Refuse to serve with the key published in the repository or with tracebacks shown."""
    from django.conf import settings

    from core.serving import unsafe_settings

    problems = unsafe_settings(settings)
    if problems:
        raise ImproperlyConfigured("\n".join(problems))


refuse_unsafe_settings()

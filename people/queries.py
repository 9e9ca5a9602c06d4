"""Read-only questions about people, shared by the list page, its export and the API."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef


def deployed_on(day: datetime.date) -> Exists:
    """True for a person who is in a mission area on `day`.

    What "in the mission area" means belongs to the deployments app (on_mission); this only
    asks it once per person, inside the same query as the list.
    """
    # Imported here: deployments.queries imports people.models.
    from deployments.models import Deployment
    from deployments.queries import on_mission

    return Exists(Deployment.objects.filter(on_mission(day), person=OuterRef("pk")))

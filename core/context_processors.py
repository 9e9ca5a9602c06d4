from functools import partial
from typing import Any

from django.http import HttpRequest

from core import menu, roles


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "my_roles": []}
    # Read only by pages that show it (not by htmx's partial answers): a template calls it.
    return {"menu": menu.visible_items(user), "my_roles": partial(roles.role_names, user)}

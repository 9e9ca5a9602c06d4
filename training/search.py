"""Finding a person by what an officer types: a name (any accents, any order) or a number.

The run page's trainee picker, the assessment page's "whose assessment?" and the assessment
list's search all read a query the same way. (people.filtersets searches the register alike,
but as a filterset method, and matches part of a service number; a picker wants the whole one.)
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.text import fold
from people.models import Person

# A picker, not a register: an officer who sees 20 names types more of the one they want.
PICK_LIMIT = 20


def name_or_number(text: str, person: str = "") -> Q:
    """Every folded word of `text` in the person's folded name, or `text` as their number.

    `person` is the path from the model searched to the person ("person__" from an
    assessment, "" from a person). "nguyen huong" finds "Nguyễn Thị Hương": the stored
    search_name and the query are folded alike (core.text.fold).
    """
    text = text.strip()
    by_name = Q()
    for word in fold(text).split():
        by_name &= Q(**{f"{person}search_name__contains": word})
    return by_name | Q(**{f"{person}service_number__iexact": text})


def people_matching(user: Any, text: str) -> QuerySet[Person]:
    """The people `user` may see who match `text`, by name, as a picker lists them."""
    if not text.strip():
        return Person.objects.none()
    return (
        Person.objects.restrict(user, "view")
        .filter(name_or_number(text))
        .select_related("rank", "organisation")
        .order_by("search_name", "pk")
    )

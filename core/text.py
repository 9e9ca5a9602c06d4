"""Text helpers for names written with Vietnamese diacritics: the folded form search matches,
and the Latin form UN documents print. Shared by every app that searches or prints names."""

from unidecode import unidecode


def fold(text: str) -> str:
    """Lower-case ASCII form used for search: "Nguyễn Thị Hương" → "nguyen thi huong".

    Stored beside the name and applied to the query, so accent-insensitive search is the same
    plain index lookup on SQLite and PostgreSQL (neither needs an extension).
    """
    return " ".join(unidecode(text or "").lower().split())


def latin_form(text: str) -> str:
    """The name in Latin letters without diacritics, as UN documents print it."""
    return " ".join(unidecode(text or "").split()).upper()

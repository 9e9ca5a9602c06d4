"""Exports that a spreadsheet opens safely."""

from __future__ import annotations

import tablib

# A cell starting with one of these is run as a formula by Excel and LibreOffice
# (CSV injection); prefixing an apostrophe makes it plain text again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(dataset: tablib.Dataset) -> None:
    """Rewrite, in place, every text cell of `dataset` that a spreadsheet would execute."""
    rows = [tuple(neutralise(cell) for cell in row) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)

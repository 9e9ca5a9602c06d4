"""Resolving the names a report prints to Country records, across the UN's spellings."""

from __future__ import annotations

from collections.abc import Iterable

from stats.country_names import COUNTRIES
from stats.models import Country, name_key


def ensure_countries() -> None:
    """Seed the country list if the table is empty (a database flushed by tests, or one
    created before the seeding migration ran); an edited list is left as it is."""
    if not Country.objects.exists():
        Country.objects.bulk_create(
            Country(iso3=iso3, name=name, aliases=aliases) for iso3, name, aliases in COUNTRIES
        )


class UnknownCountries(Exception):  # noqa: N818 - read as "unknown countries: ..."
    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def resolve(names: Iterable[str], countries: Iterable[Country] | None = None) -> dict[str, Country]:
    """Map every printed name to its country, or raise UnknownCountries listing the others.

    A name matches a country's name or one of its aliases, ignoring case, accents and
    punctuation. Some reports cut long names short ("United States of", "Bosnia and
    Herzeg"); such a name resolves only to the one country whose spellings start with it,
    leaving out the countries that the same report already names in full. Where that still
    leaves two candidates ("Republic of" for Korea or Moldova) or none, the name is unknown:
    never guessed.
    """
    countries = list(Country.objects.all() if countries is None else countries)
    by_key: dict[str, Country] = {}
    for country in countries:
        for key in country.keys():
            by_key[key] = country
    names = sorted(set(names))
    result: dict[str, Country] = {}
    cut_short: list[str] = []
    for name in names:
        country = by_key.get(name_key(name))
        if country is None:
            cut_short.append(name)
        else:
            result[name] = country
    named_in_full = {country.pk for country in result.values()}
    unknown: list[str] = []
    for name in cut_short:
        key = name_key(name)
        candidates = {
            country.pk: country
            for full_key, country in by_key.items()
            if len(key) >= 4 and full_key.startswith(key) and country.pk not in named_in_full
        }
        if len(candidates) == 1:
            result[name] = next(iter(candidates.values()))
        else:
            unknown.append(name)
    if unknown:
        raise UnknownCountries(unknown)
    return result

"""The interface in Vietnamese: every catalogue translated and compiled, chosen by the user."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
    ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
]
# %(name)s, %s, %d, {{ name }} (blocktranslate), {name} (str.format)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{ ?\w+ ?\}\}|\{\w+\}")


def ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def test_every_app_with_strings_has_a_vietnamese_catalogue():
    apps = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"core", "people", "missions", "units", "deployments", "training"} <= apps
    assert {"planning", "stats", "locale"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=ids(CATALOGUES))
def test_every_entry_is_translated_with_the_same_placeholders(path):
    catalogue = polib.pofile(str(path))

    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        source = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) <= source, (entry.msgid, text)
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == source, (entry.msgid, text)


@pytest.mark.parametrize("path", CATALOGUES, ids=ids(CATALOGUES))
def test_the_compiled_catalogue_says_what_its_source_says(path):
    source = polib.pofile(str(path))
    compiled = polib.mofile(str(path.with_suffix(".mo")))

    def table(catalogue):
        return {
            (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
            for e in catalogue
            if e.msgid and not e.obsolete
        }

    assert table(compiled) == table(source)


def test_a_page_shows_each_entry_as_its_catalogue_translates_it():
    """One merged catalogue serves every page: a word two catalogues translate differently
    (ours or Django's) would show only one way. Words Django's apps also translate are ours
    through blueberet/vocabulary.py."""
    differ = []
    with translation.override("vi"):
        for path in CATALOGUES:
            for entry in polib.pofile(str(path)).translated_entries():
                if entry.msgid_plural:
                    continue
                shown = (
                    translation.pgettext(entry.msgctxt, entry.msgid)
                    if entry.msgctxt
                    else translation.gettext(entry.msgid)
                )
                if shown != entry.msgstr:
                    differ.append((str(path.relative_to(ROOT)), entry.msgid, entry.msgstr, shown))

    assert differ == []


def test_a_user_who_chooses_vietnamese_reads_the_pages_in_vietnamese(client, viewer):
    client.force_login(viewer)

    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    html = client.get("/").content.decode()

    assert '<html lang="vi">' in html
    assert "Đăng xuất" in html  # Sign out
    assert "Sign out" not in html
    assert "· Người xem" in html  # the role, stored in English as "Viewer"


def test_a_vietnamese_browser_gets_vietnamese_before_anyone_chooses(client, db):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9,en;q=0.5").content.decode()

    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html  # Sign in


def test_english_stays_the_default(client, db):
    html = client.get("/login/").content.decode()

    assert '<html lang="en">' in html

"""Words Django's own apps translate too, which we translate our way.

Django merges every catalogue into one, and an app listed earlier in INSTALLED_APPS wins:
the admin's "History" ("Bản ghi nhớ") would replace ours. The project's catalogue
(locale/, LOCALE_PATHS) comes before every app, so these words are marked here, once, to be
translated there. core/tests/test_languages.py says which words need it: any entry that a
page would show differently from its catalogue.
"""

from django.utils.translation import gettext_noop

OURS_OVER_DJANGOS = [
    gettext_noop("Action"),
    gettext_noop("Add"),
    gettext_noop("Filter"),
    gettext_noop("History"),
    gettext_noop("Remove"),
    gettext_noop("Save"),
    gettext_noop("name"),
    gettext_noop("today"),
    # Within sentences ("one of the eight positions"), not capitalised as Django has them.
    gettext_noop("one"),
    gettext_noop("two"),
    gettext_noop("three"),
    gettext_noop("four"),
    gettext_noop("five"),
    gettext_noop("six"),
    gettext_noop("seven"),
    gettext_noop("eight"),
    gettext_noop("nine"),
]

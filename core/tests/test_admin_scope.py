"""The admin obeys the same scope as the pages: walked over every registered admin.

A staff administrator of the Ministry of Public Security meets, for every model the admin
site knows, a record of the defence ministry: it is not listed, its change, delete, history
and version pages answer as for an id that does not exist, and an add page given its id
(`add/?person=12`, as a raw-id field's lookup or a link would) does not name it. The same
administrator sees the public security ministry's own records, so that no check passes
vacuously.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import Client, RequestFactory

from core import roles, testing
from core.admin import (
    OWN_SCOPE_ADMINS,
    BlueBeretUserAdmin,
    RoleAdmin,
    ScopedAdmin,
    ScopedInlineMixin,
    SuperuserOnlyAdmin,
    has_history,
    unscoped_admins,
)
from core.admin_scope import scoped_choices
from core.tests.admin_records import one_of_everything, records_of


@pytest.fixture
def police_admin(mps):
    """A staff administrator of the Ministry of Public Security, not a superuser."""
    return testing.user("police-admin", roles.ADMINISTRATOR, mps["ministry"], is_staff=True)


@pytest.fixture
def both_ministries(mod, mps):
    return {
        "defence": one_of_everything(mod["hospital"], "defence"),
        "police": one_of_everything(mps["police"], "police"),
    }


def url(model, suffix=""):
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def missing_pk(model):
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1000


def answer(response):
    return response.status_code, response.get("Location")


def test_every_registered_admin_is_scoped():
    assert unscoped_admins(admin.site) == []
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, (ScopedAdmin, *OWN_SCOPE_ADMINS)), model
        assert model_admin.check() == [], model
        if isinstance(model_admin, ScopedAdmin):
            for inline in model_admin.inlines:
                assert issubclass(inline, ScopedInlineMixin), (model, inline)


def test_an_unscoped_registration_is_flagged():
    site = admin.AdminSite(name="elsewhere")
    site.register(Group, admin.ModelAdmin)
    site.register(Permission, ScopedAdmin)

    assert unscoped_admins(site) == ["auth.Group"]
    assert [error.id for error in site._registry[Permission].check()] == ["core.E001"]


def foreign_record(related, mod, defence_user):
    """A record of `related` that belongs to the defence ministry; None for a catalogue."""
    if issubclass(related, User):
        return defence_user
    if getattr(related, "organisation_path", None) is None:
        return None
    return records_of(related, mod["ministry"]).first()


def names(text, label):
    """Whether the page names `label` (as a word: not inside a token or another name)."""
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


def walk_add_page(client, model, mod, defence_user, viewer):
    """`add/?<field>=<id of the other ministry's record>` names nothing of that record, in a
    raw-id field's label, an autocomplete or a list of choices. The fields tried, by name."""
    opened = client.get(url(model, "add/"))
    if opened.status_code != 200:
        return set()
    tried = set()
    for name, field in opened.context["adminform"].form.fields.items():
        if not isinstance(field, ModelChoiceField) or isinstance(field, ModelMultipleChoiceField):
            continue
        related = field.queryset.model
        foreign = foreign_record(related, mod, defence_user)
        if foreign is None:
            continue
        label = str(foreign)
        visible = {str(record) for record in scoped_choices(viewer, related, None)}
        assert label not in visible, f"{label} is no name to find: make it distinctive"
        text = client.get(url(model, f"add/?{name}={foreign.pk}")).content.decode()
        assert not names(text, label), (model, name, label)
        assert url(related, f"{foreign.pk}/change/") not in text, (model, name)
        tried.add((model, name))
    return tried


def walk_scoped(client, model, mod, mps):
    """One model of organisation-scoped records: the other ministry's is nowhere to be seen."""
    foreign = records_of(model, mod["ministry"]).first()
    own = records_of(model, mps["ministry"]).first()
    assert foreign is not None and own is not None, f"build a {model._meta.label} in each ministry"
    missing = missing_pk(model)

    listing = client.get(url(model))
    assert listing.status_code == 200, model
    shown = set(listing.context["cl"].queryset.values_list("pk", flat=True))
    assert own.pk in shown and foreign.pk not in shown, model
    assert url(model, f"{foreign.pk}/change/") not in listing.content.decode()

    for page in ("change/", "delete/", "history/"):
        opened = client.get(url(model, f"{foreign.pk}/{page}"))
        assert answer(opened) == answer(client.get(url(model, f"{missing}/{page}"))), (model, page)
        assert opened.status_code in (302, 403, 404), (model, page)
    for page in ("change/", "history/"):
        assert client.get(url(model, f"{own.pk}/{page}")).status_code == 200, (model, page)
    assert client.get(url(model, "add/")).status_code in (200, 403), model

    if has_history(model):
        key = model._meta.pk.attname  # a historical record's own pk is its history_id
        version = model.history.filter(**{key: foreign.pk}).values_list("history_id", flat=True)[0]
        mine = model.history.filter(**{key: own.pk}).values_list("history_id", flat=True)[0]
        assert client.get(url(model, f"{foreign.pk}/history/{version}/")).status_code == 404
        assert client.get(url(model, f"{own.pk}/history/{mine}/")).status_code == 200
        # A version id of the other ministry's record, under one's own record's id.
        assert client.get(url(model, f"{own.pk}/history/{version}/")).status_code == 404


def walk_catalogue(client, model):
    """A shared catalogue: every holder of the permission reads all of it, as on the pages."""
    listing = client.get(url(model))
    assert listing.status_code == 200, model
    assert client.get(url(model, "add/")).status_code in (200, 403), model
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        assert first.pk in set(listing.context["cl"].queryset.values_list("pk", flat=True))
        assert client.get(url(model, f"{first.pk}/change/")).status_code == 200, model


def walk_users(client, model, defence_user, police_user):
    listing = client.get(url(model))
    shown = set(listing.context["cl"].queryset.values_list("pk", flat=True))
    assert police_user.pk in shown and defence_user.pk not in shown
    missing = missing_pk(model)
    for page in ("change/", "delete/", "history/", "password/"):
        opened = client.get(url(model, f"{defence_user.pk}/{page}"))
        assert answer(opened) == answer(client.get(url(model, f"{missing}/{page}"))), page
    assert client.get(url(model, f"{police_user.pk}/change/")).status_code == 200


def test_an_administrator_of_one_ministry_meets_none_of_the_others_records_in_any_admin(
    client, mod, mps, police_admin, both_ministries
):
    client.force_login(police_admin)
    walked, tried = set(), set()
    defence_user = both_ministries["defence"]["user"]

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ScopedAdmin):
            if getattr(model, "organisation_path", None) is None:
                walk_catalogue(client, model)
            else:
                walk_scoped(client, model, mod, mps)
            tried |= walk_add_page(client, model, mod, defence_user, police_admin)
        elif isinstance(model_admin, BlueBeretUserAdmin):
            police = both_ministries["police"]["user"]
            walk_users(client, model, both_ministries["defence"]["user"], police)
        elif isinstance(model_admin, RoleAdmin):
            # Roles span every ministry: read at most, never changed (test_admin_users).
            assert not model_admin.has_change_permission(request_of(police_admin))
        elif isinstance(model_admin, SuperuserOnlyAdmin):
            walk_superuser_only(model, mps)
        else:
            pytest.fail(f"{model._meta.label} has an admin of no known scope")
        walked.add(model)

    assert walked == set(admin.site._registry)
    # Every raw-id field was tried: Django's own widget names any record whose id it is given.
    raw_ids = {
        (model, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.raw_id_fields
    }
    assert raw_ids and raw_ids <= tried, raw_ids - tried


def walk_superuser_only(model, mps):
    """Records of no organisation: refused to a staff user even holding every permission."""
    name = f"holder-{model._meta.model_name}"
    holder = testing.user(name, roles.ADMINISTRATOR, mps["ministry"], is_staff=True)
    holder.user_permissions.add(
        *Permission.objects.filter(content_type__app_label=model._meta.app_label)
    )
    other = Client()
    other.force_login(holder)
    for page in ("", "add/", "1/change/"):
        assert other.get(url(model, page)).status_code in (403, 404), (model, page)


def request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_superuser_meets_both_ministries_in_the_admin(client, mod, mps, both_ministries):
    from people.models import Passport

    root = testing.user("root", roles.VIEWER, is_staff=True, is_superuser=True)
    client.force_login(root)

    listing = client.get(url(Passport))

    shown = set(listing.context["cl"].queryset.values_list("pk", flat=True))
    passports = {both_ministries[side]["passport"].pk for side in ("defence", "police")}
    assert passports <= shown


def test_the_admin_pages_of_a_record_carry_no_inline_style_or_script(client, mps):
    """The Content-Security-Policy (style-src and script-src 'self') would refuse them:
    simple-history's list of versions is overridden without its style attribute."""
    person = testing.person(mps["police"], "Phạm Thị Lan", service="police")
    person.full_name = "Renamed"
    person.save()  # two versions: the history page shows its paginator
    version = person.history.earliest().history_id
    root = testing.user("root", roles.VIEWER, is_staff=True, is_superuser=True)
    client.force_login(root)

    base = f"/admin/people/person/{person.pk}/"
    pages = ["/admin/people/person/", "change/", "history/", f"history/{version}/"]
    for page in [pages[0], *(base + page for page in pages[1:])]:
        opened = client.get(page)
        text = opened.content.decode()
        assert opened.status_code == 200, page
        assert " style=" not in text, page
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), page
        assert "<style" not in text, page
    assert 'class="paginator"' in client.get(base + "history/").content.decode()

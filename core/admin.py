from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.models import Membership, Organisation


class ScopedAdmin(SimpleHistoryAdmin):
    """The admin of records that belong to organisations: scoped by `restrict`, as the pages are.

    A record outside the user's organisations is neither listed nor opened (404), so the admin
    is no way around the access rules.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).restrict(request.user, "view")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    ordering = ("path",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    verbose_name = "organisation granted"
    verbose_name_plural = "organisations granted (with everything below them)"


# Users are managed where their roles (groups) are: organisation grants sit on the same page.
admin.site.unregister(User)


@admin.register(User)
class BlueBeretUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active", "role_names")

    @admin.display(description="roles")
    def role_names(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):  # noqa: ANN001, ANN201 - admin signature
        return super().get_queryset(request).prefetch_related("groups")


admin.site.site_header = "Blue Beret administration"
admin.site.site_title = "Blue Beret"

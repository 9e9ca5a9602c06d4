import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import Organisation


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    parent = tables.Column(verbose_name=_("Parent"))
    people_count = tables.Column(verbose_name=_("People"), orderable=True)

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "parent", "people_count")
        order_by = ("path",)

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import AccessEvent, Organisation


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    parent = tables.Column(verbose_name=_("Parent"))
    people_count = tables.Column(verbose_name=_("People"), orderable=True)

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "parent", "people_count")
        order_by = ("path",)


class AccessEventTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("User"))
    kind = tables.Column(verbose_name=_("Kind"))
    what = tables.Column(verbose_name=_("What"))
    rows = tables.Column(verbose_name=_("Rows"))
    address = tables.Column(verbose_name=_("From address"))
    organisation = tables.Column(verbose_name=_("Organisation"))
    path = tables.Column(verbose_name=_("Address on the site"), visible=False)

    class Meta:
        model = AccessEvent
        fields = ("at", "username", "kind", "what", "rows", "address", "organisation", "path")
        order_by = ("-at",)

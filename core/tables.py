from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from core.models import AccessEvent, Organisation

# As many rows as the API gives a script (core.api_base.Pagination.max_page_size).
MAX_PER_PAGE = 1000


class Table(tables.Table):
    """Every list page's table: the page size a query string asks for is kept in bounds.

    django-tables2 reads `?per_page=` with int() and hands it to the paginator as it is: a
    negative size fails (EmptyPage on page "0") and a huge one lists the whole table.
    """

    def paginate(
        self,
        paginator_class: type[Paginator] = Paginator,
        per_page: int | None = None,
        page: int = 1,
        *args: Any,
        **kwargs: Any,
    ) -> Table:
        if per_page is not None and not 1 <= per_page <= MAX_PER_PAGE:
            per_page = settings.PAGINATE_BY
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)


class OrganisationTable(Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    parent = tables.Column(verbose_name=_("Parent"))
    people_count = tables.Column(verbose_name=_("People"), orderable=True)

    class Meta:
        model = Organisation
        fields = ("name", "short_name", "kind", "parent", "people_count")
        order_by = ("path",)


class AccessEventTable(Table):
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

"""The access log page: administrators read who signed in and who read which personal data."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils.translation import gettext_lazy as _

from core.filtersets import AccessEventFilterSet
from core.models import AccessEvent
from core.tables import AccessEventTable
from core.views import generic


class AccessLogView(PermissionRequiredMixin, generic.ObjectListView):
    """Scoped like every list (an administrator reads the entries of their organisations'
    users); read-only: no add, edit or delete page exists. Its own export is logged too."""

    permission_required = "core.view_accessevent"
    queryset = AccessEvent.objects.select_related("organisation")
    filterset_class = AccessEventFilterSet
    table_class = AccessEventTable
    title = _("Access log")
    access_log = "access log"

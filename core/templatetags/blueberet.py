"""Template filters shared by every app."""

import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def days_from_today(day: datetime.date | None) -> str:
    """ "today", "in 3 days", "12 days ago": how a staff officer says a deadline."""
    if day is None:
        return ""
    delta = (day - timezone.localdate()).days
    if delta == 0:
        return _("today")
    if delta > 0:
        return ngettext("in %(n)d day", "in %(n)d days", delta) % {"n": delta}
    return ngettext("%(n)d day ago", "%(n)d days ago", -delta) % {"n": -delta}

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from core import schedule
        from stats import signals, tasks

        signals.connect()
        schedule.nightly(
            "recount_tallies", _("Recount the national figures"), tasks.recount_tallies
        )

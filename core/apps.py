from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import access_log
        from core.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
        access_log.connect_lockouts()
        # Signal receivers: the session clocks, and tokens revoked with a new password.
        from core import sessions, signin, tokens  # noqa: F401

        signin.hide_third_party_admins()
        # The task queue's own records: superusers look into it; users follow their jobs.
        from core.admin import for_superusers_only

        for_superusers_only(["django_tasks_database.DBTaskResult"])

        from django.utils.translation import gettext_lazy as _

        from core import schedule, tasks

        schedule.nightly("clean_up", _("Remove old access-log entries and jobs"), tasks.clean_up)

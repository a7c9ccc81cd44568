from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from enlist.core.health import register_readiness_check


class JobsConfig(AppConfig):
    name = "enlist.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from enlist.jobs import registry

        # Every app's handlers register when their modules are imported; the worker and the
        # admin need the whole list, so the modules that hold handlers are imported here.
        registry.autodiscover()
        # /readyz: a server whose queue cannot be read would accept work it cannot finish.
        register_readiness_check("queue", queue_readable)


def queue_readable() -> None:
    """Readiness check: raises QueueUnavailable when the job table cannot be read."""
    from enlist.jobs.selectors import queue_health

    queue_health()

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "enlist.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from enlist.jobs import registry

        # Every app's handlers register when their modules are imported; the worker and the
        # admin need the whole list, so the modules that hold handlers are imported here.
        registry.autodiscover()

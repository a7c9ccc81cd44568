from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "enlist.logistics"
    label = "logistics"
    verbose_name = _("Units")

    def ready(self) -> None:
        from enlist.cases.hooks import register_fact_provider
        from enlist.logistics.selectors import unit_facts

        register_fact_provider(unit_facts)

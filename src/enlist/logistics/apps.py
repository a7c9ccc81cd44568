from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "enlist.logistics"
    label = "logistics"

    def ready(self) -> None:
        from enlist.cases.hooks import register_fact_provider
        from enlist.logistics.selectors import unit_facts

        register_fact_provider(unit_facts)

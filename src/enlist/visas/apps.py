from django.apps import AppConfig


class VisasConfig(AppConfig):
    name = "enlist.visas"
    label = "visas"

    def ready(self) -> None:
        from enlist.cases.hooks import register_fact_provider
        from enlist.visas.selectors import visa_facts

        register_fact_provider(visa_facts)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enlist.core"
    label = "core"
    verbose_name = "Enlist core"

    def ready(self) -> None:
        from enlist.core.health import check_database, register_readiness_check

        register_readiness_check("database", check_database)

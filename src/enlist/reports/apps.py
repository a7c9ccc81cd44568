from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "enlist.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from enlist.audit.services import register_entry_listener
        from enlist.reports.services import tallies_on_entries

        register_entry_listener(tallies_on_entries)

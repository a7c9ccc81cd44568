from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "enlist.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from enlist.audit import checks, signals  # noqa: F401  (registers checks and receivers)

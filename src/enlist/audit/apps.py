from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "enlist.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from enlist.audit import checks, signals  # noqa: F401  (registers checks and receivers)
        from enlist.audit.keys import signing_key
        from enlist.core.health import register_readiness_check

        # /readyz and `enlist serve`: without its signing key the trail could sign no checkpoint.
        register_readiness_check("keys", signing_key)

from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "enlist.vault"
    label = "vault"

    def ready(self) -> None:
        from enlist.core.health import register_readiness_check

        # /readyz and `enlist serve`: a server without its keys could read no sealed value.
        register_readiness_check("keys", keys_load)


def keys_load() -> None:
    """Readiness check: the KEK ring and the blind-index key load (ImproperlyConfigured if not)."""
    from enlist.vault.keyring import blind_indexer, key_encryption_keys

    key_encryption_keys()
    blind_indexer()

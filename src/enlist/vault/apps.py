from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "enlist.vault"
    label = "vault"

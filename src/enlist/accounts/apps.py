from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "enlist.accounts"
    label = "accounts"

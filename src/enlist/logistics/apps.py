from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "enlist.logistics"
    label = "logistics"

from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "enlist.missions"
    label = "missions"

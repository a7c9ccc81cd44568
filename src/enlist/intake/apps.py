from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "enlist.intake"
    label = "intake"

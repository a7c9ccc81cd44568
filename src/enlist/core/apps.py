from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "enlist.core"
    label = "core"
    verbose_name = "Enlist core"

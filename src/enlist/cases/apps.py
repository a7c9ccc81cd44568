from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "enlist.cases"
    label = "cases"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "enlist.demo"
    label = "demo"

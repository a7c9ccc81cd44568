from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "enlist.workspace"
    label = "workspace"
    verbose_name = "Staff workspaces"

from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "enlist.mailin"
    label = "mailin"

    def ready(self) -> None:
        from enlist.intake.services import register_arrival_handler
        from enlist.mailin.services import drafts_complete_by_form

        register_arrival_handler(drafts_complete_by_form)

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "enlist.intake"
    label = "intake"

    def ready(self) -> None:
        from enlist.cases.hooks import register_erasure_handler
        from enlist.intake.services import idempotency_body_forget

        register_erasure_handler(idempotency_body_forget)

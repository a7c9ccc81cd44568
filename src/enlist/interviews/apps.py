from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "enlist.interviews"
    label = "interviews"
    verbose_name = _("Interviews")

    def ready(self) -> None:
        from enlist.cases.hooks import (
            register_fact_provider,
            register_stage_entry,
            register_transfer_handler,
        )
        from enlist.interviews import services
        from enlist.interviews.services import CANCELLING_STAGES

        register_fact_provider(services.interview_facts)
        # A case moved to another mission keeps no appointment with the old mission's panel.
        register_transfer_handler(services.interviews_cancel_on_transfer)
        for stage in CANCELLING_STAGES:
            register_stage_entry(stage, services.interviews_cancel_on_stage_entry)

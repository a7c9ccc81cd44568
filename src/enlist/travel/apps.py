from django.apps import AppConfig


class TravelConfig(AppConfig):
    name = "enlist.travel"
    label = "travel"

    def ready(self) -> None:
        from enlist.cases.hooks import register_fact_provider, register_stage_entry
        from enlist.cases.workflow import Stage
        from enlist.travel.services import (
            checkin_facts,
            packet_on_travel,
            packets_close_on_leaving,
        )

        # travel → arrived: the guard reads whether the check-in code was just used.
        register_fact_provider(checkin_facts)

        # A case entering travel gets its instructions packet in the same transaction; one
        # withdrawn or put on hold from travel loses it (its link and its check-in code).
        register_stage_entry(Stage.TRAVEL, packet_on_travel)
        register_stage_entry(Stage.WITHDRAWN, packets_close_on_leaving)
        register_stage_entry(Stage.ON_HOLD, packets_close_on_leaving)

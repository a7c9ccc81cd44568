from django.apps import AppConfig


class TravelConfig(AppConfig):
    name = "enlist.travel"
    label = "travel"

    def ready(self) -> None:
        from enlist.cases.hooks import register_stage_entry
        from enlist.cases.workflow import Stage
        from enlist.travel.services import packet_on_travel, packets_close_on_leaving

        # A case entering travel gets its instructions packet in the same transaction; one
        # withdrawn or put on hold from travel loses it (its link and its check-in code).
        register_stage_entry(Stage.TRAVEL, packet_on_travel)
        register_stage_entry(Stage.WITHDRAWN, packets_close_on_leaving)
        register_stage_entry(Stage.ON_HOLD, packets_close_on_leaving)

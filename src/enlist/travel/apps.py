from django.apps import AppConfig


class TravelConfig(AppConfig):
    name = "enlist.travel"
    label = "travel"

    def ready(self) -> None:
        from enlist.cases.hooks import register_stage_entry
        from enlist.cases.workflow import Stage
        from enlist.travel.services import packet_on_travel

        # A case entering travel gets its instructions packet in the same transaction.
        register_stage_entry(Stage.TRAVEL, packet_on_travel)

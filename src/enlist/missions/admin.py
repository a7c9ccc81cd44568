from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enlist.missions.models import Country, Mission
from enlist.missions.names import country_name, mission_name
from enlist.missions.place_names import city_name


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_in_reader_language", "advisory_status", "advisory_updated_at"]
    list_filter = ["advisory_status"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "advisory_updated_at"]

    # The stored name is the English one (the form edits it); the list reads as the pages do.
    @admin.display(description=_("name"), ordering="name")
    def name_in_reader_language(self, country: Country) -> str:
        return country_name(country)


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_in_reader_language", "kind", "country",
                    "city_in_reader_language", "timezone", "is_active"]  # fmt: skip
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "city"]
    autocomplete_fields = ["country"]

    @admin.display(description=_("name"), ordering="name")
    def name_in_reader_language(self, mission: Mission) -> str:
        return mission_name(mission)

    @admin.display(description=_("city"), ordering="city")
    def city_in_reader_language(self, mission: Mission) -> str:
        return city_name(mission.city)

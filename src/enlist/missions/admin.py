from django.contrib import admin

from enlist.missions.models import Country, Mission


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "advisory_status", "advisory_updated_at"]
    list_filter = ["advisory_status"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "advisory_updated_at"]


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "country", "city", "timezone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "city"]
    autocomplete_fields = ["country"]

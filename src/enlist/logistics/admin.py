from django.contrib import admin

from enlist.logistics.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "capacity", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ("name",)}
    fields = ["name", "code", "capacity", "languages", "nationalities", "specialties",
              "description", "is_active"]  # fmt: skip

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enlist.core.templatetags.reference_text import reference_text
from enlist.logistics.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name_in_reader_language", "code", "capacity", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ("name",)}
    fields = ["name", "code", "capacity", "languages", "nationalities", "specialties",
              "description", "is_active"]  # fmt: skip

    # A seeded unit's stored name is English (the form edits it); the list reads as the
    # staff pages do.
    @admin.display(description=_("name"), ordering="name")
    def name_in_reader_language(self, unit: Unit) -> str:
        return reference_text(unit.name)

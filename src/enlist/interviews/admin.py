from django.contrib import admin

from enlist.interviews.models import Interpreter, InterviewSettings, PanelProfile, Venue


@admin.register(InterviewSettings)
class InterviewSettingsAdmin(admin.ModelAdmin):
    list_display = ("mission", "length_minutes", "buffer_minutes", "in_person", "video")


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("mission", "name", "mode", "is_active")  # the video link stays on its page
    list_filter = ("mode", "is_active")


@admin.register(Interpreter)
class InterpreterAdmin(admin.ModelAdmin):
    list_display = ("mission", "name", "is_active")


@admin.register(PanelProfile)
class PanelProfileAdmin(admin.ModelAdmin):
    list_display = ("staff",)

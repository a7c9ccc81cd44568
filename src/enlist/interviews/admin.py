from django.contrib import admin
from django.db import models

from enlist.interviews.models import (
    AvailabilityException,
    Interpreter,
    InterviewSettings,
    PanelProfile,
    Venue,
    WeeklyHours,
)


@admin.register(InterviewSettings)
class InterviewSettingsAdmin(admin.ModelAdmin):
    list_display = ("mission", "length_minutes", "buffer_minutes", "in_person", "video")


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("mission", "name", "mode", "is_active")  # the video link stays on its page
    list_filter = ("mode", "is_active")
    # A video link typed without a scheme is https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Interpreter)
class InterpreterAdmin(admin.ModelAdmin):
    list_display = ("mission", "name", "is_active")


@admin.register(PanelProfile)
class PanelProfileAdmin(admin.ModelAdmin):
    list_display = ("staff",)


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(admin.ModelAdmin):
    """Interpreters' hours are kept here; attachés and consuls keep theirs on their page."""

    list_display = ("mission", "staff", "interpreter", "weekday", "start", "end")
    list_filter = ("mission",)


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ("mission", "staff", "interpreter", "date", "kind", "start", "end")
    list_filter = ("mission", "kind")

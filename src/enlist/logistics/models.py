"""National units inside the legion that arrived volunteers are assigned to."""

from __future__ import annotations

from django.db import models


class Unit(models.Model):
    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=60, unique=True)
    languages = models.JSONField(default=list, help_text='ISO 639-1 codes, e.g. ["be", "ru"]')
    capacity = models.PositiveIntegerField(help_text="How many volunteers it can take in.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

"""National units inside the legion, and which unit each arrived volunteer is assigned to.

A unit takes volunteers up to its capacity; its languages, nationalities and preferred
specialties feed the suggestion engine (`assignment.py`). A volunteer's stated preference is
recorded by HQ (the application form does not ask for one). Every assignment HQ makes, a
confirmed suggestion or an override with its reason, is kept: the current one is the unit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding


class Unit(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    languages = models.JSONField(
        _("languages"), default=list, help_text=_('ISO 639-1 codes, e.g. ["be", "ru"]')
    )
    nationalities = models.JSONField(
        _("nationalities"),
        default=list,
        blank=True,
        help_text=_('ISO 3166-1 codes it recruits from, e.g. ["BY"]'),
    )
    specialties = models.JSONField(
        _("specialties"),
        default=list,
        blank=True,
        help_text=_(
            "The military specialties it wants, by their codes in the legion's list (the "
            "English names in lower case)"
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), help_text=_("How many volunteers it can take in.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return gettext(self.name)  # a seeded unit's English name is a catalog message


class UnitPreference(models.Model):
    """The unit a volunteer said they want to join, as recorded by HQ (one per case)."""

    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, related_name="unit_preference"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"prefers {self.unit_id}"


class UnitAssignment(models.Model):
    """HQ's decision to place a volunteer in a unit: the suggestion confirmed, or overridden
    with a reason. Earlier decisions stay (is_current false) as the case's history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="unit_assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    suggested_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    score = models.IntegerField(null=True, blank=True, help_text="The unit's score when chosen.")
    overridden = models.BooleanField(default=False)
    reason = EncryptedField(null=True)  # why HQ chose otherwise: free text, may name people
    is_current = models.BooleanField(default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    vault_binding = KeyBinding(key="application.data_key")

    class Meta:
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(is_current=True),
                name="unitassignment_one_current",
            )
        ]
        indexes = [
            # places taken per unit: services.units_taken
            models.Index(fields=["unit", "is_current"], name="unitassignment_unit_current")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.unit_id}"

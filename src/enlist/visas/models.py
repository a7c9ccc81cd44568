"""The visa of a case and the consul's checklist of the documents each kind of visa needs.

The visa number and the consular notes are personal: EncryptedFields sealed with the
volunteer's data key, so erasing the case makes them unreadable. Type, status and dates stay in
clear: the workflow guard (visa → travel) and statistics read them, and they name no one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding


class VisaType(models.TextChoices):
    SHORT_STAY = "short_stay", _("Short-stay visa")
    LONG_STAY = "long_stay", _("Long-stay visa")
    TRANSIT = "transit", _("Transit visa")
    OTHER = "other", _("Other")


class VisaStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PREPARING = "preparing", _("Preparing")
    SUBMITTED = "submitted", _("Submitted")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


class Visa(models.Model):
    """The visa record of one case (at most one), kept up to date by the consul or HQ."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        "cases.Application", on_delete=models.CASCADE, related_name="visa"
    )
    visa_type = models.CharField(max_length=12, choices=VisaType.choices, blank=True)
    status = models.CharField(
        max_length=12, choices=VisaStatus.choices, default=VisaStatus.PREPARING
    )
    applied_on = models.DateField(null=True, blank=True)
    number = EncryptedField(null=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    consular_notes = EncryptedField(null=True)  # free text about the person
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    vault_binding = KeyBinding(key="application.data_key")

    def __str__(self) -> str:
        return f"visa {self.pk}"


class ChecklistItem(models.Model):
    """A document the consul requires for a visa type: at one mission, or everywhere (HQ)."""

    visa_type = models.CharField(max_length=12, choices=VisaType.choices)
    mission = models.ForeignKey(
        "missions.Mission",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: required at every mission (set by HQ).",
    )
    label = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            # the checklist of a visa type at a mission: visas.selectors.checklist_items
            models.Index(fields=["visa_type", "mission"], name="checklistitem_type_mission")
        ]

    def __str__(self) -> str:
        return self.label


class ChecklistMark(models.Model):
    """One required document ticked off for one case's visa."""

    visa = models.ForeignKey(Visa, on_delete=models.CASCADE, related_name="marks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visa", "item"], name="checklistmark_visa_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} checked"

"""Meeting points, route advice, the checklists of what to bring, and travel packets.

The meeting point is the most dangerous fact in the system: its address, coordinates and
contact procedure (and the route advice) are EncryptedFields sealed with a data key of their
own (one ``vault.DataKey`` per row), so a copied database or backup shows only codenames and
dates. A packet's PDF is sealed with the volunteer's data key, like their documents, and the
check-in code is stored only as a SHA-256 hash.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.fields import EncryptedField, KeyBinding
from enlist.vault.storage import EncryptedFileField


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> ValidityQuerySet:
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day
        )


class SealedVersion(models.Model):
    """A record HQ keeps in versions, valid from one day until another (or open-ended),
    sealed with a data key of its own (each concrete model declares its `data_key`).

    `revision` grows with every edit (``services.py: revision_save``): a packet records the
    revision it was made from, so HQ sees which packets are outdated and regenerates them.
    """

    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ValidityQuerySet.as_manager()
    vault_binding = KeyBinding(key="data_key")

    class Meta:
        abstract = True


class MeetingPoint(SealedVersion):
    """Where volunteers report on arrival."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        "vault.DataKey", on_delete=models.PROTECT, related_name="meeting_point"
    )
    name = models.CharField(
        max_length=120, help_text="A codename: it is stored in clear (lists, audit)."
    )
    address = EncryptedField()
    coordinates = EncryptedField()  # "50.4501, 30.5234"
    opening_hours = models.CharField(max_length=200)
    contact_procedure = EncryptedField()

    class Meta:
        ordering = ["-valid_from", "name"]
        # choosing the meeting point valid today
        indexes = [models.Index(fields=["valid_from", "valid_until"], name="meetingpoint_validity")]

    def __str__(self) -> str:
        return self.name


class RouteAdvice(SealedVersion):
    """How to travel from one country of departure (or from anywhere, `country` empty)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        "vault.DataKey", on_delete=models.PROTECT, related_name="route_advice"
    )
    country = models.ForeignKey(
        "missions.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Country of departure; empty: advice for any country without its own.",
    )
    border_crossing = EncryptedField()
    transport = EncryptedField()

    class Meta:
        ordering = ["country_id", "-valid_from"]
        # the advice valid today for one country of departure
        indexes = [
            models.Index(
                fields=["country", "valid_from", "valid_until"], name="routeadvice_validity"
            )
        ]

    def __str__(self) -> str:
        return f"route from {self.country_id or 'any country'}"


class ChecklistKind(models.TextChoices):
    DOCUMENT = "document", _("Document to carry")
    EQUIPMENT = "equipment", _("Recommended equipment")


class ChecklistItem(models.Model):
    """One line of the documents to carry or of the recommended equipment, set by HQ.

    `name` is English; `translations` maps a language code to the text in that language.
    A seeded item's English name is also a msgid in the catalogs, the fallback when HQ has
    not written a translation.
    """

    kind = models.CharField(max_length=10, choices=ChecklistKind.choices)
    name = models.CharField(max_length=200)
    translations = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position", "pk"]

    def __str__(self) -> str:
        return self.name


def _packet_path(instance: TravelPacket, filename: str) -> str:
    return f"packets/{uuid.uuid4().hex}"  # random: nothing about the volunteer on the disk


class TravelPacket(models.Model):
    """The travel instructions of one case: a PDF, a check-in code and an emailed link.

    Never edited: when the meeting point or route changes, a new packet replaces it and this
    one is invalidated (its code and link with it). At most one current packet per case.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.CASCADE, related_name="travel_packets"
    )
    meeting_point = models.ForeignKey(MeetingPoint, on_delete=models.PROTECT, related_name="+")
    meeting_point_revision = models.PositiveIntegerField()
    route = models.ForeignKey(
        RouteAdvice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    route_revision = models.PositiveIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8)
    arrival_from = models.DateField()
    arrival_until = models.DateField()
    # Made by the worker (travel/jobs.py) from the check-in code, which is kept sealed with
    # the volunteer's key like the PDF that shows it; empty until then.
    pdf = EncryptedFileField(upload_to=_packet_path, max_length=200, blank=True)
    code_sealed = EncryptedField(null=True)
    token_hash = models.CharField(max_length=64, unique=True)
    token_expires_at = models.DateTimeField()
    token_used_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    vault_binding = KeyBinding(key="application.data_key")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(invalidated_at__isnull=True),
                name="travelpacket_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"travel packet {self.pk}"

    @property
    def is_current(self) -> bool:
        return self.invalidated_at is None

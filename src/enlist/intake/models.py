"""Idempotency records for intake: a retried submission returns the first answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """Remembers which application an Idempotency-Key created, and a keyed digest of its body.

    The body itself is not kept (it is personal data); its HMAC is enough to tell a retry
    from a different request reusing the key.
    """

    key_digest = models.BinaryField(max_length=32, unique=True)
    body_digest = models.BinaryField(max_length=32)
    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"idempotency record #{self.pk}"


class ImportMapping(models.Model):
    """A mission's saved spreadsheet mapping: column header → intake field
    (``intake.spreadsheet.FIELDS``). Headers are staff's own labels, not personal data."""

    mission = models.OneToOneField(
        "missions.Mission", on_delete=models.CASCADE, related_name="import_mapping"
    )
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import mapping of mission #{self.mission_id}"

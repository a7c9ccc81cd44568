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

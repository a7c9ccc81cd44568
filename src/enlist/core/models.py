"""The shared counters' table (``core/counters.py``): one row per counter and window."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """Hits on one counter (a rate limit's client, an applicant's emails today) in its
    current window, which ends at `expires` (Unix seconds). Keys are hashes: no address or
    id in clear. Written only by ``counters.counter_hit`` (one atomic upsert)."""

    digest = models.CharField(max_length=100, primary_key=True)
    count = models.BigIntegerField()
    expires = models.BigIntegerField()

    class Meta:
        indexes = [
            # The daily purge of windows that are over (jobs.purge).
            models.Index(fields=["expires"], name="counter_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.digest}: {self.count}"

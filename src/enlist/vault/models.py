"""Data keys: one per volunteer, stored only wrapped by a key-encryption key.

A row holds no usable secret without the KEK ring (``vault.keyring``), which lives outside the
database. Destroying a row's wrapped bytes crypto-shreds every value and file sealed with it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlist.vault.envelope import DataErased, DataKeyCipher, WrappedKey
from enlist.vault.keyring import key_encryption_keys


class Destruction(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    REQUEST = "request", _("Erased at the applicant's request")


class DataKey(models.Model):
    """A 256-bit data key wrapped by KEK version ``kek_version``; wiped when destroyed.

    Live: ``wrapped`` and ``kek_version`` set, ``destroyed_at`` empty. Destroyed: the reverse,
    enforced by the ``datakey_live_or_destroyed`` constraint. The unwrapped key is kept on this
    instance only (so for one request), never in a process-wide cache: a key destroyed by
    another process is gone at the next request.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wrapped = models.BinaryField(max_length=64, null=True)
    kek_version = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destruction = models.CharField(max_length=12, choices=Destruction.choices, blank=True)

    class Meta:
        indexes = [
            # `enlist keys rotate` and `keys status`: live keys not under the active KEK version
            models.Index(fields=["kek_version"], name="datakey_kek_version"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(destroyed_at__isnull=True, wrapped__isnull=False, kek_version__isnull=False)
                    | Q(destroyed_at__isnull=False, wrapped__isnull=True, kek_version__isnull=True)
                ),
                name="datakey_live_or_destroyed",
            )
        ]

    def __str__(self) -> str:
        return f"data key {self.pk}"

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_cipher", None)  # never pickle an unwrapped key (caches, copies)
        return state

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None

    def cipher(self) -> DataKeyCipher:
        """The unwrapped key as a cipher, unwrapped once per instance.

        Raises DataErased once destroyed, KeyUnavailable when its KEK version left the ring.
        """
        cached = self.__dict__.get("_cipher")
        if cached is not None:
            return cached
        if self.is_destroyed or self.wrapped is None or self.kek_version is None:
            raise DataErased("this volunteer's data was erased")
        key = key_encryption_keys().unwrap(
            WrappedKey(version=self.kek_version, wrapped=bytes(self.wrapped)), key_id=self.pk.bytes
        )
        cipher = DataKeyCipher(key)
        self.__dict__["_cipher"] = cipher
        return cipher

    def forget(self) -> None:
        """Drop the unwrapped key from this instance."""
        self.__dict__.pop("_cipher", None)

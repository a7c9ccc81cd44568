"""Erasure forgets the blocking digests: a keyed digest of a name and birth date still
confirms a guess, so it goes with the case's other digests when its data key is destroyed."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from enlist.matching.models import MatchKey
from enlist.vault.models import DataKey


@receiver(post_save, sender=DataKey, dispatch_uid="matching-forget-erased")
def _forget_erased(sender: type[DataKey], instance: DataKey, **kwargs: Any) -> None:
    if instance.destroyed_at is not None:
        MatchKey.objects.filter(application__data_key=instance).delete()

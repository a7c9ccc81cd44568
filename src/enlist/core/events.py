"""Signals that must be heard: how a lower app tells an upper one what it did.

The apps are layered (ARCHITECTURE.md, "Layers"): the vault, the queue and the staff accounts
sit below the audit trail and cannot import it, yet what they do must be recorded there. Each
defines its events as ``RequiredSignal``s; the trail connects its receivers in its ``ready()``
(``audit/signals.py``). Django sends a signal synchronously, inside the sender's transaction,
so the entry is written, or rolled back, with the change; a receiver's error reaches the
sender. Sending with nothing connected raises instead of going unrecorded.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal


class RequiredSignal(Signal):
    """A signal that refuses to be sent when no receiver is connected."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def send(self, sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        if not self.has_listeners(sender):
            raise ImproperlyConfigured(f"No receiver is connected to {self.name}.")
        return super().send(sender, **named)

"""What the vault tells the apps above it (``core/events.py``): the audit trail records each
event in the sender's transaction (``audit/signals.py``); the vault imports nothing above it."""

from __future__ import annotations

from enlist.core.events import RequiredSignal

#: The data keys were re-wrapped under the active KEK: ``version`` (that KEK's),
#: ``count`` (how many were re-wrapped), ``via`` (``"cli"``).
data_keys_rotated = RequiredSignal("vault.data_keys_rotated")

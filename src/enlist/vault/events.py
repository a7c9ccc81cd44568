"""What the vault tells the apps above it, as Django signals.

A signal is sent synchronously, inside the sender's transaction, so a receiver's writes (the
audit trail's entry) commit or roll back with the change itself. The vault imports nothing
above it; the audit trail subscribes in ``audit/signals.py``.
"""

from __future__ import annotations

from django.dispatch import Signal

#: The data keys were re-wrapped under the active KEK: ``version`` (that KEK's),
#: ``count`` (how many were re-wrapped), ``via`` (``"cli"``).
data_keys_rotated = Signal()

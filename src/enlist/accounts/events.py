"""What the staff accounts tell the apps above them (``core/events.py``): changes to a user's
second factors and sessions, and a passed step-up. The audit trail records each in the
sender's transaction (``audit/signals.py``); accounts sit below the trail and cannot import it.
"""

from __future__ import annotations

from enlist.core.events import RequiredSignal

#: A user's second factors or sessions changed: ``user`` (whose), ``actor`` (who did it; None
#: for the command line), ``change`` (``"passkey_add"``, ``"session_end"``…), ``detail`` (ids
#: and labels only, never a secret).
security_changed = RequiredSignal("accounts.security_changed")

#: A signed-in user confirmed a fresh second factor: ``user``.
stepped_up = RequiredSignal("accounts.stepped_up")

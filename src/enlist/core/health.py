"""Liveness and readiness: ``/healthz`` (the process answers) and ``/readyz`` (it can serve).

Readiness is a small list of named checks; each app registers its own in its ``ready()``
with ``register_readiness_check(name, fn)``. A check returns nothing when all is well and
raises (anything) when not. ``/readyz`` runs them all and answers 200 with
``{"status": "ready", "checks": {name: "ok"}}``, or 503 naming the failing checks with
``"failed"`` only: the reason goes to the log (type only), never to an unauthenticated caller.
Registered here: ``database`` (a query on the default connection) and ``keys`` (the KEK ring,
the blind-index key and the audit signing key load); ``enlist.jobs`` registers ``queue`` (the
job table can be read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger("enlist.health")

ReadinessCheck = Callable[[], None]
_CHECKS: dict[str, ReadinessCheck] = {}


def register_readiness_check(name: str, check: ReadinessCheck) -> None:
    """Add (or replace) the check `name`; `/readyz` runs every registered check in order."""
    _CHECKS[name] = check


def readiness_checks() -> dict[str, ReadinessCheck]:
    return dict(_CHECKS)


def readiness() -> dict[str, bool]:
    """Run every check: {name: passed}. A failure is logged by name and exception type only."""
    results = {}
    for name, check in _CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001  (any failure means "not ready")
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = False
        else:
            results[name] = True
    return results


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_keys() -> None:
    from enlist.audit.keys import signing_key
    from enlist.vault.keyring import blind_indexer, key_encryption_keys

    key_encryption_keys()
    blind_indexer()
    signing_key()

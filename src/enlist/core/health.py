"""Liveness and readiness: ``/healthz`` (the process answers) and ``/readyz`` (it can serve).

Readiness is a small list of named checks; each app registers its own in its ``ready()``
with ``register_readiness_check(name, fn)``, so this module knows none of them. Several apps
may add to one name (the name passes when all of its checks do). A check returns nothing when
all is well and raises (anything) when not. ``/readyz`` runs them all and answers 200 with
``{"status": "ready", "checks": {name: "ok"}}``, or 503 naming the failing checks with
``"failed"`` only: the reason goes to the log (type only), never to an unauthenticated caller.
Registered here: ``database`` (a query on the default connection). ``keys``: ``enlist.vault``
adds the KEK ring and the blind-index key, ``enlist.audit`` the checkpoint signing key
(``enlist serve`` loads them once with ``run_checks("keys")``); ``enlist.jobs`` registers
``queue`` (the job table can be read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger("enlist.health")

ReadinessCheck = Callable[[], object]  # its result is ignored; raising means "not ready"
_CHECKS: dict[str, list[ReadinessCheck]] = {}


def register_readiness_check(name: str, check: ReadinessCheck) -> None:
    """Add `check` under `name` (once: registering it again changes nothing); `/readyz` runs
    every registered check, names in the order they were first registered."""
    checks = _CHECKS.setdefault(name, [])
    if check not in checks:
        checks.append(check)


def readiness_checks() -> dict[str, list[ReadinessCheck]]:
    return {name: list(checks) for name, checks in _CHECKS.items()}


def run_checks(name: str) -> None:
    """Run every check registered under `name`, letting the first failure raise as it is
    (``enlist serve`` shows a missing key's configuration error, not "not ready")."""
    for check in _CHECKS.get(name, ()):
        check()


def readiness() -> dict[str, bool]:
    """Run every check: {name: passed}. A failure is logged by name and exception type only."""
    results = {}
    for name in _CHECKS:
        try:
            run_checks(name)
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

"""Which job kinds exist, the function that runs each, and the periodic schedule.

    @job_handler("mail.interview_invitation")
    def send_invitation_job(*, interview: int) -> None: ...

    periodic("interviews.remind", every=timedelta(hours=1))

A handler is called with the job's payload as keyword arguments (ids only) and runs outside
any transaction: it opens its own, short ones. It must be idempotent — a job can run twice
(its worker was killed after the effect, before the job was marked done) — so a handler whose
effect cannot be rolled back (an email) records it under a key first
(``enlist.jobs.mail.mail_send_once``), and one that writes rows checks them under a row lock.

Handlers live in each app's ``jobs.py``; ``autodiscover`` (called from ``JobsConfig.ready``)
imports those modules, and the modules named in ``ENLIST_JOB_MODULES``.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


@dataclass(frozen=True)
class Handler:
    kind: str
    func: Callable[..., Any]
    max_attempts: int | None = None  # None: settings.ENLIST_JOB_MAX_ATTEMPTS


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: datetime.timedelta
    payload: dict[str, Any] = field(default_factory=dict)


_handlers: dict[str, Handler] = {}
_periodic: dict[str, Periodic] = {}


def job_handler(kind: str, *, max_attempts: int | None = None) -> Callable:
    """Register the decorated function as the handler of `kind` (one handler per kind)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _handlers.get(kind)
        # The same function imported again (a test re-import) is not a second handler.
        same = existing is not None and (existing.func.__module__, existing.func.__qualname__) == (
            func.__module__,
            func.__qualname__,
        )
        if existing is not None and not same:
            raise ValueError(f"job kind {kind!r} already has a handler")
        _handlers[kind] = Handler(kind=kind, func=func, max_attempts=max_attempts)
        return func

    return register


def periodic(kind: str, *, every: datetime.timedelta, payload: dict | None = None) -> None:
    """Run the job `kind` once every `every` (slots counted from 1970-01-01 UTC, so an hourly
    job runs at the top of each hour and a daily one just after midnight UTC), however many
    workers run: each slot is one job, deduplicated by its key."""
    if every < datetime.timedelta(minutes=1):
        raise ValueError("a periodic job runs at most once a minute")
    _periodic[kind] = Periodic(kind=kind, every=every, payload=dict(payload or {}))


def handler_for(kind: str) -> Handler | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)


def schedule() -> list[Periodic]:
    return [_periodic[kind] for kind in sorted(_periodic)]


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("enlist.") and module_has_submodule(config.module, "jobs"):
            importlib.import_module(f"{config.name}.jobs")
    for name in getattr(settings, "ENLIST_JOB_MODULES", []):
        importlib.import_module(name)

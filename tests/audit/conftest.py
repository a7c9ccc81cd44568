"""Audit test helpers: an isolated checkpoint file, `verify()` through the CLI, raw tampering
as an attacker with database access would do it, and everything written to the trail."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from enlist.audit import keys
from enlist.audit.models import AuditEntry, AuditSubject

try:
    from tests.conftest import sign_in
except ImportError:  # before staff sign-in needed a second factor

    def sign_in(client, user):
        client.force_login(user)
        return client


__all__ = ["sign_in"]

TABLES = ("audit_auditentry", "audit_auditsubject")


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings, tmp_path):
    settings.ENLIST_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    settings.ENLIST_AUDIT_CHECKPOINT_EVERY = 1000
    keys.reset_caches()
    yield
    keys.reset_caches()


def verify() -> tuple[int, str]:
    """`enlist audit verify` → (exit code, what it printed on stdout and stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--no-progress", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def checkpoint() -> str:
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    return out.getvalue().strip()


@contextmanager
def tampering() -> Iterator[Any]:
    """A raw cursor on the audit tables. On PostgreSQL the append-only triggers are switched
    off first, as the tables' owner could; the test's transaction switches them back on."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # ALTER TABLE needs the deferred foreign-key checks of earlier inserts done first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        yield cursor
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def column_value(field: str, value: Any) -> Any:
    return AuditEntry._meta.get_field(field).get_db_prep_value(value, connection)


def entry_pk(sequence: int) -> int:
    return AuditEntry.objects.values_list("pk", flat=True).get(sequence=sequence)


def delete_entries(cursor: Any, sequences: list[int]) -> None:
    pks = [entry_pk(s) for s in sequences]
    for pk in pks:
        cursor.execute("DELETE FROM audit_auditsubject WHERE entry_id = %s", [pk])
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [pk])


def trail_dump() -> str:
    """Every stored audit row, both tables, as one JSON text (to search for personal values)."""
    rows = {
        "entries": list(AuditEntry.objects.order_by("sequence").values()),
        "subjects": list(AuditSubject.objects.values()),
    }
    return json.dumps(rows, default=str, ensure_ascii=False)


def last(action: str | None = None) -> AuditEntry:
    entries = AuditEntry.objects.order_by("-sequence")
    if action:
        entries = entries.filter(action=action)
    return entries.first()

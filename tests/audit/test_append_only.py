"""Audit rows are never changed or deleted: the ORM refuses on every database, PostgreSQL's
trigger refuses any UPDATE or DELETE, and concurrent appends form one gap-free chain."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time

import pytest
from django.db import DatabaseError, connection, connections, transaction

from enlist.audit.models import AuditEntry, AuditSubject
from enlist.audit.services import audit_record
from tests.audit.conftest import verify
from tests.core.test_serve import enlist_argv, run_enlist, subprocess_env

CASE = "0b9c2a59-3f0e-4b55-8a3c-33e3b1f9c001"


@pytest.fixture
def entry(db):
    return audit_record(
        actor=None, actor_role="system", action="view", target=("application", CASE)
    )


def test_the_orm_refuses_to_change_or_delete_an_entry(entry):
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(actor_username="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditSubject.objects.all().delete()

    assert verify()[0] == 0


STATEMENTS = [
    "UPDATE audit_auditentry SET actor_username = 'x' WHERE id = %(entry)s",
    "DELETE FROM audit_auditentry WHERE id = %(entry)s",
    "UPDATE audit_auditsubject SET entry_id = entry_id WHERE entry_id = %(entry)s",
    "DELETE FROM audit_auditsubject WHERE entry_id = %(entry)s",
]


@pytest.mark.postgres_only("the append-only triggers exist on PostgreSQL only")
@pytest.mark.parametrize("statement", STATEMENTS)
def test_raw_update_and_delete_are_refused_by_the_trigger(entry, statement):
    """PostgreSQL: the trigger refuses the statement and nothing changes."""
    sql = statement % {"entry": int(entry.pk)}
    with (
        pytest.raises(DatabaseError, match="audit rows are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.filter(pk=entry.pk, actor_username="").exists()
    assert AuditSubject.objects.filter(entry=entry).count() == 1
    assert verify()[0] == 0


@pytest.mark.sqlite_only("SQLite has no trigger: a raw edit goes through, and verify names it")
@pytest.mark.parametrize("statement", STATEMENTS)
def test_raw_update_and_delete_on_sqlite_are_caught_by_verify(entry, statement):
    """SQLite has no such trigger (the ORM is its guard): the statement goes through, and
    `enlist audit verify` names the entry."""
    sql = statement % {"entry": int(entry.pk)}
    with connection.cursor() as cursor:
        if statement.startswith("DELETE FROM audit_auditentry"):
            cursor.execute("DELETE FROM audit_auditsubject WHERE entry_id = %s", [entry.pk])
        cursor.execute(sql)
    code, output = verify()
    if "UPDATE audit_auditsubject" in statement:
        assert code == 0  # a no-op update changes nothing
    else:
        assert code == 1
        assert f"entry #{entry.sequence}" in output


def test_the_trigger_exists_exactly_on_postgresql(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "('audit_auditentry'::regclass, 'audit_auditsubject'::regclass) ORDER BY tgname"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "audit_auditentry_append_only",
                "audit_auditsubject_append_only",
            ]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            assert [row[0] for row in cursor.fetchall()] == []


THREADS = 6
PROCESSES = 4  # each starts Django: fewer than the threads, for the suite's time
EACH = 40


def _append_many(start: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        start.wait(timeout=60)
        for number in range(EACH):
            with transaction.atomic():
                audit_record(
                    actor=None, actor_role="system", action="search", detail={"count": number}
                )
    except BaseException as exc:  # noqa: BLE001  (reported by the test)
        errors.append(exc)
    finally:
        connections.close_all()


APPEND_SCRIPT = """
import pathlib, time
from django.db import transaction
from enlist.audit.services import audit_record
pathlib.Path("ready-{name}").touch()
deadline = time.monotonic() + 60
while not pathlib.Path("go").exists() and time.monotonic() < deadline:
    time.sleep(0.01)
for number in range({each}):
    with transaction.atomic():
        audit_record(actor=None, actor_role="system", action="search", detail={{"count": number}})
"""


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_gap_free_chain(tmp_path):
    """PostgreSQL: threads, each with its own connection, append at once; the head row lock
    serialises them. SQLite (whose in-memory test database one connection owns) gets the same
    from separate processes on a database file: every transaction begins IMMEDIATE."""
    if connection.vendor == "postgresql":
        errors: list[BaseException] = []
        start = threading.Barrier(THREADS)
        threads = [
            threading.Thread(target=_append_many, args=(start, errors)) for _ in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        sequences = list(AuditEntry.objects.values_list("sequence", flat=True))
        assert sequences == list(range(1, THREADS * EACH + 1))
        assert verify() == (0, f"intact ({THREADS * EACH} entries, 0 checkpoints)\n")
    else:
        assert connection.vendor == "sqlite"
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        run_enlist(data_dir, "migrate", "--verbosity", "0")
        processes = [
            subprocess.Popen(  # noqa: S603  (our own console script)
                enlist_argv("shell", "-c", APPEND_SCRIPT.format(each=EACH, name=number)),
                env=subprocess_env(data_dir),
                cwd=data_dir,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for number in range(PROCESSES)
        ]
        # All of them started and set up: let them append at once.
        deadline = time.monotonic() + 90
        while len(list(data_dir.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
            time.sleep(0.05)
        (data_dir / "go").touch()
        outcomes = [process.communicate(timeout=120) for process in processes]
        assert [process.returncode for process in processes] == [0] * PROCESSES, outcomes
        result = run_enlist(data_dir, "audit", "verify")
        assert result.stdout == f"intact ({PROCESSES * EACH} entries, 0 checkpoints)\n"


def test_the_console_script_exits_1_naming_the_broken_entry(tmp_path):
    """The CLI contract, end to end in a real process: 0 intact, 1 with the first broken one."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")
    (data_dir / "go").touch()
    run_enlist(data_dir, "shell", "-c", APPEND_SCRIPT.format(each=3, name=0))
    assert run_enlist(data_dir, "audit", "verify").stdout == "intact (3 entries, 0 checkpoints)\n"
    checkpoint = run_enlist(data_dir, "audit", "checkpoint").stdout
    assert '"size":3' in checkpoint

    with sqlite3.connect(data_dir / "enlist.sqlite3") as database:
        database.execute("UPDATE audit_auditentry SET action = 'view' WHERE sequence = 2")
    broken = run_enlist(data_dir, "audit", "verify", check=False)

    assert broken.returncode == 1
    assert broken.stdout == ""
    assert broken.stderr == (
        "broken at entry #2: entry #2 was altered: its content no longer matches its hash\n"
    )

"""SQLite's write transactions queue on a file lock beside the database (core/sqlite/base.py):
held from BEGIN to COMMIT or ROLLBACK, given to the next writer when released."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import threading

import pytest
from django.db.utils import ConnectionHandler


@contextlib.contextmanager
def write_transaction(connection):
    """What ``transaction.atomic`` does on SQLite, for a connection of our own handler."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


@pytest.fixture
def handler(tmp_path, django_db_blocker):
    """Two connections to a SQLite file of their own (not the test database)."""
    with django_db_blocker.unblock():
        yield from _handler(tmp_path)


def _handler(tmp_path):
    database = {
        "ENGINE": "enlist.core.sqlite",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
    connections = ConnectionHandler({"default": database, "two": dict(database)})
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
    yield connections, tmp_path / "db.sqlite3-writelock"
    connections.close_all()


def _held(path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_a_write_transaction_holds_the_file_lock_until_commit_or_rollback(handler):
    connections, lock = handler
    with write_transaction(connections["default"]):
        connections["default"].cursor().execute("INSERT INTO t VALUES (1)")
        assert _held(lock)
    assert not _held(lock)
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    with pytest.raises(RuntimeError), write_transaction(connections["default"]):
        assert _held(lock)
        raise RuntimeError("rolled back")
    assert not _held(lock)
    # Writes outside a transaction (autocommit) neither take nor wait for it.
    connections["default"].cursor().execute("INSERT INTO t VALUES (2)")
    assert not _held(lock)


def test_the_next_writer_waits_on_the_file_lock_then_goes(handler):
    connections, lock = handler
    order: list[str] = []
    entered = threading.Event()

    def second() -> None:
        with write_transaction(connections["two"]):  # this thread's own connection
            order.append("second")
            entered.set()
        connections["two"].close()

    with write_transaction(connections["default"]):
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not entered.wait(0.5)  # blocked while the first holds the lock
        order.append("first")
    waiting.join(timeout=30)
    assert order == ["first", "second"]
    assert not _held(lock)

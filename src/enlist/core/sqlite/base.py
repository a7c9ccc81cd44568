"""Django's SQLite backend, with write transactions that take turns in the kernel.

Every transaction begins IMMEDIATE (settings), so it takes SQLite's one write lock at BEGIN.
A connection that finds the lock held does not wait for it to be released: SQLite's busy
handler sleeps and retries (1, 2, 5, 10 … up to 100 ms a nap), so under a burst of
submissions from several server processes the lock sits free while the next writer sleeps,
and a few unlucky ones retry for seconds (the p99). Here each write transaction first takes
an exclusive ``flock`` on a file beside the database (``<database>-writelock``), which the
kernel hands to the next waiter the moment it is released, then begins; commit or rollback
releases it. Writers therefore queue in arrival order with no idle gap, and SQLite's own
lock is free whenever one of ours is granted (writes outside a transaction, which do not
take the flock, still wait on SQLite's busy timeout as before, and never hold the flock).

In-memory databases (the test suite's) have no file and no other process: no flock.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None

    def _write_lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writelock"

    def _write_lock_take(self) -> None:
        path = self._write_lock_path()
        if path is None or self._write_lock_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._write_lock_fd = fd

    def _write_lock_release(self) -> None:
        fd, self._write_lock_fd = self._write_lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases its flock

    def _start_transaction_under_autocommit(self) -> None:
        self._write_lock_take()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # Django's own; not in the stubs
        except BaseException:
            self._write_lock_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # Django's own; not in the stubs
        finally:
            self._write_lock_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's own; not in the stubs
        finally:
            self._write_lock_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's own; not in the stubs
        finally:
            self._write_lock_release()

"""Job handlers for the queue's own tests: one that fails, one that works slowly.

Imported by the tests in this process, and by a worker subprocess through
``ENLIST_JOB_MODULES=tests.jobs.handlers``. The slow one reports through files in
``ENLIST_TEST_JOB_DIR`` (a payload holds ids only, never a path): `started-<n>` when it
begins, a line `<n>` appended to `done` when it ends; while the file `block` exists it waits
(up to a minute) before ending, so a test can kill or stop the worker mid-job.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from enlist.jobs.registry import job_handler

calls: list[int] = []


class Refused(Exception):
    pass


@job_handler("test.fail", max_attempts=3)
def fail(*, n: int) -> None:
    calls.append(n)
    raise Refused("550 o.kovalenko@example.org unavailable")  # never stored or logged


@job_handler("test.count")
def count(*, n: int) -> None:
    calls.append(n)


@job_handler("test.slow")
def slow(*, n: int) -> None:
    folder = Path(os.environ["ENLIST_TEST_JOB_DIR"])
    (folder / f"started-{n}").touch()
    deadline = time.monotonic() + 60
    while (folder / "block").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    with open(folder / "done", "a", encoding="utf-8") as done:
        done.write(f"{n}\n")

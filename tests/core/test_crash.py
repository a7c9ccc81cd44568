"""The crash test's short form (benchmarks/crash_test.py): kill -9 of server and worker under
load.

60 submissions from 4 clients with Idempotency-Key and retries, the server (master and
workers at once) and the job worker beside it killed twice and started again: 0
acknowledged submissions lost, 0 duplicates, the audit chain intact, every matching job
done and no pair recorded twice. On SQLite always, on PostgreSQL when the suite runs
there (in throw-away databases on the same server).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "crash_test.py"


def engines() -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    return ["sqlite", "postgresql"] if url.startswith("postgres") else ["sqlite"]


@pytest.mark.parametrize("engine", engines())
def test_kill_9_under_load_loses_and_duplicates_nothing(engine):
    server = os.environ.get("DATABASE_URL", "").rpartition("/")[0]
    result = subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [sys.executable, str(SCRIPT), "--submissions", "60", "--kills", "2", "--clients", "4",
         "--workers", "2", "--engines", engine, "--postgres", server],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert result.stdout, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    (run,) = summary["results"]
    assert (run["acknowledged"], run["kills"], run["lost"], run["duplicates"], run["stored"]) == (
        60,
        2,
        0,
        0,
        60,
    )
    assert run["audit_intact"], run["audit"]
    # The worker was killed too: every matching job done, none lost, no pair twice.
    assert run["jobs"] == {"jobs": 60, "not_done": 0, "unqueued": 0, "unmatched": 0,
                           "twin_pairs": 0}  # fmt: skip
    assert run["retries"] > 0  # the kills did interrupt submissions
    assert result.returncode == 0

"""`enlist worker` as a real process: killed with -9 mid-job it loses no job (the lease runs
out and the next worker runs it again), and SIGTERM lets it finish the job in hand.

The worker gets its own database: a SQLite file, or, when the suite runs on PostgreSQL, a
database of its own on the same server (created and dropped here), so the claim is tested
on both engines (IMMEDIATE transactions; SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

from tests.core.test_serve import enlist_argv, subprocess_env
from tests.jobs.logs import job_events

REPO = Path(__file__).resolve().parents[2]
LEASE = 2  # seconds: a killed worker's job is claimed again this soon


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = dj_database_url.parse(configured)
        name = f"{parsed['NAME']}_worker_test"
        admin = configured.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        url = configured.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('worker-db') / 'enlist.sqlite3'}"
        name = ""
    env = _env(tmp_path_factory.mktemp("data"), url)
    subprocess.run(enlist_argv("migrate", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    yield url
    if name:
        import psycopg

        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(data_dir: Path, url: str, job_dir: Path | None = None) -> dict[str, str]:
    env = subprocess_env(data_dir)
    env.update(
        DATABASE_URL=url,
        ENLIST_ENV="test",
        ENLIST_JOB_MODULES="tests.jobs.handlers",
        ENLIST_JOB_LEASE_SECONDS=str(LEASE),
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
    )
    if job_dir is not None:
        env["ENLIST_TEST_JOB_DIR"] = str(job_dir)
    return env


def _shell(env: dict[str, str], code: str) -> object:
    result = subprocess.run(  # noqa: S603  (our own console script)
        enlist_argv("shell", "-c", code),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


ENQUEUE = """
import json
from enlist.jobs.models import Job
from enlist.jobs.services import job_enqueue
Job.objects.all().delete()
print(json.dumps([job_enqueue(kind="test.slow", payload={"n": n}).pk for n in (1, 2, 3)]))
"""
STATES = """
import json
from enlist.jobs.models import Job
print(json.dumps({j.payload["n"]: [j.status, j.attempts] for j in Job.objects.all()}))
"""


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"the worker exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


@pytest.fixture
def setup(database_url, tmp_path):
    job_dir = tmp_path / "jobs"
    job_dir.mkdir()
    env = _env(tmp_path, database_url, job_dir)
    _shell(env, ENQUEUE)
    return env, job_dir


def test_a_worker_killed_mid_job_loses_no_job(setup, tmp_path):
    env, job_dir = setup
    (job_dir / "block").touch()
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(  # noqa: S603
            enlist_argv("worker", "--no-schedule"), env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(job_dir / "started-1", worker)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == -signal.SIGKILL
    assert not (job_dir / "done").exists()
    states = _shell(env, STATES)
    assert states == {"1": ["running", 1], "2": ["pending", 0], "3": ["pending", 0]}

    # A new worker, after the dead one's lease ran out, runs every job, the first again.
    (job_dir / "block").unlink()
    time.sleep(LEASE + 0.5)
    result = subprocess.run(  # noqa: S603
        enlist_argv("worker", "--burst", "--no-schedule"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran 3 jobs"
    assert "job_lease_expired" in [e["event"] for e in job_events(result.stderr)]
    assert _shell(env, STATES) == {"1": ["done", 2], "2": ["done", 1], "3": ["done", 1]}
    assert sorted((job_dir / "done").read_text().split()) == ["1", "2", "3"]


def test_sigterm_finishes_the_job_in_hand_then_stops(setup, tmp_path):
    env, job_dir = setup
    (job_dir / "block").touch()
    with open(tmp_path / "worker.log", "wb") as out:
        worker = subprocess.Popen(  # noqa: S603
            enlist_argv("worker", "--no-schedule"), env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_for(job_dir / "started-1", worker)
            worker.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert worker.poll() is None  # still finishing job 1
            (job_dir / "block").unlink()
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0
    log = (tmp_path / "worker.log").read_text()
    events = [e["event"] for e in job_events(log)]
    assert events[-1] == "worker_stopped"
    assert events.index("worker_stopping") < events.index("job_done")  # job 1 finished after
    assert (job_dir / "done").read_text().split() == ["1"]
    assert _shell(env, STATES) == {"1": ["done", 1], "2": ["pending", 0], "3": ["pending", 0]}


PARENT = """
import subprocess, sys
worker = subprocess.Popen(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr)
print(worker.pid, flush=True)
worker.wait()
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize("exit_with_parent", [True, False])
def test_a_worker_started_with_exit_with_parent_stops_when_its_parent_is_killed(
    setup, tmp_path, exit_with_parent
):
    """`enlist demo` starts its worker so: a demo killed with -9 runs no `finally`, and its
    worker must not run on, orphaned. Without the flag a worker outlives its parent (as a
    service's worker should)."""
    env, _ = setup
    args = ["worker", "--no-schedule"] + (["--exit-with-parent"] if exit_with_parent else [])
    log = tmp_path / "worker.log"
    with open(log, "w") as err:
        parent = subprocess.Popen(  # noqa: S603  (our own code and console script)
            [sys.executable, "-c", PARENT, *enlist_argv(*args)],
            env=env, stdout=subprocess.PIPE, stderr=err, text=True,
        )  # fmt: skip
    worker_pid = int(parent.stdout.readline())
    try:
        deadline = time.monotonic() + 60
        while "worker_started" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _alive(worker_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _alive(worker_pid) is not exit_with_parent
        if exit_with_parent:
            events = [e["event"] for e in job_events(log.read_text())]
            assert events[-2:] == ["worker_orphaned", "worker_stopped"]
    finally:
        if _alive(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)

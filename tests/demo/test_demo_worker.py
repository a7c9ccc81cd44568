"""`enlist demo` serves with a worker beside the server: the jobs the build queued (travel
packet emails among them) are done while it serves, and stopping the demo stops both."""

from __future__ import annotations

import signal
import stat
import subprocess
import time

from tests.core.test_serve import enlist_argv, free_port, subprocess_env
from tests.jobs.logs import job_events

WANTED = {"mail.travel_packet", "audit.checkpoint", "retention.run"}


def _done(text: str) -> set[str]:
    return {e["kind"] for e in job_events(text) if e["event"] == "job_done"}


def test_the_demo_runs_a_worker_beside_the_server(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log_path = tmp_path / "demo.log"
    port = free_port()
    with open(log_path, "wb") as log:
        demo = subprocess.Popen(  # noqa: S603  (our own console script, fixed arguments)
            enlist_argv("demo", "--applications", "40", "--port", str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=subprocess_env(data_dir),
            cwd=data_dir,
        )
        try:
            deadline = time.monotonic() + 240
            while not _done(log_path.read_text()) >= WANTED:
                assert demo.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.5)
        finally:
            demo.send_signal(signal.SIGTERM)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait(timeout=10)
    text = log_path.read_text()
    assert "A worker runs beside the server (`enlist worker`)" in text
    assert str(tmp_path / "data-mail") in text
    assert job_events(text)[-1]["event"] == "worker_stopped"
    assert demo.returncode == 0
    # The packet's email: in files only their owner reads, outside the data directory.
    messages = list((tmp_path / "data-mail").glob("*.log"))
    assert any("Your appointment information" in m.read_text() for m in messages)
    assert {stat.S_IMODE(m.stat().st_mode) for m in messages} == {0o600}
    assert not list(data_dir.rglob("*.log"))

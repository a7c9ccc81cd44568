"""`enlist serve` for real: a subprocess on a fresh data directory, answering over HTTP.

The helpers here (the console script, a clean environment, a running server) are shared with
``tests/accounts/test_cli.py`` and ``tests/test_no_plaintext_leaks.py``. A subprocess always
gets its own SQLite database under its own ENLIST_DATA_DIR, even when the suite itself runs
on PostgreSQL: the test database of the suite is not the subprocess's to touch.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

STARTUP_TIMEOUT = 90.0  # a fresh data directory migrates first; CI machines are shared
COMMAND_TIMEOUT = 60.0


def enlist_argv(*args: str) -> list[str]:
    """The installed `enlist` console script next to this interpreter (module form otherwise)."""
    script = Path(sys.executable).with_name("enlist")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "enlist.cli", *args]


def subprocess_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment minus every Enlist, database and PostgreSQL setting."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ENLIST_", "PG", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(ENLIST_DATA_DIR=str(data_dir), ENLIST_ENV="development", PYTHONUNBUFFERED="1")
    return env


def run_enlist(
    data_dir: Path,
    *args: str,
    stdin: str | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603  (our own console script, fixed arguments)
        enlist_argv(*args),
        input=stdin,
        capture_output=True,
        text=True,
        env=env if env is not None else subprocess_env(data_dir),
        cwd=data_dir,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(
    method: str, url: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, object]:
    """One JSON request; returns (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310  (http only)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@contextlib.contextmanager
def running_server(
    data_dir: Path,
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    probe: str = "/api/v1/missions",
    args: tuple[str, ...] = ("--workers", "2"),
) -> Iterator[str]:
    """`enlist serve` on a free port, its stdout and stderr going to `log_path`; yields its URL.

    Ready once `probe` answers 200. Stopped (SIGTERM, then killed if it will not stop) on the
    way out, whatever happened.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603  (our own console script, fixed arguments)
            enlist_argv("serve", "--port", str(port), *args),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env if env is not None else subprocess_env(data_dir),
            cwd=data_dir,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise AssertionError(
                        f"enlist serve exited with {process.returncode}:\n{log_path.read_text()}"
                    )
                try:
                    with urllib.request.urlopen(f"{base}{probe}", timeout=2):  # noqa: S310
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"enlist serve did not answer in time:\n{log_path.read_text()}"
                        ) from None
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_serve_migrates_a_fresh_data_dir_and_answers(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log_path = tmp_path / "serve.log"

    with running_server(data_dir, log_path) as base:
        status, missions = http("GET", f"{base}/api/v1/missions")
        advisory_status, advisory = http("GET", f"{base}/api/v1/countries/AU/advisory")

    assert status == 200
    assert missions == []
    assert advisory_status == 200
    assert advisory["status"] == "warned"
    database = data_dir / "enlist.sqlite3"
    assert database.is_file()
    with contextlib.closing(sqlite3.connect(database)) as connection:
        pending = connection.execute(
            "SELECT COUNT(*) FROM django_migrations WHERE app = 'missions' AND name = ?",
            ("0002_seed_countries",),
        ).fetchone()
        countries = connection.execute("SELECT COUNT(*) FROM missions_country").fetchone()
    assert pending == (1,)
    assert countries[0] > 200
    log = log_path.read_text(encoding="utf-8")
    assert (
        f"Enlist is serving at http://localhost:{base.rsplit(':', 1)[1]}/ (staff: /staff/)" in log
    )
    assert "GET /api/v1/missions 200" in log


def test_serve_on_a_migrated_data_dir_keeps_its_data(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    run_enlist(data_dir, "migrate", "--verbosity", "0")
    run_enlist(
        data_dir,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from enlist.missions.models import Mission; Mission.objects.create(code='lt-vilnius', "
        "name='Embassy of Ukraine in Lithuania', country_id='LT', city='Vilnius', "
        "timezone='Europe/Vilnius')",
    )

    with running_server(data_dir, tmp_path / "serve.log") as base:
        status, missions = http("GET", f"{base}/api/v1/missions")

    assert status == 200
    assert missions == [
        {
            "code": "lt-vilnius",
            "name": "Embassy of Ukraine in Lithuania",
            "country": "LT",
            "city": "Vilnius",
            "timezone": "Europe/Vilnius",
            "languages": [],
        }
    ]


def test_serve_runs_several_workers_and_stops_gracefully_on_sigterm(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log_path = tmp_path / "serve.log"
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603  (our own console script, fixed arguments)
            enlist_argv("serve", "--port", str(port), "--workers", "3"),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=subprocess_env(data_dir),
            cwd=data_dir,
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                try:
                    status, body = http("GET", f"http://127.0.0.1:{port}/readyz")
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    assert process.poll() is None and time.monotonic() < deadline
                    time.sleep(0.2)
            process.terminate()  # SIGTERM
            returncode = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()

    checks = {"database": "ok", "keys": "ok", "queue": "ok"}
    assert (status, body) == (200, {"status": "ready", "checks": checks})
    assert returncode == 0
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line[:1] == "{"]
    messages = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert sum(message.startswith("Booting worker") for message in messages) == 3
    assert "Handling signal: term" in messages
    assert "Shutting down: Master" in messages

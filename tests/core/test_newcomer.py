"""The newcomer's path: a busy port, hints that work when pasted, progress without a terminal."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from enlist.core.ports import command_hint, port_refusal
from tests.core.test_serve import free_port, run_enlist

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def busy_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_a_busy_port_is_named_in_one_line(busy_port):
    refusal = port_refusal("127.0.0.1", busy_port)

    assert refusal is not None and "\n" not in refusal
    assert f"Port {busy_port} on 127.0.0.1 is already in use" in refusal
    assert f"make run PORT={busy_port + 1}" in refusal


def test_a_free_port_is_not_refused():
    assert port_refusal("127.0.0.1", free_port()) is None


@pytest.mark.parametrize("command", [("serve",), ("demo",)])
def test_serve_and_demo_stop_at_once_on_a_busy_port_before_saying_serving(
    tmp_path, busy_port, command
):
    result = run_enlist(tmp_path, *command, "--port", str(busy_port), check=False)

    assert result.returncode == 1
    assert "serving" not in result.stdout
    assert "Building the demo" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: Port {busy_port} on 127.0.0.1 is already in use: stop the program "
        f"using it, or choose another port with --port (make run PORT={busy_port + 1})."
    ]


def test_a_hint_names_the_script_that_runs_when_it_is_not_on_path(tmp_path, monkeypatch):
    script = tmp_path / ".venv" / "bin" / "enlist"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.setattr(sys, "argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)

    assert command_hint("demo", "--codes") == ".venv/bin/enlist demo --codes"


def test_a_hint_is_plain_enlist_when_that_is_the_one_on_path(tmp_path, monkeypatch):
    script = tmp_path / "bin" / "enlist"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}/usr/bin")

    assert command_hint("demo", "--codes") == "enlist demo --codes"


def test_make_run_takes_the_port_and_make_codes_exists():
    dry_run = subprocess.run(  # noqa: S603  (make, fixed arguments)
        [shutil.which("make") or "make", "-n", "-W", ".venv/.runtime", "run", "codes", "PORT=8001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert ".venv/bin/enlist demo --host 127.0.0.1 --port 8001" in dry_run
    assert ".venv/bin/enlist demo --codes" in dry_run

"""`enlist demo`: build the demo database once, print where it is and how to log in, serve it
(with a worker beside the server)."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from enlist.accounts.totp import STEP_SECONDS, current_code
from enlist.core.ports import command_hint, port_refusal
from enlist.demo.generator import (
    BuildReport,
    DemoRefused,
    DemoState,
    Login,
    database_reset,
    default_logins_file,
    demo_build,
    demo_logins,
    demo_state,
)
from enlist.demo.plan import DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Create a demo database (missions, staff of every role, thousands of applications "
        "across all stages) unless it exists, print the URL and the demo logins, then serve it "
        "with a background worker (`enlist worker`) beside the server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--applications",
            type=int,
            default=2000,
            metavar="N",
            help="How many applications to create when building (default: 2000).",
        )
        parser.add_argument(
            "--size",
            type=int,
            default=None,
            metavar="N",
            help="Build N applications in bulk (a million in minutes) instead of one by one "
            "through the services; the cases then carry no documents, verdicts, visa records "
            "or travel packets. Reports the build's time and peak memory.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            metavar="S",
            help=f"Random seed: the same seed builds the same demo (default: {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the database (the SQLite file) and its uploads, then build afresh. "
            "On PostgreSQL this drops every table and also needs --yes.",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm --reset on PostgreSQL.",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Build (if needed) and print the logins, then exit instead of serving.",
        )
        parser.add_argument(
            "--host", default="127.0.0.1", help="Address to serve on (default: 127.0.0.1)."
        )
        parser.add_argument(
            "--port", type=int, default=8000, help="Port to serve on (default: 8000)."
        )
        parser.add_argument(
            "--codes",
            action="store_true",
            help="Print the current six-digit code of each demo login (from the logins file), "
            "for trying the demo without an authenticator app, then exit.",
        )
        parser.add_argument(
            "--logins-file",
            type=Path,
            default=None,
            metavar="PATH",
            help="Where the demo passwords are kept, readable by you only "
            "(default: demo-logins.txt in ENLIST_DATA_DIR).",
        )

    def handle(
        self,
        *args: Any,
        applications: int,
        size: int | None,
        seed: int,
        reset: bool,
        yes: bool,
        no_serve: bool,
        host: str,
        port: int,
        logins_file: Path | None,
        codes: bool,
        **options: Any,
    ) -> None:
        if applications < 0:
            raise CommandError("--applications must be zero or more.")
        if size is not None and size < 1:
            raise CommandError("--size must be one or more.")
        if yes and not reset:
            raise CommandError("--yes only confirms --reset.")
        verbosity = int(options.get("verbosity", 1))
        logins_path = logins_file or default_logins_file()
        if codes:
            self.stdout.write(_codes_table(demo_logins(logins_path)))
            return
        if not no_serve and (refusal := port_refusal(host, port)):
            raise CommandError(refusal)  # at once: not after building for a minute
        try:
            if reset:
                deleted = database_reset(confirmed=yes)
                self.stdout.write(f"Deleted {deleted}.")
            _migrate_if_needed()
            state = demo_state()
            if state == DemoState.OTHER:
                raise DemoRefused(
                    "This database holds data that is not a finished demo (real data, or a "
                    f"demo build that was interrupted). `{command_hint('demo', '--reset')}` "
                    "deletes it and builds the demo afresh."
                )
            if state == DemoState.EMPTY:
                count = applications if size is None else size
                how = "" if size is None else ", in bulk"
                self.stdout.write(f"Building the demo: {count} applications (seed {seed}{how}).")
                report = demo_build(
                    applications=count,
                    seed=seed,
                    logins_file=logins_path,
                    progress=None if verbosity >= 1 else False,
                    bulk=size is not None,
                )
                if verbosity >= 1:
                    self.stdout.write(_summary(report))
            else:
                self.stdout.write(
                    "The demo database already exists: serving it as it is "
                    f"(`{command_hint('demo', '--reset')}` rebuilds it)."
                )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_logins_table(demo_logins(logins_path), host=host, port=port))
        self.stdout.write(
            f"Passwords and TOTP secrets are kept in {logins_path} (readable by you only).\n"
            "Sign-in asks for a code after the password: add the login's TOTP secret to an "
            f"authenticator app,\nor run `{command_hint('demo', '--codes')}` (or `make codes`) "
            "for the current codes (each code signs in once)."
        )
        if not no_serve:
            self.stdout.write(
                "A worker runs beside the server (`enlist worker`): the demo's email goes to "
                f"{_mail_destination()}."
            )
            self.stdout.flush()
            with _worker_beside():
                call_command("serve", host=host, port=port)


def _mail_destination() -> str:
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return f"the SMTP server {settings.EMAIL_HOST}"
    return str(getattr(settings, "EMAIL_FILE_PATH", "the configured mail backend"))


@contextlib.contextmanager
def _worker_beside() -> Iterator[subprocess.Popen]:
    """`enlist worker` in a child process for as long as the server runs: the demo's
    invitations, packets, reminders and matching flow as they would in production. Stopped
    with SIGTERM (it finishes the job in hand) when the server stops, and by itself when the
    demo process is gone."""
    # --exit-with-parent: if the demo is killed with -9 (no `finally` runs), the worker sees
    # its parent gone and stops by itself instead of running on, orphaned.
    worker = subprocess.Popen(  # noqa: S603  (our own module, fixed arguments)
        [sys.executable, "-m", "enlist.cli", "worker", "--exit-with-parent"],
        env=os.environ.copy(),
    )
    # SIGTERM to the demo stops the server through `finally` (Ctrl-C reaches both anyway).
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        yield worker
    finally:
        signal.signal(signal.SIGTERM, previous)
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def _migrate_if_needed() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def _summary(report: BuildReport) -> str:
    stages = ", ".join(f"{stage} {n}" for stage, n in sorted(report.stages.items()))
    channels = ", ".join(f"{channel} {n}" for channel, n in sorted(report.channels.items()))
    return (
        f"Built in {report.seconds:.1f} s: {report.applications} applications from "
        f"{len(report.nationalities)} nationalities at {report.missions} missions, "
        f"{report.documents} documents, {report.staff} staff accounts.\n"
        f"  by stage: {stages}\n"
        f"  by channel: {channels}\n"
        f"  peak memory: {peak_memory_mib():.0f} MiB"
        + (f", {report.rows} rows written in bulk" if report.rows else "")
    )


def peak_memory_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _logins_table(logins: list[Login], *, host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104  # nosec B104  # compares the host given, binds nothing
    base = f"http://{shown}:{port}"
    rows = [("username", "role", "mission", "password", "totp_secret")]
    rows += [
        (
            login.username,
            login.role,
            login.mission or "-",
            login.password or "(unknown)",
            login.totp_secret or "(unknown)",
        )
        for login in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "",
        f"  Public form    {base}/",
        f"  Staff          {base}/staff/",
        f"  Admin          {base}/admin/",
        f"  API docs       {base}/api/v1/docs",
        "",
    ]
    for number, row in enumerate(rows):
        lines.append(
            "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        )
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    if any(login.password is None or login.totp_secret is None for login in logins):
        lines.append(
            "  (unknown: the logins file is missing or from an older demo; "
            f"`{command_hint('demo', '--reset')}` rebuilds)"
        )
    lines.append("")
    return "\n".join(line.rstrip() for line in lines)


def _codes_table(logins: list[Login]) -> str:
    now = time.time()
    left = STEP_SECONDS - int(now) % STEP_SECONDS
    lines = [f"Current codes (the next ones come in {left} s; each code signs in once):"]
    width = max(len(login.username) for login in logins)
    for login in logins:
        code = current_code(login.totp_secret, at=now) if login.totp_secret else "(unknown)"
        lines.append(f"  {login.username.ljust(width)}  {code}")
    return "\n".join(lines)

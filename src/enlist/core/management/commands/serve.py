"""`enlist serve`: bring the database up to date, then serve with gunicorn (several processes).

The master process migrates (which also makes the shared cache table), collects static files
in production, loads the application once and forks the workers, so each starts warm.
SIGTERM (systemd's stop, `kill`) is graceful: workers finish the requests they hold (up to
``--graceful-timeout`` seconds) and take no new ones; SIGHUP reloads the workers.
Forwarded headers are judged by Enlist (``core/proxy.py``), not by gunicorn, so that one rule
decides; gunicorn's access log is off because ours (JSON lines, no query strings) replaces it.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import get_internal_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication

from enlist.core.envtools import env_int
from enlist.core.health import run_checks
from enlist.core.ports import port_refusal


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, unless ENLIST_SERVE_WORKERS says otherwise."""
    return env_int("ENLIST_SERVE_WORKERS", 2 * available_cores() + 1, minimum=1)


class Command(BaseCommand):
    help = (
        "Apply pending migrations, then serve Enlist over HTTP with gunicorn: several worker "
        "processes (2 x cores + 1 by default), graceful on SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: ENLIST_SERVE_WORKERS, else 2 x cores + 1).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per worker (default: ENLIST_SERVE_THREADS, else 1: one request at a "
            "time per process).",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="Seconds a worker gets to finish its requests after SIGTERM (default 30).",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int | None,
        threads: int | None,
        graceful_timeout: int,
        **options: Any,
    ) -> None:
        workers = default_workers() if workers is None else workers
        threads = env_int("ENLIST_SERVE_THREADS", 1, minimum=1) if threads is None else threads
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if refusal := port_refusal(host, port):
            raise CommandError(refusal)  # one line, before "serving" and before migrating
        call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        run_checks("keys")  # loaded once here (or refused here), inherited by every worker
        connections.close_all()  # never share a database connection with the forked workers
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104  # nosec B104  # compares the host given, binds nothing
        self.stdout.write(
            f"Enlist is serving at http://{shown}:{port}/ (staff: /staff/) "
            f"with {workers} worker processes"
        )
        self.stdout.flush()
        _GunicornApplication(
            {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread" if threads > 1 else "sync",
                "preload_app": True,
                "graceful_timeout": graceful_timeout,
                "timeout": 60,
                "keepalive": 5,
                "proc_name": "enlist",
                # Enlist judges X-Forwarded-* itself (core/proxy.py); gunicorn must not.
                "forwarded_allow_ips": "",
                "secure_scheme_headers": {},
                "accesslog": None,
                "logconfig_dict": settings.LOGGING,
            }
        ).run()


class _GunicornApplication(BaseApplication):
    """gunicorn configured from a dict (no config file, no command line of its own)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        # The application settings name (WSGI_APPLICATION), loaded as `runserver` loads it.
        return get_internal_wsgi_application()

"""`enlist serve`: bring the database up to date, then serve with waitress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Apply pending migrations, then serve Enlist over HTTP (waitress)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument("--threads", type=int, default=8, help="Worker threads.")

    def handle(self, *args: Any, host: str, port: int, threads: int, **options: Any) -> None:
        from waitress import serve

        from enlist.wsgi import application

        call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104  # nosec B104  # compares the host given, binds nothing
        self.stdout.write(f"Enlist is serving at http://{shown}:{port}/ (staff: /staff/)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="enlist")

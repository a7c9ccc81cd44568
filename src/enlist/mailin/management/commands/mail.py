"""`enlist mail serve|poll|address`: email intake."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.mailin.models import Mailbox
from enlist.missions.models import Mission


class Command(BaseCommand):
    help = (
        "Email intake. `serve` runs the SMTP (or --lmtp) listener the mission's mail routing "
        "points at; `poll` reads the missions' IMAP mailboxes once; `address CODE ADDRESS` "
        "sets a mission's intake address (and, with --imap-host, the mailbox to poll). Each "
        "message becomes a draft in its mission, sealed; the sender gets one neutral "
        "acknowledgement; bounces and automatic replies are kept and never answered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="Run the SMTP/LMTP listener until stopped.")
        host, _, port = settings.ENLIST_MAIL_LISTEN.rpartition(":")
        serve.add_argument("--host", default=host or "127.0.0.1")
        serve.add_argument("--port", type=int, default=int(port or 8025))
        serve.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP.")
        poll = sub.add_parser("poll", help="Fetch unseen mail from every IMAP mailbox once.")
        poll.add_argument("--mission", help="Only this mission's mailbox.")
        address = sub.add_parser("address", help="Set a mission's intake address.")
        address.add_argument("mission", help="Mission code, e.g. lt-vilnius.")
        address.add_argument("address", help="The intake address, e.g. vilnius@intake.example.")
        address.add_argument("--imap-host", default="")
        address.add_argument("--imap-port", type=int, default=993)
        address.add_argument("--imap-user", default="")
        address.add_argument(
            "--imap-password-env",
            default="",
            help="Name of the environment variable (or NAME_FILE) holding the IMAP password.",
        )
        address.add_argument("--imap-folder", default="INBOX")
        address.add_argument(
            "--imap-no-ssl", action="store_true", help="Plain IMAP (STARTTLS if offered)."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _serve(self, *, host: str, port: int, lmtp: bool, **_: Any) -> None:
        from enlist.mailin.listener import IntakeController

        controller = IntakeController(host=host, port=port, lmtp=lmtp)
        controller.start()
        protocol = "LMTP" if lmtp else "SMTP"
        self.stdout.write(f"Mail intake ({protocol}) on {host}:{port}", ending="\n")
        self.stdout.flush()
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *a: stop.set())
        try:
            stop.wait()
        finally:
            controller.stop()

    def _poll(self, *, mission: str | None, **_: Any) -> None:
        from enlist.mailin.imap import mailboxes_poll

        try:
            results = mailboxes_poll(mission=mission)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"IMAP: {type(exc).__name__}: {exc}") from None
        if not results:
            self.stdout.write("No mailbox to poll (set one with `enlist mail address`).")
        for result in results:
            self.stdout.write(f"{result.mailbox}: {result.fetched} fetched, {result.stored} stored")

    def _address(self, *, mission: str, address: str, **options: Any) -> None:
        found = Mission.objects.filter(code=mission).first()
        if found is None:
            raise CommandError(f"mission: no mission {mission!r}.")
        if "@" not in address:
            raise CommandError("address: not an email address.")
        box, _ = Mailbox.objects.update_or_create(
            mission=found,
            defaults={
                "address": address.strip().lower(),
                "imap_host": options["imap_host"],
                "imap_port": options["imap_port"],
                "imap_user": options["imap_user"],
                "imap_password_env": options["imap_password_env"],
                "imap_folder": options["imap_folder"],
                "imap_ssl": not options["imap_no_ssl"],
            },
        )
        self.stdout.write(f"{found.code}: intake address {box.address}")

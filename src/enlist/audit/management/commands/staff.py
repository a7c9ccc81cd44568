"""`enlist staff add USERNAME --role ROLE [--mission CODE]`, `enlist staff token USERNAME`,
`enlist staff otp-reset USERNAME` and `enlist staff unblock USERNAME`.

Here rather than in accounts because ``unblock`` clears the audit trail's view limits
(``audit/view_limits.py: views_unblock``): a command spanning both lives in the higher app.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.accounts.models import StaffUser
from enlist.accounts.roles import Role
from enlist.accounts.services import staff_add, staff_token_create, totp_reset
from enlist.audit.view_limits import views_unblock
from enlist.errors import InvalidInput, NotFound

NO_TERMINAL = (
    "No terminal to ask for the password on: give --password-stdin (and the password on "
    "standard input) or --no-password."
)


class Command(BaseCommand):
    help = "Manage staff accounts: add one, issue an API token, reset a second factor."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a staff account.")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[r.value for r in Role])
        add.add_argument("--mission", help="Mission code (clerk, attache and consul only).")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of prompting.",
        )
        add.add_argument(
            "--no-password",
            action="store_true",
            help="Create the account without a password (API token only).",
        )
        token = sub.add_parser("token", help="Print a new API token for a staff account.")
        token.add_argument("username")
        token.add_argument("--label", default="", help="What the token is for.")
        reset = sub.add_parser(
            "otp-reset",
            help="Remove a staff account's authenticator (a lost phone): they set up a new "
            "one at their next sign-in.",
        )
        reset.add_argument("username")
        unblock = sub.add_parser(
            "unblock",
            help="Let a staff account open cases again after it passed the hourly view limit "
            "(recorded in the audit trail).",
        )
        unblock.add_argument("username")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "add":
            self._add(**options)
        elif action == "token":
            self._token(**options)
        elif action == "unblock":
            self._unblock(**options)
        else:
            self._otp_reset(**options)

    def _add(
        self, *, username: str, role: str, mission: str | None, password_stdin: bool,
        no_password: bool, stdin: Any = None, **_: Any,
    ) -> None:  # fmt: skip
        password = None
        if password_stdin:
            password = (stdin or sys.stdin).readline().rstrip("\n")
        elif not no_password:
            password = self._ask_password(stdin)
        try:
            user = staff_add(username=username, role=role, mission_code=mission, password=password)
        except InvalidInput as exc:
            raise CommandError("; ".join(f"{e.field}: {e.message}" for e in exc.errors)) from None
        where = f" at {user.mission.code}" if user.mission else ""
        self.stdout.write(f"Created {user.username} ({user.role}{where}).")
        if user.has_usable_password():
            self.stdout.write(
                f"At the first sign-in (/staff/login/), {user.username} sets up the second "
                "factor: an authenticator app scans the QR code shown after the password."
            )

    def _ask_password(self, stdin: Any) -> str:
        # getpass falls back to reading a pipe (and warns) or dies on EOF with a traceback:
        # without a terminal to ask on, say how to give the password instead.
        source = stdin or sys.stdin
        if source is None or not source.isatty():
            raise CommandError(NO_TERMINAL, returncode=2)
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given.", returncode=2) from None
        if password != again:
            raise CommandError("The passwords differ.")
        return password

    def _token(self, *, username: str, label: str, **_: Any) -> None:
        user = StaffUser.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff account named {username!r}.")
        self.stdout.write(staff_token_create(user=user, label=label))

    def _otp_reset(self, *, username: str, **_: Any) -> None:
        user = StaffUser.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No staff account named {username!r}.")
        removed = totp_reset(user=user)
        self.stdout.write(
            f"Removed {removed} authenticator(s) of {user.username}: they set up a new one at "
            "their next sign-in."
        )

    def _unblock(self, *, username: str, **_: Any) -> None:
        try:
            cleared = views_unblock(username=username)
        except NotFound as exc:
            raise CommandError(exc.message) from None
        if cleared:
            self.stdout.write(f"{username} may open cases again ({cleared} block(s) cleared).")
        else:
            self.stdout.write(f"{username} was not blocked.")

"""`enlist audit verify` and `enlist audit checkpoint`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from enlist.audit.services import CheckpointFileError, audit_checkpoint, audit_verify
from enlist.core.progress import progress_arguments


class Command(BaseCommand):
    help = (
        "Check the audit trail: `verify` recomputes the hash chain and checks it against every "
        "signed checkpoint (exit 0 intact, 1 naming the first broken entry); `checkpoint` "
        "signs the chain as it stands and prints the line to record elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="Recompute the chain and check every checkpoint; exit 1 at the first break.",
        )
        progress_arguments(verify)
        sub.add_parser(
            "checkpoint",
            help="Sign the current chain head, append it to the checkpoint file and print it.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify(progress=options.get("progress"))
        else:
            checkpoint = audit_checkpoint()
            self.stdout.write(checkpoint.to_line())

    def _verify(self, *, progress: bool | None) -> None:
        try:
            verification = audit_verify(progress=progress)
        except CheckpointFileError as exc:
            self.stderr.write(f"broken: the checkpoint file is damaged: {exc}")
            raise SystemExit(1) from None
        result = verification.result
        if result.broken is not None:
            self.stderr.write(f"broken at entry #{result.broken.sequence}: {result.broken}")
            raise SystemExit(1)
        self.stdout.write(f"intact ({result.entries} entries, {result.checkpoints} checkpoints)")

"""`enlist backup OUT`: a consistent online backup (database, uploads, checkpoints), no key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent online backup to OUT (a tar file, mode 0600): the database "
        "(SQLite backup API or pg_dump), the encrypted uploads and the audit checkpoints. It "
        "holds no key: keep the keys elsewhere, a backup without them decrypts nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="The backup file to create (must not exist).")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            report = backup_create(out=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {out} ({report.engine}, {report.uploads} uploaded files, "
            f"{report.size} bytes). It holds no key."
        )

"""`enlist restore IN`: bring back a backup made by `enlist backup` (the keys come separately)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enlist.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `enlist backup` into the configured database and data "
        "directory (both must be empty, unless --replace). The keys are not in the backup: "
        "configure the same ENLIST_FIELD_KEY, ENLIST_INDEX_KEY and ENLIST_AUDIT_SIGNING_KEY "
        "to read the data, then run `enlist audit verify`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, metavar="IN", help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database and uploads that already hold data.",
        )

    def handle(self, *args: Any, source: Path, replace: bool, **options: Any) -> None:
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        try:
            report = backup_restore(source=source, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {source} ({report.engine}, {report.uploads} uploaded files). "
            "Run `enlist audit verify` next."
        )
